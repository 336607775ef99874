"""Japanese of the messages of ``helpers.exercises.records`` (what the checks read)."""

MESSAGES = {
    "none": "なし",
    "{shown} and {more} more": "{shown} ほか {more} 件",
    "there is no experiment {name!r} in this store yet: run the notebook's cells first.":
        "このストアには、まだエクスペリメント {name!r} がありません。先にノートブックのセルを実行して"
        "ください。",
    "no finished run named {run!r} in experiment {experiment!r}; the runs there are: {runs}.":
        "エクスペリメント {experiment!r} に、{run!r} という名前の完了したランがありません。"
        "このエクスペリメントにあるラン: {runs}。",
    "no finished run to check.": "チェックできる完了したランがありません。",
    "run {run!r} has no param {key!r}; its params: {params}.":
        "ラン {run!r} にはパラメーター {key!r} がありません。このランのパラメーター: {params}。",
    "run {run!r} has no metric {key!r}; its metrics: {metrics}.":
        "ラン {run!r} にはメトリクス {key!r} がありません。このランのメトリクス: {metrics}。",
    "there is no registered model {name!r} yet.": "登録済みモデル {name!r} はまだありません。",
    "model {name!r} has no alias {alias!r}; its aliases: {aliases}.":
        "モデル {name!r} にはエイリアス {alias!r} がありません。このモデルのエイリアス: {aliases}。",
}
