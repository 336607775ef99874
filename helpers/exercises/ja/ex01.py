"""Japanese of ``helpers.exercises.ex01`` (notebook 01)."""

from helpers.exercises.ex01 import FIFTH, ONE_FEATURE_FOREST, SEED0
from helpers.exercises.language import Texts

EXERCISES = {
    1: Texts(
        title="5 つ目のラン",
        practises="run_experiments で、設定 (spec) からランを記録する",
        task=(
            "5 つ目のランを追加してください。両方の特徴量を使い、トレーニングデータの割合を 0.8 "
            f"にした `LinearRegression()` で、名前は `{FIFTH}` です。"
            "`run_experiments([...], df)` で実行してください。ランダムフォレストに勝てますか?"
        ),
        hint=(
            "設定 (spec) は、記事の設定と同じ 4 つのキー (model、train_size、features、run_name) "
            "を持つ辞書です。run_experiments は、設定のリストとデータを受け取ります。"
        ),
        why=(
            "設定 (spec) を 1 つ増やせば、ほかのランと同じ分割、メトリクス、記録を持つランが "
            "1 つ増えるので、公平に比較できます。"
        ),
    ),
    2: Texts(
        title="別のシード",
        practises="ハイパーパラメーターを 1 つだけ変え、残りはそのままにしてランを比べる",
        task=(
            "両方の特徴量を使うランダムフォレストを、42 の代わりに `random_state=0` にして、"
            "演習 1 と同じく `run_experiments` でもう一度実行してください。名前は "
            f"`{SEED0}` です。MSE はどれだけ変わりますか? モデルごとに 1 つのランだけで勝者を"
            "決めることについて、これは何を示していますか?"
        ),
        hint=(
            "experiments の 4 つ目の設定 (spec) をコピーし、ランダムフォレストをシード 0 の"
            "新しいものに、ラン名を新しい名前に替えます。記録は run_experiments が行います。"
        ),
        why=(
            "モデルごとに 1 つのランで決めた順位は、たまたま運のよいシードに当たっただけかも"
            "しれません。そのため、ノートブック 02 では複数のシードでランを繰り返します。"
        ),
    ),
    3: Texts(
        title="最良のランを記録に残す",
        practises="ランを並べ替えて検索し、エクスペリメントにタグを付ける",
        task=(
            "このエクスペリメントで MSE が最も低いランを `mlflow.search_runs` "
            '(`order_by=["metrics.mse ASC"]`) で見つけ、その名前を '
            "`mlflow.set_experiment_tag` でエクスペリメントのタグ `best_run` として記録して"
            "ください。両方の特徴量を使うランダムフォレストは、同じ MSE で 2 回出てきます "
            "(セクション 4 と 5)。2 つが一致するのはなぜでしょうか?"
        ),
        hint=(
            "search_runs は DataFrame を返し、ラン名は tags.mlflow.runName 列にあります。"
            "mlflow.set_experiment_tag は、helpers.tracking.setup で設定したエクスペリメントに"
            "タグを付けます。"
        ),
        why=(
            "エクスペリメントのタグは、結論を 1 つのノートブックの出力の中だけでなく、チーム"
            "全員が見られる場所に記録します (UI にも表示されます)。"
        ),
    ),
    4: Texts(
        title="モデルのメトリクス",
        practises="ログ済みモデルに、データセット付きでメトリクスを記録する",
        task=(
            f"`{ONE_FEATURE_FOREST}` (特徴量が 1 つ) のモデルを、そのモデルのテストデータの行で"
            "評価し、MSE を `test_mse` として、`model_id=` と `dataset=` を付けてその"
            "*モデル*に記録してください。セクション 6 がもう一方のランダムフォレストについて"
            "行ったのと同じです (*モデルとデータセットに結び付いたメトリクス*)。"
        ),
        hint=(
            "results には各ランの model_uri があり、読み込んだモデルの metadata.model_id が"
            "そのモデルの ID です。テストデータの行は、そのラン自身の分割のものです。特徴量は "
            "feature1 だけで、80% をトレーニングに使います。"
        ),
        why=(
            "モデルとそのデータに結び付いたメトリクスは、モデルがどこで使われてもモデルとともに"
            "残ります。Models タブには、各モデルのメトリクスがデータセットとともに表示されます。"
        ),
    ),
}

MESSAGES = {
    "{key} = {found!r} (wanted {wanted!r})": "{key} = {found!r} (正しくは {wanted!r})",
    "run {run!r} is there, but with the param {wrong}.":
        "ラン {run!r} はありますが、パラメーターが {wrong} です。",
    "its MSE is {mse:.4f}.": "このランの MSE は {mse:.4f} です。",
    "its MSE is {mse:.4f}, against {against:.4f} for {forest}.":
        "このランの MSE は {mse:.4f} です ({forest} は {against:.4f})。",
    "run {run!r} is a {kind}, not a RandomForestRegressor.":
        "ラン {run!r} は {kind} で、RandomForestRegressor ではありません。",
    "run {run!r} has random_state {seed!r}, not '0'.":
        "ラン {run!r} の random_state は {seed!r} で、'0' ではありません。",
    "run {run!r} has the features {features!r}.": "ラン {run!r} の特徴量は {features!r} です。",
    "its MSE is {mse:.4f}, against {before:.4f} with random_state=42: the seed alone moved it by "
    "{moved:.2f}.":
        "このランの MSE は {mse:.4f} で、random_state=42 では {before:.4f} でした。"
        "シードを変えただけで、MSE が {moved:.2f} 変わっています。",
    "experiment {experiment!r} has no tag 'best_run' yet; its tags: {tags}.":
        "エクスペリメント {experiment!r} には、まだタグ 'best_run' がありません。"
        "このエクスペリメントのタグ: {tags}。",
    "the tag 'best_run' is {tag!r}, but no finished run with an mse has that name.":
        "タグ 'best_run' の値は {tag!r} ですが、mse を持つ完了したランに、その名前のものは"
        "ありません。",
    "the tag 'best_run' is {tag!r}, whose MSE is {mse:.4f}; {lower} run(s) here have a lower "
    "one.":
        "タグ 'best_run' の値は {tag!r} で、その MSE は {mse:.4f} です。このエクスペリメントには、"
        "MSE がそれより低いランが {lower} 件あります。",
    "{tag!r} has the lowest MSE here, {lowest:.4f}.":
        "このエクスペリメントで MSE が最も低いのは {tag!r} で、その値は {lowest:.4f} です。",
    "no finished run named {run!r} has logged a model.":
        "{run!r} という名前の完了したランに、モデルを記録したものがありません。",
    "the model has a metric 'test_mse', but no data set: pass dataset= to log_metric.":
        "モデルにはメトリクス 'test_mse' がありますが、データセットがありません。"
        "log_metric に dataset= を渡してください。",
    "the model's test_mse is {test_mse:.4f}, but its MSE on its own test rows is {mse:.4f}: "
    "score the rows of helpers.data.split(df, ['feature1'], 0.8).":
        "モデルの test_mse は {test_mse:.4f} ですが、そのモデル自身のテストデータの行での MSE は "
        "{mse:.4f} です。helpers.data.split(df, ['feature1'], 0.8) の行で評価してください。",
    "the model of {run!r} carries test_mse {test_mse:.4f}, with the data set {dataset!r}.":
        "{run!r} のモデルには、test_mse {test_mse:.4f} がデータセット {dataset!r} とともに"
        "記録されています。",
    "the model of {run!r} has no metric 'test_mse'; its metrics: {metrics}. Pass model_id= to "
    "mlflow.log_metric.":
        "{run!r} のモデルにはメトリクス 'test_mse' がありません。このモデルのメトリクス: "
        "{metrics}。mlflow.log_metric に model_id= を渡してください。",
}
