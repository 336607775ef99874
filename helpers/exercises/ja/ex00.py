"""Japanese of ``helpers.exercises.ex00`` (notebook 00)."""

from helpers.exercises.ex00 import AGAIN, HELLO, ONE_FEATURE
from helpers.exercises.language import Texts

EXERCISES = {
    1: Texts(
        title="1 つのランに 2 つのメトリクス",
        practises="ランを開始し、複数のメトリクスを記録する",
        task=(
            f"このエクスペリメントに `{AGAIN}` という名前の新しいランを記録し、2 つの"
            "メトリクスを持たせてください: `hello` ランと同じ `answer` = 42 と、42 の 2 乗\n"
            "(1764) の `answer_squared` です。次に `mlflow.search_runs()` でエクスペリメントの"
            "ランを数えてください。いま何件ありますか?"
        ),
        hint=(
            "hello のセルをラン名だけ変えてコピーし、with ブロックの中で 2 つのメトリクスを"
            "記録します。log_metric を 1 つずつ呼んでも、辞書を渡して log_metrics を 1 回"
            "呼んでもかまいません。"
        ),
        why=(
            "1 つのランには記録しただけメトリクスを持たせられ、mlflow.search_runs はそれぞれに "
            "metrics.* の列を作るので、ランをすべてのメトリクスで比べられます。"
        ),
    ),
    2: Texts(
        title="終わったあとでタグを付ける",
        practises="完了したランを見つけ、MlflowClient でタグを付ける",
        task=(
            f"`{HELLO}` ランはもう終わっていますが、タグは後からでも追加できます。\n"
            "`mlflow.search_runs(filter_string=\"attributes.run_name = 'hello'\")` で見つけ、\n"
            "`mlflow.MlflowClient().set_tag(run_id, key, value)` で `reviewed` = `yes` の"
            "タグを付けてください。"
        ),
        hint=(
            "output_format に 'list' を指定すると search_runs は Run オブジェクトを返し、"
            "ラン ID は run.info.run_id にあります。クライアントのメソッドはその ID を受け取るので、"
            "ランを再開する必要はありません。"
        ),
        why=(
            "いったん記録すると MLflow が変更を拒むパラメーターと違い、タグは完了したランにも"
            "追加・変更できます。レビューや判定は、たいていランのあとに来るものです。"
        ),
    ),
    3: Texts(
        title="1 つの特徴量のモデル",
        practises="入力例を付けてモデルを記録し、そのシグネチャを読む",
        task=(
            "`feature1` だけで `LinearRegression` をトレーニングし、入力例を付けて\n"
            f"`{ONE_FEATURE}` という名前のランで `mlflow.sklearn.log_model` により記録して"
            "ください。次に `log_model` が返すモデル URI のシグネチャを\n"
            "`mlflow.models.get_model_info(uri).signature` で表示してください。モデルは"
            "どの入力を受け取りますか?"
        ),
        hint=(
            "列を DataFrame として df[['feature1']] (角かっこ 2 つ) で選び、モデルのトレーニングと"
            "input_example の両方に使います。シグネチャは入力例から作られます。"
        ),
        why=(
            "シグネチャはモデルが受け取る列を記録します。読み込んだ pyfunc モデルは入力を"
            "シグネチャと照らし合わせるので、特徴量が欠けていれば黙って誤った予測をするのでは"
            "なく、エラーになります。"
        ),
    ),
}

MESSAGES = {
    "{key} = {found:g} (wanted {wanted:g})": "{key} = {found:g} (正しくは {wanted:g})",
    "run {run!r} is there, but with the metric {wrong}.":
        "ラン {run!r} はありますが、メトリクスが {wrong} です。",
    "run {run!r} has both metrics, answer = 42 and answer_squared = 1764.":
        "ラン {run!r} は answer = 42 と answer_squared = 1764 の両方のメトリクスを持っています。",
    "the run {run!r} carries the tag reviewed = 'yes', added after it ended.":
        "ラン {run!r} には、終わったあとで追加されたタグ reviewed = 'yes' が付いています。",
    "the run {run!r} has the tag 'reviewed' = {values}, not 'yes' (tags are text: compare "
    "exactly).":
        "ラン {run!r} のタグ 'reviewed' は {values} で、'yes' ではありません (タグは文字列です。"
        "完全に一致させてください)。",
    "no run named {run!r} has the tag 'reviewed' = 'yes'; the runs with that tag: {runs}. Tag "
    "the run of the hello cell, by its run ID.":
        "{run!r} という名前のランにタグ 'reviewed' = 'yes' が付いていません。そのタグが付いた"
        "ラン: {runs}。hello セルのランに、そのラン ID でタグを付けてください。",
    "the model of run {run!r} has no readable MLmodel file: log it again with "
    "mlflow.sklearn.log_model.":
        "ラン {run!r} のモデルには読める MLmodel ファイルがありません。"
        "mlflow.sklearn.log_model でもう一度記録してください。",
    "run {run!r} has logged no model: call mlflow.sklearn.log_model inside it.":
        "ラン {run!r} はモデルを記録していません。ランの中で mlflow.sklearn.log_model を"
        "呼んでください。",
    "the model of run {run!r} has no signature: pass input_example= to log_model, and MLflow "
    "infers it.":
        "ラン {run!r} のモデルにはシグネチャがありません。log_model に input_example= を渡すと、"
        "MLflow がシグネチャを推論します。",
    "the model of run {run!r} takes the inputs {inputs}; wanted 'feature1' only: train it (and "
    "make its input example) on df[['feature1']].":
        "ラン {run!r} のモデルの入力は {inputs} です。'feature1' だけにしてください: "
        "df[['feature1']] でトレーニングし、入力例もそこから作ります。",
    "the model of run {run!r} takes one input, 'feature1'.":
        "ラン {run!r} のモデルの入力は 'feature1' の 1 つだけです。",
}
