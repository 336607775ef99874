"""Japanese of ``helpers.exercises.ex08`` (notebook 08)."""

from helpers.exercises.ex08 import MORE_TRIALS, SCORING, STUDY
from helpers.exercises.language import Texts

EXERCISES = {
    1: Texts(
        title="同じスタディに試行を追加する",
        practises="MLflow に保存された Optuna のスタディを、名前を指定して再開する",
        task=(
            f"スタディ `{STUDY}` は 8 回の試行で止まっています。同じ `storage` から名前を指定して"
            f"もう一度読み込み、試行が {MORE_TRIALS} 回になるまで実行してください。新しい試行は、"
            "同じスタディのランの下の子ランになります。最良値は改善しましたか?"
        ),
        hint=(
            "Optuna の create_study に、同じスタディ名、ストレージ、サンプラーと、既存の"
            "スタディを読み込むかどうかを渡します。試行がいくつあるかは、スタディの trials "
            "リストでわかります。"
        ),
        why=(
            "MLflow のエクスペリメントに保存したスタディは、それを実行した Python が終了しても"
            "残ります。どのプロセス (あとのセッション、別のマシン上の Spark タスク) からでも、"
            "読み込んで続きを実行できます。"
        ),
    ),
    2: Texts(
        title="年齢層ごとのランダムフォレスト",
        practises="Spark のワーカーから、グループごとに 1 つのモデルをトレーニングして記録する",
        task=(
            "セクション 4 がリッジ回帰をトレーニングするのと同じように、年齢層ごとに "
            "`RandomForestRegressor(n_estimators=100, max_depth=3, random_state=42)` を "
            "1 つずつトレーニングしてください。`applyInPandas` を使い、各年齢層のランは"
            "ワーカーから記録します。ランの名前は `forest-<band>` (`forest-middle`、...) とし、"
            "パラメーター `model_type` (`RandomForestRegressor`) と `age_band`、メトリクス "
            "`rmse` を記録します。各年齢層でよいのは、リッジ回帰とランダムフォレストの"
            "どちらですか?"
        ),
        hint=(
            "train_group を別の名前でコピーし、モデル、ラン名、パラメーター model_type を"
            "変えます。以前のランがあるかを確かめる部分はリッジ回帰のランの名前を探すので、"
            "削除します。そのうえで、同じグループ化済みの DataFrame に 1 回のアクションで"
            "適用します。"
        ),
        why=(
            "グループ化、関数、トラッキングは、モデルが何であっても同じです。多数のモデルを"
            "一度に扱うのも 1 つの関数と 1 回のアクションで済み、比較できるランがグループごとに"
            "残ります。"
        ),
    ),
    3: Texts(
        title="UDF のスコアを記録に残す",
        practises="登録済みモデルで Spark DataFrame をスコアリングし、結果を記録する",
        task=(
            "テストデータの行 (`X_test` と、その横に `y_test`) を Spark DataFrame にして、"
            "`@champion` の UDF でスコアリングしてください。その RMSE をメトリクス `udf_rmse` "
            "として、パラメーター `rows` (スコアリングした行数) と一緒に、"
            f"`{SCORING}` という名前のランに記録します。"
        ),
        hint=(
            "spark.createDataFrame は pandas の表を Spark の表に変えます。特徴量の列に適用した "
            "UDF を y の隣に並べて select し、結果を toPandas で持ち帰って、そこで RMSE を"
            "計算します。"
        ),
        why=(
            "登録済みモデルでスコアリングするバッチジョブは、何をスコアリングし、結果が"
            "どれだけよかったかを記録に残すべきです。ランがその記録になり、モデル自身のランの"
            "隣に置かれます。"
        ),
    ),
}

MESSAGES = {
    "the study {study!r} has {count} finished trial runs, not {wanted} yet: load it by its "
    "name and optimize the trials that are missing.":
        "スタディ {study!r} の完了した試行のランは {count} 件で、まだ {wanted} 件になって"
        "いません。スタディを名前で読み込み、足りない試行を optimize で実行してください。",
    "the study has {count} trials; the best, max_depth {max_depth} and n_estimators "
    "{n_estimators}, has the value {value:.3f}.":
        "スタディには {count} 件の試行があります。最良の試行 (max_depth {max_depth}、"
        "n_estimators {n_estimators}) の値は {value:.3f} です。",
    "no finished run named {missing} in {experiment!r}; the runs per band there: {others}.":
        "{experiment!r} に、{missing} という名前の完了したランがありません。このエクスペリメント"
        "にある年齢層ごとのラン: {others}。",
    "run 'forest-{band}' has the model_type {kind!r}, not 'RandomForestRegressor'.":
        "ラン 'forest-{band}' の model_type は {kind!r} で、'RandomForestRegressor' では"
        "ありません。",
    "run 'forest-{band}' has the age_band {age_band!r}.":
        "ラン 'forest-{band}' の age_band は {age_band!r} です。",
    "one forest per band, RMSE {scores}.":
        "年齢層ごとに 1 つずつランダムフォレストがあります。RMSE は {scores} です。",
    "run {run!r} scored {rows} rows; the test rows are 89.":
        "ラン {run!r} がスコアリングしたのは {rows} 行ですが、テストデータの行は 89 行です。",
    "run {run!r} has udf_rmse {rmse:.4f}, but the champion's RMSE on the test rows is "
    "{wanted:.4f}: score X_test (with y_test) with the UDF of @champion.":
        "ラン {run!r} の udf_rmse は {rmse:.4f} ですが、テストデータの行でのチャンピオンの "
        "RMSE は {wanted:.4f} です。X_test を (y_test と一緒に) @champion の UDF で"
        "スコアリングしてください。",
    "the UDF scored the 89 test rows with RMSE {rmse:.3f}, as the model does in pandas.":
        "UDF はテストデータの 89 行をスコアリングし、RMSE は {rmse:.3f} でした。pandas で"
        "モデルを使った場合と同じです。",
}
