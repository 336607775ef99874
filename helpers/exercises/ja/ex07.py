"""Japanese of ``helpers.exercises.ex07`` (notebook 07)."""

from helpers.exercises.language import Texts

NOTE = """このノートブックでは、チェックはセクション 1 のチームサーバーを、そこに参加したレビュー担当者として読みます。サーバーが動いている間に演習を行ってください。最後のセルでサーバーを停止すると、そのランもサーバーとともに消えます (サーバーはランを一時フォルダーに保存しています)。`progress()` は MLflow が指しているストアを読みます。ここではチームサーバー、ほかのノートブックではあなた自身のストアです。"""

EXERCISES = {
    1: Texts(
        title="4 人目のメンバー",
        practises="新しいメンバーとして共有エクスペリメントに参加し、ランを記録する",
        task=(
            "4 人目のメンバーがチームに加わります。セクション 2 が Databricks で行うように、"
            "`team_member.py` の `main` をこのノートブックで実行してください "
            '(`runpy.run_path(str(script))["main"]`)。引数は '
            '`[team_url, NAME, "ridge", team_experiment]` で、NAME は新しい名前 (member_a、'
            "member_b、member_c、reviewer 以外) です。`main` はそのメンバーとして参加するので、"
            "そのあと `reviewer` としてもう一度参加してください。新しいメンバーはリーダーボードの"
            "どこに入りますか? それが意外でないのはなぜですか?"
        ),
        hint=(
            "main は、コマンドラインの 4 つの引数をリストとして受け取ります。サーバーの"
            "アドレス、メンバーの名前、モデル (ridge、forest、boosting のいずれか)、"
            "エクスペリメントです。"
        ),
        why=(
            "参加に必要なのは、アドレス、名前、エクスペリメントです。新しいメンバーのランは"
            "全員のランと並び、誰が記録したかを示すタグが付いて、同じリーダーボードで順位が"
            "付きます。"
        ),
    ),
    2: Texts(
        title="rmse に加えて r2",
        practises="1 つのランに複数のメトリクスを記録し、別のメトリクスで順位を付ける",
        task=(
            "セクション 3 で参加した `reviewer` として、あなた自身のランをチームの"
            "エクスペリメントに記録してください。メトリクスは `rmse` と `r2` (テストデータの"
            "行に対する scikit-learn の `r2_score`) の 2 つです。モデルは何でもかまいません。"
            "`helpers.data.diabetes()` のデータを、`team_member.py` と同じように "
            "`helpers.data.split(data, features, 0.8)` で分割してトレーニングします。次に、"
            "`helpers.workshop.leaderboard` で、チームを `r2` で順位付けしてください。"
            "リーダーボードに載るのは誰で、それはなぜですか?"
        ),
        hint=(
            "team_member.py は rmse を mean_squared_error で計算しています。"
            "sklearn.metrics.r2_score も同じ 2 つの引数を取ります。mlflow.log_metrics なら、"
            "指定した名前で両方を一度に記録できます。"
        ),
        why=(
            "1 つのランは複数のメトリクスを持てるので、メンバーはそれぞれ、自分の問いに必要な"
            "メトリクスで順位を付けられます。ただし、順位が付くのはそのメトリクスをまったく同じ"
            "名前で記録したランだけなので、チームではメトリクス名を揃えておきます。"
        ),
    ),
    3: Texts(
        title="メモをレビューする",
        practises="LIKE でメモからランを検索し、あとからランにタグを付ける",
        task=(
            "チームのエクスペリメントで、メモ (タグ `mlflow.note.content`) が `max_depth` に"
            "言及しているランを、`mlflow.search_runs` とフィルター "
            "`` filter_string=\"tags.`mlflow.note.content` LIKE '%max_depth%'\" `` ですべて"
            "見つけ、それぞれに `mlflow.MlflowClient().set_tag` でタグ `reviewed` = `yes` を"
            "付けてください。このタグは、それらのランすべてに、そしてそれらのランだけに付いて"
            "いる必要があります。"
        ),
        hint=(
            "search_runs は run_id 列を持つ DataFrame を返します。クライアントの set_tag は、"
            "完了しているかどうかにかかわらず、1 つのランにその ID でタグを付けます。"
            "delete_tag は、誤って付けたタグを削除します。"
        ),
        why=(
            "あとから付けたタグは、チームのレビューをラン自体に記録し、フィルター "
            "(tags.reviewed = 'yes') や MLflow の UI で見つけられるようにします。メモを読めば、"
            "作成者に尋ねなくても、各ランで何を試したかがわかります。"
        ),
    ),
}

MESSAGES = {
    "no participant other than 'member_a', 'member_b', 'member_c' and 'reviewer' has a "
    "finished run with an rmse in {team!r} yet; the participants there: {participants}. A "
    "member who is there already adds nothing: team_member.py skips the runs that member "
    "logged before.":
        "{team!r} には、'member_a'、'member_b'、'member_c'、'reviewer' 以外の参加者による、"
        "rmse を持つ完了したランがまだありません。このエクスペリメントにいる参加者: "
        "{participants}。すでにいるメンバーで実行しても、何も増えません。team_member.py は、"
        "そのメンバーが以前に記録したランをスキップします。",
    "{newcomers} logged runs with an rmse, but no Ridge (param model_type = 'Ridge'); their "
    "models: {models}.":
        "{newcomers} は rmse を持つランを記録しましたが、Ridge のラン (パラメーター "
        "model_type = 'Ridge') がありません。記録したモデル: {models}。",
    ", level with {level}: the same model, settings and data split give the same rmse":
        "。{level} と同点です。同じモデル、設定、データの分割からは、同じ rmse が得られます",
    "the newcomer {name!r} ranks {rank} of {count} on the leaderboard, with a best rmse of "
    "{best:.2f}{tie}.":
        "新しいメンバー {name!r} はリーダーボードで {count} 人中 {rank} 位で、最良の rmse は "
        "{best:.2f} です{tie}。",
    " Found {near} instead: the run table and the leaderboard find a metric by its exact name, "
    "so name it 'r2'.":
        "代わりに {near} が見つかりました。ランの表とリーダーボードはメトリクスを名前の完全一致"
        "で探すので、名前は 'r2' にしてください。",
    "none of your finished runs in {team!r} has a metric 'r2' yet; the metrics of your runs "
    "there: {keys}.{instead}":
        "{team!r} にあるあなたの完了したランには、メトリクス 'r2' を持つものがまだありません。"
        "このエクスペリメントにあるあなたのランのメトリクス: {keys}。{instead}",
    "run {run!r} has an r2 but no 'rmse': log both metrics in one run, so that it ranks by "
    "either.":
        "ラン {run!r} には r2 はありますが、'rmse' がありません。どちらのメトリクスでも順位が"
        "付くように、1 つのランに両方を記録してください。",
    "run {run!r} has r2 = {r2:.4g}, but an R² is at most 1: log r2_score(y_test, predicted) "
    "of the test rows.":
        "ラン {run!r} の r2 は {r2:.4g} ですが、R² は最大でも 1 です。テストデータの行に対する "
        "r2_score(y_test, predicted) を記録してください。",
    "run {run!r} of {participant!r} has rmse {rmse:.2f} and r2 {r2:.2f}: it explains "
    "{r2:.0%} of the variance of y on the test rows.":
        "{participant!r} のラン {run!r} は、rmse が {rmse:.2f}、r2 が {r2:.2f} です。テスト"
        "データの行で、y の分散の {r2:.0%} を説明しています。",
    "no run in {team!r} has a note ({note}) that mentions max_depth: run the notebook's cells "
    "first.":
        "{team!r} には、max_depth に言及したメモ ({note}) を持つランがありません。先に"
        "ノートブックのセルを実行してください。",
    " (their tag reviewed: {others})": " (これらのランのタグ reviewed の値: {others})",
    "none of the {count} runs whose note mentions max_depth carries the tag reviewed = 'yes' "
    "yet: {lacking}{theirs}.":
        "メモが max_depth に言及している {count} 件のランのどれにも、まだタグ "
        "reviewed = 'yes' が付いていません。付いていないラン: {lacking}{theirs}。",
    "{missing} of the {count} runs whose note mentions max_depth do not carry the tag "
    "reviewed = 'yes' yet: {lacking}{theirs}.":
        "メモが max_depth に言及している {count} 件のランのうち {missing} 件に、まだタグ "
        "reviewed = 'yes' が付いていません。付いていないラン: {lacking}{theirs}。",
    "the {count} runs whose note mentions max_depth carry reviewed = 'yes', but so do "
    "{extra_count} whose note does not: {extra}. Remove it from those with "
    "MlflowClient().delete_tag.":
        "メモが max_depth に言及している {count} 件のランには reviewed = 'yes' が付いて"
        "いますが、言及していない {extra_count} 件のランにも付いています: {extra}。それらの"
        "ランからは、MlflowClient().delete_tag でタグを削除してください。",
    "the {count} runs whose note mentions max_depth, and only they, carry reviewed = 'yes': "
    "{runs}.":
        "メモが max_depth に言及している {count} 件のランすべてに、そしてそれらだけに "
        "reviewed = 'yes' が付いています: {runs}。",
}
