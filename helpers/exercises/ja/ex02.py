"""Japanese of ``helpers.exercises.ex02`` (notebook 02)."""

from helpers.exercises.ex02 import CHART, CURVES, DEPTH3, GRID
from helpers.exercises.language import Texts

EXERCISES = {
    1: Texts(
        title="4 つ目のシード",
        practises="正しいエクスペリメントで、ランのグリッドを拡張する",
        task=(
            "セクション 6 のグリッドに 4 つ目の分割を追加してください。`seed` が 4 の同じ "
            "20 件のランを、ノートブックと同じ命名 (`LR_0.5_1f_seed4`、...) で、"
            f"エクスペリメント `{GRID}` に "
            "`run_experiments(..., seed=4, log_models=False, reuse=True)` で記録します。"
            "ノートブックのこの時点で、どのエクスペリメントがアクティブになっているかに注意して"
            "ください。シード 4 で、グリッドの最良のランは変わりますか?"
        ),
        hint=(
            "アクティブなエクスペリメントは、最後にセットアップしたもの (学習曲線) です。まず"
            "セクション 6 のセットアップのセルをもう一度実行してください。変数 specs には"
            "まだシード 3 の名前が入っているので、名前にシード 4 を入れてリストを作り直します。"
        ),
        why=(
            "シードが変わると、同じデータの分割が変わります (ランダムフォレストでは乱数の状態も"
            "変わります)。そのため、シードを増やすほど、設定による差のうちどれだけが運に"
            "すぎないかがよくわかります。"
        ),
    ),
    2: Texts(
        title="フィルターでタグを付ける",
        practises="search_runs のフィルターでランを選び、タグを付ける",
        task=(
            f"`{GRID}` にある、特徴量が 1 つ (`feature1`) の `LinearRegression` のラン"
            "すべてに、そしてそれらだけに、タグ `review` = `discard` を付けてください。"
            "パラメーターに対するフィルターを付けた `mlflow.search_runs` でランを見つけ、"
            "`mlflow.MlflowClient().set_tag` でそれぞれにタグを付けます。何件のランにタグを"
            "付けましたか? セクション 6 の表 `grid` には、それらがすべて載っていたでしょうか?"
        ),
        hint=(
            "ランを表すパラメーターは model_type と features の 2 つです。2 つの条件を and で"
            "つなぎ、パラメーターは文字列なので、値を引用符で囲みます。"
        ),
        why=(
            "フィルターは、誰がいつ記録したかに関係なく、記録された内容でランを選びます。"
            "選んだランにタグを付ければ、その判定を、ランの一覧の検索ボックスでもう一度"
            "見つけられる形で残せます。"
        ),
    ),
    3: Texts(
        title="自分で記録する学習曲線",
        practises="メトリクスをステップごとに記録し、その履歴を読む",
        task=(
            f"`{CURVES}` に 4 本目の学習曲線を記録してください。`{DEPTH3}` という名前のランで、"
            "同じ分割を使って `max_depth=3`、`random_state=42` の 30 本の木のランダム"
            "フォレストをトレーニングし、その設定をパラメーターとして記録します。さらに、"
            "最初の 1、2、...、30 本の木によるテスト MSE を、`step=` に木の本数を指定して "
            "`mse_by_trees` として記録します。セクション 6 と同じやり方です。4 本の曲線を"
            "もう一度描いてください。深さ 3 の曲線はどこに来ますか?"
        ),
        hint=(
            "セクション 6 のループが、ほかの深さについてすでに同じことをしています。深さに 3 を"
            "加えてもう一度実行する (記録済みのランはスキップされます) か、深さ 3 だけのために"
            "ループの本体をコピーします。"
        ),
        why=(
            "log_metric を呼ぶたびにメトリクスの履歴に点が 1 つ加わり、step= が点を順に"
            "並べます。UI と plots.metric_history は、それを曲線として描きます (step を"
            "指定しなければ、すべての点がステップ 0 に重なります)。"
        ),
    ),
    4: Texts(
        title="グラフを記録に残す",
        practises="図を、それが表すランに記録する",
        task=(
            "グリッドをもう一度読み込み (シード 4 を含むすべてのラン)、`train_size` ごとの "
            "`r2` の箱ひげ図を描いてください。それを `MlflowClient().log_figure` で、`mse` で"
            f"見たグリッドの最良のランに `{CHART}` として記録します。セクション 7 が特徴量"
            "ごとの MSE について行っているのと同じです。`r2` の箱は、`mse` の箱と同じことを"
            "示していますか?"
        ),
        hint=(
            "変数 grid と best_in_grid は、新しいランを追加する前に計算されたものです。"
            "セクション 6 のフィルターでランの表を作り直し、そこから最良のランを選びます。"
        ),
        why=(
            "ランに記録したグラフはランとともに保存されます。ノートブックの出力に残しただけの"
            "グラフと違い、あとでランを開いた人なら誰でも、UI の Artifacts で見られます。"
        ),
    ),
}

MESSAGES = {
    "run {run!r} has model_type, train_size and features {found}, but its name says {wanted}.":
        "ラン {run!r} の model_type、train_size、features は {found} ですが、名前からすると "
        "{wanted} のはずです。",
    "all 20 runs of seed 4 are in {experiment!r}, next to those of seeds 1 to 3.":
        "シード 4 の 20 件のランがすべて、シード 1 から 3 のランと並んで {experiment!r} に"
        "あります。",
    "{count} of the 20 runs of seed 4 are missing in {experiment!r}: {missing}.":
        "{experiment!r} には、シード 4 の 20 件のランのうち {count} 件がありません。"
        "足りないラン: {missing}。",
    "runs named like {run!r} are in {experiment!r}, but without the param seed '4': pass seed=4 "
    "to run_experiments, or it splits with its default seed.":
        "{experiment!r} には {run!r} のような名前のランがありますが、パラメーター seed が '4' "
        "になっていません。run_experiments に seed=4 を渡してください。渡さないと、デフォルトの"
        "シードで分割されます。",
    "{count} runs in {experiment!r} have the param seed '4', but other names: {names}: name them "
    "as the notebook does, ending in _seed4.":
        "{experiment!r} には、パラメーター seed が '4' のランが {count} 件ありますが、名前が"
        "違います。これらのランの名前: {names}。ノートブックと同じように、_seed4 で終わる名前を"
        "付けてください。",
    "there are runs with the param seed '4' in {others} instead of {experiment!r}: "
    "run_experiments logs to the active experiment, so make {experiment!r} active first with "
    "helpers.tracking.setup.":
        "パラメーター seed が '4' のランが、{experiment!r} ではなく {others} にあります。"
        "run_experiments はアクティブなエクスペリメントに記録するので、先に "
        "helpers.tracking.setup で {experiment!r} をアクティブにしてください。",
    "no run in {experiment!r} has the param seed '4' yet; wanted 20, named as section 6 names "
    "them: {names}.":
        "{experiment!r} には、パラメーター seed が '4' のランがまだありません。セクション 6 と"
        "同じ付け方で名前を付けた、20 件のランが必要です: {names}。",
    "{run!r} ({model_type}, features {features!r})": "{run!r} ({model_type}、特徴量 {features!r})",
    "no model_type": "model_type なし",
    "there are no LinearRegression runs with one feature in {experiment!r} yet: run the grid of "
    "section 6 first.":
        "{experiment!r} には、特徴量が 1 つの LinearRegression のランがまだありません。先に"
        "セクション 6 のグリッドを実行してください。",
    "runs in {experiment!r} have the tag 'review' with the value {values}, not 'discard'.":
        "{experiment!r} のランのタグ 'review' の値は {values} で、'discard' ではありません。",
    "none of the {count} LinearRegression runs with one feature in {experiment!r} has the tag "
    "review = 'discard' yet.":
        "{experiment!r} にある、特徴量が 1 つの LinearRegression のラン {count} 件のどれにも、"
        "まだタグ review = 'discard' が付いていません。",
    "{untagged} of the {count} LinearRegression runs with one feature in {experiment!r} lack the "
    "tag review = 'discard': {names}.":
        "{experiment!r} にある、特徴量が 1 つの LinearRegression のラン {count} 件のうち "
        "{untagged} 件に、タグ review = 'discard' が付いていません。付いていないラン: {names}。",
    "the tag review = 'discard' is also on {count} other run(s), e.g. {example}: remove it there "
    "with MlflowClient().delete_tag.":
        "タグ review = 'discard' は、ほかの {count} 件のランにも付いています (例: {example})。"
        "それらのランからは、MlflowClient().delete_tag でタグを削除してください。",
    "all {count} LinearRegression runs with one feature in {experiment!r}, and only they, carry "
    "review = 'discard'.":
        "{experiment!r} にある、特徴量が 1 つの LinearRegression のラン {count} 件すべてに、"
        "そしてそれらだけに review = 'discard' が付いています。",
    "step {step}": "ステップ {step}",
    "steps {first} to {last}": "ステップ {first} から {last}",
    "steps {steps}": "ステップ {steps}",
    "run {run!r} has the param max_depth {depth!r}, not '3'.":
        "ラン {run!r} のパラメーター max_depth は {depth!r} で、'3' ではありません。",
    "run {run!r} has the param n_estimators {trees!r}.":
        "ラン {run!r} のパラメーター n_estimators は {trees!r} です。",
    "the metric 'mse_by_trees' of run {run!r} has {count} value(s), at the {steps}; wanted one "
    "per number of trees, at the steps 1 to {trees} (the step= of log_metric).":
        "ラン {run!r} のメトリクス 'mse_by_trees' には値が {count} 個あり、{steps} に記録されて"
        "います。木の本数ごとに 1 つずつ、ステップ 1 から {trees} に記録してください (ステップは "
        "log_metric の step= で指定します)。",
    "its history of 'mse_by_trees' has {count} steps, from {first:.1f} with one tree to "
    "{last:.1f} with {trees}.":
        "'mse_by_trees' の履歴には {count} ステップあり、木 1 本での {first:.1f} から、"
        "木 {trees} 本での {last:.1f} まで変化します。",
    "there are no runs of the grid in {experiment!r} yet: run section 6 first.":
        "{experiment!r} には、グリッドのランがまだありません。先にセクション 6 を実行して"
        "ください。",
    "the chart is stored with {run!r}, the grid's best run by mse.":
        "グラフは、mse で見たグリッドの最良のラン {run!r} に保存されています。",
    "the best run of the grid by mse is {names}, and it has no file {chart!r} (its files: "
    "{files}). Runs added since you last looked can change which run is best: find it again in "
    "a fresh run table.":
        "mse で見たグリッドの最良のランは {names} ですが、このランにはファイル {chart!r} が"
        "ありません (このランのファイル: {files})。前回確認したあとに追加されたランによって、"
        "最良のランが変わることがあります。ランの表を作り直して、もう一度探してください。",
}
