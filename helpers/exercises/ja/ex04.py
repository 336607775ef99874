"""Japanese of ``helpers.exercises.ex04`` (notebook 04)."""

from helpers.exercises.language import Texts

EXERCISES = {
    1: Texts(
        title="ベースライン",
        practises="モデルを新しいバージョンとして登録し、エイリアスを設定する",
        task=(
            "特徴量が 1 つのランダムフォレスト (`results[\"model_uri\"][2]`) を `name` の新しい"
            "バージョンとして登録し、そのバージョンにエイリアス `baseline` を付けてください。"
            "ベースラインは、どの候補も上回らなければならないモデルです。"
            "`helpers.registry.versions(name)` を表示して、3 つのバージョンを確認してください。"
        ),
        hint=(
            "まず、セクション 2 で最良のランのモデルに対して行ったように登録します。登録で"
            "返ってくるバージョンが、エイリアスに必要な番号を持っています。"
        ),
        why=(
            "エイリアスが表すのは番号ではなく役割です。コードも人も、それがどのバージョンかを"
            "知らなくてもベースラインを参照できます。"
        ),
    ),
    2: Texts(
        title="ロールバック",
        practises="エイリアスを以前のバージョンに戻す",
        task=(
            "本番環境で直線のモデルに問題が起きたとします。ロールバックしましょう。"
            "`champion` を、昇格の前に指していたバージョン (両方の特徴量を使うランダム"
            "フォレスト) に戻し、`client.get_model_version_by_alias` で確認してください。"
            "`models:/article_model@champion` を読み込むコードは、いま何をサービングしますか?"
        ),
        hint=(
            "ロールバックでは何も登録しません。以前のチャンピオンはいまもモデルのバージョンの "
            "1 つで、ノートブックはそれを変数に保持しています。"
        ),
        why=(
            "ロールバックとは、エイリアスを移動することです。models:/article_model@champion を"
            "読み込むものは何でも、コードを変えなくても、次に読み込んだときに再びランダム"
            "フォレストを受け取ります。"
        ),
    ),
    3: Texts(
        title="レビュー担当者",
        practises="モデルバージョンにタグを付ける",
        task=(
            "チャンピオンをレビューした人を記録しましょう。`champion` が指すバージョン "
            "(演習 2 のあとではランダムフォレスト) に、あなたの名前を値とするタグ "
            "`reviewed_by` を追加してください。次に、`helpers.registry.versions(name)` で、"
            "バージョンをタグと一緒に一覧表示してください。"
        ),
        hint=(
            "クライアントには、登録済みモデルにタグを付けるメソッドと、そのバージョンの 1 つに"
            "タグを付けるメソッドがあります。セクション 3 で使ったのは後者です。"
        ),
        why=(
            "バージョンのタグは、エイリアスがどこへ移動してもそのバージョンに残るので、どの"
            "バージョンを誰がレビューしたかがレジストリでわかります。"
        ),
    ),
    4: Texts(
        title="何がサービングされたかを記録に残す",
        practises="エイリアスでモデルを読み込み、エイリアスが指していたバージョンを記録する",
        task=(
            "エイリアスは移動するので、何がサービングされたかを記録するには、バージョンを明記する"
            "必要があります。`models:/<name>@champion` を読み込んで `X_test` で評価し、"
            "ラン `champion-check` を記録してください。MSE をメトリクス `mse` として、"
            "`champion` が指していたバージョン番号 (`client.get_model_version_by_alias`) を"
            "パラメーター `model_version` として記録します。"
        ),
        hint=(
            "変数 champion には、ロールバックの前に読み込んだモデルがまだ入っています。読み込んだ"
            "モデルは、エイリアスが移動しても変わりません。エイリアスを使ってもう一度読み込んで"
            "ください。"
        ),
        why=(
            "エイリアスで読み込んだモデルのメトリクスは、ランにバージョンが記録されていなければ、"
            "あとになるとほとんど意味を持ちません。エイリアスは、明日には別のバージョンを指して"
            "いるかもしれないからです。"
        ),
    ),
}

MESSAGES = {
    "version {version}, from run {run!r} ({model_type} with the features {features!r})":
        "バージョン {version} (ラン {run!r} から登録した、特徴量 {features!r} の {model_type})",
    "version {version}, whose run is not in this store":
        "バージョン {version} (そのランはこのストアにありません)",
    "the alias 'baseline' points at {version}; it should be the forest with one feature "
    "(results['model_uri'][2]): register that model, then set the alias on its new version.":
        "エイリアス 'baseline' は{version} を指しています。特徴量が 1 つのランダムフォレスト "
        "(results['model_uri'][2]) を指す必要があります。そのモデルを登録してから、新しく"
        "できたバージョンにエイリアスを設定してください。",
    "'baseline' points at {version}.": "'baseline' は{version} を指しています。",
    "the alias 'champion' points at {version}; roll it back to the former champion, the forest "
    "with both features.":
        "エイリアス 'champion' は{version} を指しています。以前のチャンピオンである、"
        "両方の特徴量を使うランダムフォレストに戻してください。",
    "the alias 'champion' points at version {version}, a second copy of version {first}'s model "
    "(registered again): a rollback moves the alias back to version {first}, which keeps its "
    "description and tags.":
        "エイリアス 'champion' はバージョン {version} を指していますが、これはバージョン "
        "{first} のモデルをもう一度登録した、2 つ目のコピーです。ロールバックでは、エイリアスを"
        "バージョン {first} に戻します。そのバージョンには、説明とタグが残っています。",
    "'champion' is back on {version}.": "'champion' は{version} に戻りました。",
    "{version}, the champion, carries reviewed_by = {reviewer!r}.":
        "チャンピオンである{version} には、reviewed_by = {reviewer!r} が付いています。",
    "the tag 'reviewed_by' is on the registered model {name!r}, not on the version: a registered "
    "model's tag belongs to the model as a whole. Tag version {version}, the champion, with "
    "set_model_version_tag.":
        "タグ 'reviewed_by' は、バージョンではなく登録済みモデル {name!r} に付いています。"
        "登録済みモデルのタグは、モデル全体に付くものです。チャンピオンであるバージョン "
        "{version} に、set_model_version_tag でタグを付けてください。",
    "version {version}, the champion, has no tag 'reviewed_by'; the versions that have it: "
    "{versions}.":
        "チャンピオンであるバージョン {version} には、タグ 'reviewed_by' がありません。"
        "このタグがあるバージョン: {versions}。",
    "version {version}, the champion, has no tag 'reviewed_by'.":
        "チャンピオンであるバージョン {version} には、タグ 'reviewed_by' がありません。",
    "run {run!r} has no param or tag 'model_version'; its params: {params}.":
        "ラン {run!r} には、パラメーターにもタグにも 'model_version' がありません。"
        "このランのパラメーター: {params}。",
    "run {run!r} has model_version {named!r}, which is no version number: record the number the "
    "alias resolved to, as an alias moves on.":
        "ラン {run!r} の model_version は {named!r} で、バージョン番号ではありません。"
        "エイリアスは移動するので、エイリアスが指していたバージョンの番号を記録してください。",
    "run {run!r} names version {named}, but 'champion' points at version {version}: score the "
    "champion again after exercise 2.":
        "ラン {run!r} にはバージョン {named} が記録されていますが、'champion' はバージョン "
        "{version} を指しています。演習 2 のあとで、チャンピオンをもう一度評価してください。",
    "the run of version {version} is not in this store.":
        "バージョン {version} のランが、このストアにありません。",
    "run {run!r} has mse {mse:.4f}, but the run of version {named} recorded {recorded:.4f} on "
    "the same test rows: score X_test with the model that version holds (load "
    "models:/{name}@champion again: a model loaded earlier does not follow the alias).":
        "ラン {run!r} の mse は {mse:.4f} ですが、バージョン {named} のランは、同じテストデータ"
        "の行で {recorded:.4f} を記録しています。そのバージョンのモデルで X_test を評価して"
        "ください (models:/{name}@champion をもう一度読み込みます。先に読み込んだモデルは、"
        "エイリアスの移動に追従しません)。",
    "{run!r} records that version {named} served, with mse {mse:.4f}.":
        "{run!r} には、バージョン {named} がサービングされ、mse が {mse:.4f} だったことが"
        "記録されています。",
}
