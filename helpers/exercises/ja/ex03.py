"""Japanese of ``helpers.exercises.ex03`` (notebook 03)."""

from helpers.exercises.ex03 import FIT_COUNT, PARENT, REBUILT
from helpers.exercises.language import Texts

EXERCISES = {
    1: Texts(
        title="シードなしの 5 回のトレーニングを記録に残す",
        practises="親ランの下にランをネストし、子ランごとにメトリクスを記録する",
        task=(
            f"セクション 5 の検証を記録してください。親ラン `{PARENT}` の下に、{FIT_COUNT} つの"
            "ネストされた子ランを作ります。各子ランは、`random_state` を指定しない "
            "`RandomForestRegressor(n_estimators=50)` をセクション 5 の分割で 1 回トレーニング"
            "し、そのテスト MSE を `mse` として記録します (`forest_mse(None)` がこの値を計算"
            "します)。5 つの子ランを MLflow の UI で比べてください。"
        ),
        hint=(
            "親ランを with ブロックで開き、そのブロックの中で、各子ランをネストされたランとして"
            "開始します。子ランはそれぞれ mse を 1 つ記録します。"
        ),
        why=(
            "シードを固定しないモデルのランは、1 つだけでは多くの可能性から 1 つを引いたものに"
            "すぎません。ばらつきの幅は、2 つのランの差のうち、偶然だけでどれだけ生じうるかを"
            "示します。"
        ),
    ),
    2: Texts(
        title="手作業での再構築",
        practises="ランの記録を読み、そのパラメーターから再トレーニングし、タグでランを結び付ける",
        task=(
            "`rebuild` がすることを手作業で行ってください。ランダムフォレストのラン "
            "(`run_id`、セクション 1) を `mlflow.get_run` で読み、そのパラメーターだけから、"
            "分割 (features、`train_size`、`seed`) とランダムフォレスト (`n_estimators`、"
            f"`random_state`) を作り直してトレーニングします。ラン `{REBUILT}` を記録し、"
            "そのテスト MSE をメトリクス `mse` として、元のランの ID をタグ `rebuilt_from` "
            "として記録してください。2 つの MSE は最後の桁まで一致しますか?"
        ),
        hint=(
            "パラメーターは文字列として返ってきます。features はカンマを含む 1 つの文字列で、"
            "数値は int か float に変換する必要があります。分割のシードも helpers.data.split の"
            "引数です。"
        ),
        why=(
            "シードを含むすべての設定を記録したランは、データさえあれば誰でも再構築できます。"
            "タグ rebuilt_from は、ストアの中でそのコピーを元のランに結び付けます。"
        ),
    ),
    3: Texts(
        title="プロジェクトのラン",
        practises="パラメーターを指定して MLflow Project を実行する",
        task=(
            "より大きなランダムフォレストで、講座の MLflow Project を実行してください。"
            "セクション 6 と同じように、講座のフォルダーで開いたターミナルから実行します。\n\n"
            "```bash\n"
            'eval "$(python -m helpers env)"\n'
            "mlflow run project --env-manager local --experiment-name 03-reproducibility \\\n"
            "    -P model=random_forest -P n_estimators=200\n"
            "```\n\n"
            "Windows では、セクション 6 と同じく `python -m helpers mlflow run project ...` を "
            "1 行で実行します。このノートブックから、セクション 6 と同じく "
            "`mlflow.projects.run` で実行してもかまいません。次に、"
            "`mlflow.search_runs(filter_string=\"params.n_estimators = '200'\")` でそのランを"
            "見つけ、再構築してください。(MLflow Projects は Databricks では実行できません。"
            "この演習は自分のマシンで行ってください。)"
        ),
        hint=(
            "セクション 6 では、同じプロジェクトを Python から実行しました。パラメーターだけを"
            "変え、エクスペリメント、ローカルの環境マネージャー、それを囲む this_python_first は"
            "そのままにします。"
        ),
        why=(
            "プロジェクトのランには、パラメーター、エントリーポイント、そして git clone から"
            "実行した場合はコードのコミットが記録されます。コマンド 1 つで、同じように実行し"
            "直せます。"
        ),
    ),
}

MESSAGES = {
    " ({count} finished child runs in all)": " (完了した子ランは全部で {count} 件)",
    "run {run!r} has {scored} finished child run(s) with a metric 'mse', not {wanted}{others}: "
    "start each fit's run with nested=True inside the parent's with block.":
        "ラン {run!r} の、メトリクス 'mse' を持つ完了した子ランは {scored} 件で、{wanted} 件では"
        "ありません{others}。各トレーニングのランは、親ランの with ブロックの中で nested=True "
        "を付けて開始してください。",
    "all {count} MSEs are identical ({mse:.4f}): did the forests have a random_state? Fit "
    "RandomForestRegressor(n_estimators=50) without one, as forest_mse(None) does.":
        "{count} 個の MSE がすべて同じです ({mse:.4f})。ランダムフォレストに random_state を"
        "指定していませんか? forest_mse(None) と同じように、random_state を指定せずに "
        "RandomForestRegressor(n_estimators=50) をトレーニングしてください。",
    "the {count} unseeded fits of {run!r} range from {low:.4f} to {high:.4f}, a spread of "
    "{spread:.4f} from chance alone.":
        "{run!r} の、シードを固定しない {count} 回のトレーニングの MSE は {low:.4f} から "
        "{high:.4f} までばらついています。偶然だけで {spread:.4f} の幅が生じています。",
    "run {run!r} has no tag 'rebuilt_from'; its tags: {tags}.":
        "ラン {run!r} にはタグ 'rebuilt_from' がありません。このランのタグ: {tags}。",
    "the tag 'rebuilt_from' of run {run!r} is {source!r}, which is no run ID in this store: set "
    "it to the ID of the run you rebuilt (run_id).":
        "ラン {run!r} のタグ 'rebuilt_from' は {source!r} ですが、これはこのストアのラン ID では"
        "ありません。再構築したランの ID (run_id) を設定してください。",
    "run without a model_type": "model_type のないラン",
    "the tag 'rebuilt_from' names run {run!r}, a {kind}: rebuild the forest with both features "
    "(run_id), whose result depends on its seeds.":
        "タグ 'rebuilt_from' が指しているのはラン {run!r} ({kind}) です。結果がシードに"
        "左右される、両方の特徴量を使うランダムフォレスト (run_id) を再構築してください。",
    "run {run!r} has mse {mse!r}, but the run it was rebuilt from recorded {recorded!r}: rebuild "
    "it with every recorded setting (features, train_size, the split's seed, n_estimators, "
    "random_state).":
        "ラン {run!r} の mse は {mse!r} ですが、再構築元のランが記録した値は {recorded!r} です。"
        "記録されたすべての設定 (features、train_size、分割のシード、n_estimators、"
        "random_state) を使って再構築してください。",
    "exactly": "完全に一致",
    "to 1e-9": "1e-9 の精度で一致",
    "{run!r} reproduces {original!r} {how}: mse {mse!r}, from nothing but its record.":
        "{run!r} は、記録だけから {original!r} を再現しています。mse は {mse!r} で、{how}"
        "しています。",
    "MLflow Projects do not run on Databricks (section 6 skips them there): do this exercise on "
    "your own machine, with the course's local store.":
        "MLflow Projects は Databricks では実行できません (そのため、Databricks ではセクション 6 "
        "でも省略しています)。この演習は、講座のローカルストアを使って自分のマシンで行って"
        "ください。",
    "no source type": "ソースタイプなし",
    " Runs with n_estimators 200 not started as a project: {runs}.":
        "プロジェクトとして開始されていない、n_estimators が 200 のラン: {runs}。",
    "no finished project run in {experiment!r} with model=random_forest and n_estimators=200; "
    "the project runs there: {seen}.{besides} (mlflow run without --experiment-name logs to the "
    "experiment 'Default'.)":
        "{experiment!r} には、model=random_forest、n_estimators=200 の完了したプロジェクトの"
        "ランがありません。このエクスペリメントにあるプロジェクトのラン: {seen}。{besides}"
        "(--experiment-name を付けない mlflow run は、エクスペリメント 'Default' に記録します。)",
    "the project run {run!r} (entry point {entry!r}) recorded its parameters by itself and an "
    "mse of {mse:.4f}.":
        "プロジェクトのラン {run!r} (エントリーポイント {entry!r}) は、パラメーターを自動的に"
        "記録し、mse として {mse:.4f} を記録しました。",
}
