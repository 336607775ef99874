"""Japanese of ``helpers.exercises.ex05`` (notebook 05)."""

from helpers.exercises.language import Texts

EXERCISES = {
    1: Texts(
        title="リッジ回帰",
        practises="新しい候補を記録し、記録済みの候補をスキップする",
        task=(
            "`sklearn.linear_model` の `Ridge(alpha=1.0)` を `candidates` に追加し、セクション 3 "
            "のループをもう一度実行してください。ループはどのランを記録し、どのランをスキップ"
            "しますか? それはなぜですか? チェックは、パラメーター `model_type` が `Ridge`、"
            "`alpha` が 1.0 で、交差検証のパラメーター (`cv_folds`、`cv_shuffle`、`cv_seed`) と"
            "メトリクス `rmse_mean`、`rmse_std`、`fit_seconds` を持つ完了したランを探します。"
            "`LinearRegression` と比べて、ペナルティは効果がありますか?"
        ),
        hint=(
            "モデルをリストに追加して、ループのセルをそのまま実行します。already_logged は"
            "それまでの 4 つのモデルをパラメーターで見つけるので、トレーニングして記録されるのは"
            "新しいモデルだけです。"
        ),
        why=(
            "各ランはモデルの種類、すべてのハイパーパラメーター、交差検証の設定を記録するので、"
            "ループはどのモデルが記録済みかを判断でき、新しいモデルだけを実行します。"
        ),
    ),
    2: Texts(
        title="よりシンプルなランダムフォレスト",
        practises="ハイパーパラメーターを 1 つ変え、新しいランとして記録し、2 つのランを比べる",
        task=(
            "セクション 2 のランダムフォレストを、ほかの設定は変えずに `max_depth=4` にして、"
            "セクション 3 のループで実行してください。パラメーターが異なるので、2 つ目の "
            "`RandomForestRegressor` のランとして記録されます。ここでは、よりシンプルなランダム"
            "フォレストのほうがよい結果になりますか? 2 つのランダムフォレストの `rmse_mean` と "
            "`gap` (セクション 5) を比べてください。"
        ),
        hint=(
            "ランダムフォレストに設定を 1 つ加えたコピーを candidates に追加し、ループを実行"
            "します。already_logged はすべてのパラメーターを比べ、max_depth もその 1 つです。"
        ),
        why=(
            "どのハイパーパラメーターもパラメーターとして記録されるので、そのうち 1 つを変えると、"
            "古いランの隣に新しいランができます。その 1 つの設定で何が変わったかが、記録から"
            "わかります。"
        ),
    ),
    3: Texts(
        title="勝者の予測を記録に残す",
        practises="ランからモデルを読み込み、そのランにテーブルのアーティファクトを記録する",
        task=(
            "ここで勝者を見つけましょう。`rmse_mean` が最も低いランです。そのモデルを "
            "`mlflow.pyfunc.load_model(f\"runs:/{run_id}/model\")` で読み込み (そのランが "
            "`model` として記録したモデルです)、最初の 5 人の患者 (`X.head(5)`) の予測を計算"
            "してください。5 人の行に予測を列 `prediction` として加え、勝者のランに "
            "`mlflow.log_table(..., artifact_file=\"first_five.json\", run_id=...)` で記録"
            "します。`log_table` は既存のファイルに追記するので、記録は 1 回だけにしてください。"
        ),
        hint=(
            "rmse_mean で並べ替えたセクション 4 の表では、勝者が先頭にあり、その run_id も"
            "わかります。同じ run_id を runs:/ URI と log_table の両方に使います。log_table は、"
            "開いているランがなくても使えます。"
        ),
        why=(
            "テーブルのアーティファクトは、勝者の予測を、その予測を出したランやモデルと一緒に"
            "保存します。mlflow.load_table で読み戻せます。"
        ),
    ),
}

MESSAGES = {
    "{key} = {found!r} (wanted {wanted!r})": "{key} = {found!r} (正しくは {wanted!r})",
    "run {run!r} has the CV param {wrong}.":
        "ラン {run!r} の交差検証のパラメーターが {wrong} になっています。",
    "no finished run with the param model_type 'Ridge' in experiment {experiment!r}; the model "
    "types there: {types}.":
        "エクスペリメント {experiment!r} に、パラメーター model_type が 'Ridge' の完了した"
        "ランがありません。このエクスペリメントにあるモデルの種類: {types}。",
    "the Ridge run {run!r} has alpha {alpha!r}, not '1.0'.":
        "Ridge のラン {run!r} の alpha は {alpha!r} で、'1.0' ではありません。",
    "the Ridge run has an rmse_mean of {rmse:.2f} (std {std:.2f}), against {linear:.2f} for "
    "LinearRegression: with features scaled so that each column's squares sum to 1, alpha=1.0 "
    "shrinks the weights hard.":
        "Ridge のランの rmse_mean は {rmse:.2f} (標準偏差 {std:.2f}) で、LinearRegression は "
        "{linear:.2f} です。特徴量は各列の 2 乗の和が 1 になるようにスケーリングされている"
        "ので、alpha=1.0 では重みが強く縮小されます。",
    "the Ridge run has an rmse_mean of {rmse:.2f} (std {std:.2f}): with features scaled so that "
    "each column's squares sum to 1, alpha=1.0 shrinks the weights hard.":
        "Ridge のランの rmse_mean は {rmse:.2f} (標準偏差 {std:.2f}) です。特徴量は各列の "
        "2 乗の和が 1 になるようにスケーリングされているので、alpha=1.0 では重みが強く縮小"
        "されます。",
    "no finished RandomForestRegressor run with max_depth '4' in experiment {experiment!r}; the "
    "forests there have max_depth {depths}.":
        "エクスペリメント {experiment!r} に、max_depth が '4' の完了した RandomForestRegressor "
        "のランがありません。このエクスペリメントにあるランダムフォレストの max_depth: "
        "{depths}。",
    "run {run!r} has no metric {metric!r}, so its gap is unknown: section 3's loop logs it with "
    "mlflow.models.evaluate.":
        "ラン {run!r} にはメトリクス {metric!r} がないので、差 (gap) がわかりません。"
        "セクション 3 のループが、mlflow.models.evaluate でこのメトリクスを記録します。",
    "the forest with max_depth '4' is there, but with {wrong}: keep the other settings of "
    "section 2.":
        "max_depth が '4' のランダムフォレストはありますが、{wrong} になっています。"
        "ほかの設定は、セクション 2 のままにしてください。",
    "the forest with max_depth 4 has an rmse_mean of {rmse:.2f} and a gap of {gap:.2f}.":
        "max_depth 4 のランダムフォレストの rmse_mean は {rmse:.2f}、差 (gap) は {gap:.2f} "
        "です。",
    "with max_depth 4 the forest has an rmse_mean of {rmse:.2f} against {before:.2f} without it, "
    "and a gap of {gap:.2f} against {before_gap:.2f}: the shallower trees memorise less.":
        "max_depth 4 のランダムフォレストの rmse_mean は {rmse:.2f} (max_depth なしでは "
        "{before:.2f})、差 (gap) は {gap:.2f} (max_depth なしでは {before_gap:.2f}) です。"
        "浅い木は、暗記する量が少なくなっています。",
    "with max_depth 4 the forest has an rmse_mean of {rmse:.2f} against {before:.2f} without it, "
    "and a gap of {gap:.2f} against {before_gap:.2f}: the shallower trees memorise no less.":
        "max_depth 4 のランダムフォレストの rmse_mean は {rmse:.2f} (max_depth なしでは "
        "{before:.2f})、差 (gap) は {gap:.2f} (max_depth なしでは {before_gap:.2f}) です。"
        "浅い木でも、暗記する量は減っていません。",
    "no finished run in experiment {experiment!r} has a metric 'rmse_mean' yet: run section 3 "
    "first.":
        "エクスペリメント {experiment!r} には、メトリクス 'rmse_mean' を持つ完了したランが"
        "まだありません。先にセクション 3 を実行してください。",
    "it is on {runs} instead": "代わりに {runs} にあります",
    "no run here has one": "このエクスペリメントには、これを持つランがありません",
    "the winner, run {run!r} (lowest rmse_mean), has no artifact {table!r}; {where}.":
        "勝者のラン {run!r} (rmse_mean が最小) には、アーティファクト {table!r} がありません。"
        "{where}。",
    "the table {table!r} of run {run!r} has no column 'prediction'; its columns: {columns}.":
        "ラン {run!r} のテーブル {table!r} には、列 'prediction' がありません。このテーブルの"
        "列: {columns}。",
    "the table {table!r} of run {run!r} has {rows} rows with {numeric} numeric predictions at "
    "the end; it needs the first five patients, one row each, with a prediction.":
        "ラン {run!r} のテーブル {table!r} は {rows} 行で、末尾の数値の予測は {numeric} 個"
        "です。このテーブルには、最初の 5 人の患者が 1 人 1 行で、予測と一緒に入っている"
        "必要があります。",
    " (the file holds {tables} tables: log_table appends)":
        " (log_table は追記するので、ファイルには {tables} 個のテーブルが入っています)",
    "the winner, {run!r}, carries {table} with the predictions {shown}{appended}.":
        "勝者のラン {run!r} には、予測 {shown} を含む {table} があります{appended}。",
}
