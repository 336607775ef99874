"""Japanese of ``helpers.exercises.ex06`` (notebook 06)."""

from helpers.exercises.language import Texts

EXERCISES = {
    1: Texts(
        title="min_samples_leaf のスイープ",
        practises="新しいグリッドを、子ランを持つ親ランとしてスイープする",
        task=(
            "セクション 2 のランダムフォレスト (`spec`) を、`run_sweep` でグリッド "
            "`{\"n_estimators\": [50, 100], \"min_samples_leaf\": [1, 5, 10]}` についてスイープ"
            "してください。`parent_name=\"leaf-sweep\"` を指定します。親ランには子ランが何件"
            "でき、親ランはパラメーターとして何を記録しますか? また、RMSE が最も低くなるのは"
            "どの `min_samples_leaf` ですか?"
        ),
        hint=(
            "セクション 2 と同じように run_sweep を呼び、グリッドと親ランの名前を変えます。"
            "グリッドの各キーは、ランダムフォレストが受け付けるハイパーパラメーターでなければ"
            "なりません。"
        ),
        why=(
            "新しいグリッドには専用の親ランができ、そのパラメーターに探索空間が記録されるので、"
            "各スイープの子ランは、それを生んだグリッドとまとまったままになります。"
        ),
    ),
    2: Texts(
        title="ネストされたランを手作業で作る",
        practises="nested=True で子ランを開始する",
        task=(
            "セクション 1 と同じように、`depth-by-hand-2` という名前の親ランを記録し、"
            "`max_depth` が 3、5、7 のそれぞれについて子ランを 1 つずつ作ってください (どれも"
            "木 25 本のランダムフォレスト)。各子ランは、パラメーター `max_depth` と、テスト"
            "データの行でのメトリクス `rmse` を記録します。最良の深さはどこにありますか?"
        ),
        hint=(
            "セクション 1 のセルをコピーし、親ランの名前と深さを変えます。子ランは、親ランが"
            "まだ開いている間に開始する必要があります。"
        ),
        why=(
            "nested=True は、各子ランに親ランの ID をタグ (mlflow.parentRunId) として付けます。"
            "UI では子ランが親ランの下にまとめて表示され、このタグで検索すれば子ランが"
            "見つかります。"
        ),
    ),
    3: Texts(
        title="自動ログの上位 3 件",
        practises="自動ログを設定し、子ランを数える",
        task=(
            "小さな `GridSearchCV` (組み合わせが 3 通りより多いもの。たとえば木 25 本の"
            "ランダムフォレストで `max_depth` を `[2, 3, 4, 6, 8]`、`cv=3`) を、"
            "`mlflow.sklearn.autolog(max_tuning_runs=3, ...)` のもとで、`gridsearchcv-top3` "
            "という名前のランの中でトレーニングし、そのあと自動ログをまたオフにしてください。"
            "親ランには子ランが何件でき、それはどの組み合わせですか? 残りの組み合わせは"
            "どこに記録されていますか?"
        ),
        hint=(
            "autolog を呼ぶたびにすべてのオプションが設定し直され、省略したオプションは"
            "デフォルト値に戻ります。新しいオプションと一緒に、セクション 6 のオプションも"
            "指定してください。"
        ),
        why=(
            "max_tuning_runs は、大きな探索の子ランを rank_test_score で上位のものだけに"
            "絞ります。それでも、親ランのアーティファクト cv_results.csv には、すべての"
            "組み合わせが残ります。"
        ),
    ),
    4: Texts(
        title="次の仮説を検証する",
        practises="過去のランを次のスイープにつなげ、スイープどうしを比べる",
        task=(
            "セクション 8 の最初の仮説を検証してください。`spec` を、木 400 本、`max_depth` "
            "3 と 4 で、`parent_name=\"next-sweep\"` を指定してスイープします。最良の RMSE は、"
            "`forest-sweep` の最良の RMSE (その親ランのメトリクス `best_rmse`) より改善し"
            "ましたか? 改善したなら、どれだけですか?"
        ),
        hint=(
            "木の本数には値を 1 つ、深さには値を 2 つ持つグリッドです。各スイープの最良の RMSE "
            "は、その親ランにあります。"
        ),
        why=(
            "過去のランがあれば、勘を検証に変えられます。新しいスイープの記録は、その問いを"
            "生んだスイープの隣で答えを示します。"
        ),
    ),
}

MESSAGES = {
    "run {run!r} has no finished child runs: {how}":
        "ラン {run!r} には完了した子ランがありません。{how}",
    "run_sweep(..., parent_name={parent!r}) logs one per combination.":
        "run_sweep(..., parent_name={parent!r}) は、組み合わせごとに子ランを 1 つ記録します。",
    "start each child with mlflow.start_run(..., nested=True) inside the parent's with block.":
        "各子ランは、親ランの with ブロックの中で mlflow.start_run(..., nested=True) により"
        "開始してください。",
    "the children of {parent!r} have min_samples_leaf {leaves}, not 1, 5 and 10: the grid needs "
    "the key min_samples_leaf.":
        "{parent!r} の子ランの min_samples_leaf は {leaves} で、1、5、10 の 3 つがそろっていません。"
        "グリッドにはキー min_samples_leaf が必要です。",
    "{missing} of the {combos} combinations of the grid of {parent!r} have no finished child: "
    "run the sweep again, it finishes them.":
        "{parent!r} のグリッドの {combos} 通りの組み合わせのうち、{missing} 通りには完了した"
        "子ランがありません。スイープをもう一度実行すると、残りが完了します。",
    "{rmse:.1f} for {leaf}": "{leaf} では {rmse:.1f}",
    "{children} children cover the grid; their mean RMSE by min_samples_leaf: {means}.":
        "{children} 件の子ランがグリッドを網羅しています。min_samples_leaf ごとの平均 RMSE: "
        "{means}。",
    "the children of {parent!r} have max_depth {depths}; none has {missing}.":
        "{parent!r} の子ランの max_depth は {depths} です。max_depth が {missing} の子ランは"
        "ありません。",
    " or ": " または ",
    "{rmse:.1f} at max_depth {depth}": "max_depth {depth} では {rmse:.1f}",
    "its children have the RMSE {shown}.": "子ランの RMSE は、{shown} です。",
    "run {run!r} shows no GridSearchCV fitted under mlflow.sklearn.autolog() (autolog tags the "
    "run with its estimator_name; found {estimator!r}).":
        "ラン {run!r} には、mlflow.sklearn.autolog() のもとでトレーニングした GridSearchCV が"
        "見当たりません (autolog はランに estimator_name のタグを付けます。このランの値: "
        "{estimator!r})。",
    "the grid of {run!r} has only {combos} combinations, so it cannot show a limit of 3 child "
    "runs: give it more than 3.":
        "{run!r} のグリッドには組み合わせが {combos} 通りしかないので、子ランが 3 件に制限"
        "されることを示せません。組み合わせを 3 通りより多くしてください。",
    "run {run!r} has {children} child runs, not 3: autolog makes one for each of the best "
    "max_tuning_runs combinations (5 unless told otherwise).":
        "ラン {run!r} の子ランは 3 件ではなく {children} 件です。autolog は、上位 "
        "max_tuning_runs 個の組み合わせのそれぞれに子ランを 1 つ作ります (指定しなければ 5)。",
    "its 3 children hold the combinations ranked {ranks} (rank_test_score) of the grid's "
    "{combos}.":
        "3 件の子ランには、グリッドの {combos} 通りのうち、順位 (rank_test_score) が {ranks} "
        "の組み合わせが入っています。",
    "its 3 children hold the combinations ranked {ranks} (rank_test_score).":
        "3 件の子ランには、順位 (rank_test_score) が {ranks} の組み合わせが入っています。",
    "{trees} trees at max_depth {depth}": "max_depth {depth} で木 {trees} 本",
    " and no ": "、",
    "the children of {parent!r} have no {missing}; they tried {tried}.":
        "{parent!r} の子ランに、{missing}の組み合わせがありません。試した組み合わせ: {tried}。",
    "the best of {parent!r} has an RMSE of {best:.2f} (400 trees, max_depth {depth})":
        "{parent!r} の最良の RMSE は {best:.2f} (木 400 本、max_depth {depth}) です",
    "{found}.": "{found}。",
    "{trees} trees, max_depth {depth}": "木 {trees} 本、max_depth {depth}",
    "better by {gain:.2f}": "{gain:.2f} 改善しました",
    "no better ({change:+.2f})": "改善していません ({change:+.2f})",
    "{found}, against {before:.2f} for {earlier!r} ({where}): {verdict}.":
        "{found}。{earlier!r} の {before:.2f} ({where}) と比べて、{verdict}。",
}
