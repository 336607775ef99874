"""Japanese of ``helpers.exercises.ex00`` (notebook 00)."""

from helpers.exercises.ex00 import AGAIN, HELLO, ONE_FEATURE
from helpers.exercises.language import Texts

EXERCISES = {
    1: Texts(
        title="1 つのランに 2 つのメトリクス",
        practises="ランを開始し、複数のメトリクスを記録する",
        task=(
            f"このエクスペリメントに、`{AGAIN}` という名前の新しいランを 2 つのメトリクス付きで"
            "記録してください。`hello` ランと同じ `answer` = 42 と、`answer_squared` = 42 の "
            "2 乗 (1764) です。次に、`mlflow.search_runs()` でエクスペリメントのランを数えて"
            "ください。いま何件ありますか?"
        ),
        hint=(
            "hello のセルをラン名だけ変えてコピーし、with ブロックの中で 2 つのメトリクスを"
            "記録します。メトリクスごとに log_metric を 1 回ずつ呼んでも、辞書を渡して "
            "log_metrics を 1 回呼んでもかまいません。"
        ),
        why=(
            "ランには、記録した数だけメトリクスを持たせられます。mlflow.search_runs は"
            "メトリクスごとに metrics.* の列を作るので、すべてのメトリクスでランを比べられます。"
        ),
    ),
    2: Texts(
        title="あとからタグを付ける",
        practises="完了したランを見つけ、MlflowClient でタグを付ける",
        task=(
            f"`{HELLO}` ランはもう終わっていますが、タグはあとからでも追加できます。"
            "`mlflow.search_runs(filter_string=\"attributes.run_name = 'hello'\")` でこのランを"
            "見つけ、`mlflow.MlflowClient().set_tag(run_id, key, value)` で `reviewed` = `yes` "
            "のタグを付けてください。"
        ),
        hint=(
            "output_format に 'list' を指定すると、search_runs は Run オブジェクトを返します。"
            "ラン ID は run.info.run_id にあります。クライアントのメソッドはこの ID を受け取るので、"
            "ランを再開する必要はありません。"
        ),
        why=(
            "パラメーターは一度記録すると MLflow が変更を受け付けませんが、タグは完了したランにも"
            "追加したり変更したりできます。レビューや判定は、たいていランが終わったあとに行う"
            "ものです。"
        ),
    ),
    3: Texts(
        title="特徴量が 1 つのモデル",
        practises="入力例を付けてモデルを記録し、そのシグネチャを読む",
        task=(
            "`feature1` だけで `LinearRegression` をトレーニングし、"
            f"`{ONE_FEATURE}` という名前のランの中で、入力例を付けて "
            "`mlflow.sklearn.log_model` で記録してください。次に、`log_model` が返すモデル URI "
            "のシグネチャを `mlflow.models.get_model_info(uri).signature` で表示してください。"
            "モデルはどの入力を受け取りますか?"
        ),
        hint=(
            "列を df[['feature1']] (角かっこ 2 つ) で DataFrame として選び、モデルの"
            "トレーニングと input_example の両方に使います。シグネチャは入力例から作られます。"
        ),
        why=(
            "シグネチャには、モデルが受け取る列が記録されます。読み込んだ pyfunc モデルは入力を"
            "シグネチャと照らし合わせるので、特徴量が欠けていると、黙って誤った予測を返すのでは"
            "なくエラーになります。"
        ),
    ),
}

MESSAGES = {
    "{key} = {found:g} (wanted {wanted:g})": "{key} = {found:g} (正しくは {wanted:g})",
    "run {run!r} is there, but with the metric {wrong}.":
        "ラン {run!r} はありますが、メトリクスが {wrong} です。",
    "run {run!r} has both metrics, answer = 42 and answer_squared = 1764.":
        "ラン {run!r} には、answer = 42 と answer_squared = 1764 の両方のメトリクスがあります。",
    "the run {run!r} carries the tag reviewed = 'yes', added after it ended.":
        "ラン {run!r} には、終了後に追加したタグ reviewed = 'yes' が付いています。",
    "the run {run!r} has the tag 'reviewed' = {values}, not 'yes' (tags are text: compare "
    "exactly).":
        "ラン {run!r} のタグ 'reviewed' は {values} で、'yes' ではありません (タグは文字列なので、"
        "値が完全に一致する必要があります)。",
    "no run named {run!r} has the tag 'reviewed' = 'yes'; the runs with that tag: {runs}. Tag "
    "the run of the hello cell, by its run ID.":
        "{run!r} という名前のランには、タグ 'reviewed' = 'yes' が付いていません。このタグが"
        "付いているラン: {runs}。hello のセルのランに、そのラン ID を使ってタグを付けてください。",
    "the model of run {run!r} has no readable MLmodel file: log it again with "
    "mlflow.sklearn.log_model.":
        "ラン {run!r} のモデルには、読み込める MLmodel ファイルがありません。"
        "mlflow.sklearn.log_model でもう一度記録してください。",
    "run {run!r} has logged no model: call mlflow.sklearn.log_model inside it.":
        "ラン {run!r} はモデルを記録していません。ランの中で mlflow.sklearn.log_model を"
        "呼んでください。",
    "the model of run {run!r} has no signature: pass input_example= to log_model, and MLflow "
    "infers it.":
        "ラン {run!r} のモデルにはシグネチャがありません。log_model に input_example= を渡すと、"
        "MLflow がシグネチャを推定します。",
    "the model of run {run!r} takes the inputs {inputs}; wanted 'feature1' only: train it (and "
    "make its input example) on df[['feature1']].":
        "ラン {run!r} のモデルの入力は {inputs} です。入力は 'feature1' だけにしてください。"
        "df[['feature1']] でトレーニングし、入力例も df[['feature1']] から作ります。",
    "the model of run {run!r} takes one input, 'feature1'.":
        "ラン {run!r} のモデルの入力は 'feature1' の 1 つだけです。",
}
