"""Each capability of docs/server.md, end to end on the shipped corpus.

Like test_server.py, every test runs `newsmark lsp` on a copy of corpus/ in a
temporary folder. The fixtures of this file change that copy on disk before
the server starts when a test needs something the shipped corpus does not
have (a `derived_from`, registry mistakes, a second workspace folder); they
say what they change.
"""

import asyncio
import pathlib
import re
import tomllib

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from conftest import BIN, initialize_params
from test_server import files, open_doc, pos, pos_end, wait_for


def doc(path: pathlib.Path) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=path.as_uri())


def change(client: LanguageClient, path: pathlib.Path, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def offset_of(text: str, position: types.Position) -> int:
    """The string index of a UTF-16 `position` in `text`."""
    line_start = 0
    for _ in range(position.line):
        line_start = text.index("\n", line_start) + 1
    units, i = 0, line_start
    while units < position.character:
        units += len(text[i].encode("utf-16-le")) // 2
        i += 1
    return i


def covered(text: str, rng: types.Range) -> str:
    """The text a range covers."""
    return text[offset_of(text, rng.start) : offset_of(text, rng.end)]


def line_of(text: str, rng: types.Range) -> str:
    return text.split("\n")[rng.start.line]


def path_of(uri: str) -> pathlib.Path:
    return pathlib.Path(uri.removeprefix("file://"))


def shown(locations, texts: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(file name, covered text) of each location, sorted; `texts` overrides what is on disk."""
    texts = texts or {}
    out = []
    for loc in locations:
        path = path_of(loc.uri)
        out.append((path.name, covered(texts.get(loc.uri) or path.read_text(), loc.range)))
    return sorted(out)


def value(doc_field) -> str:
    return doc_field.value if isinstance(doc_field, types.MarkupContent) else (doc_field or "")


async def hover_at(client: LanguageClient, path: pathlib.Path, text: str, needle: str, delta: int) -> types.Hover:
    hover = await client.text_document_hover_async(types.HoverParams(text_document=doc(path), position=pos(text, needle, delta)))
    assert hover is not None, (needle, delta)
    return hover


async def definition_at(client: LanguageClient, path: pathlib.Path, text: str, needle: str, delta: int) -> list[types.Location]:
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc(path), position=pos(text, needle, delta))
    )
    return list(result or [])


async def references_at(client: LanguageClient, path: pathlib.Path, text: str, needle: str, delta: int, declaration: bool = True):
    return await client.text_document_references_async(
        types.ReferenceParams(
            text_document=doc(path), position=pos(text, needle, delta), context=types.ReferenceContext(include_declaration=declaration)
        )
    )


async def actions_at(client: LanguageClient, path: pathlib.Path, text: str, needle: str, delta: int) -> list[types.CodeAction]:
    at = pos(text, needle, delta)
    result = await client.text_document_code_action_async(
        types.CodeActionParams(text_document=doc(path), range=types.Range(start=at, end=at), context=types.CodeActionContext(diagnostics=[]))
    )
    return list(result or [])


def edits_of(action: types.CodeAction) -> list[tuple[str, types.Range, str]]:
    return sorted(
        ((path_of(uri).name, e.range, e.new_text) for uri, es in action.edit.changes.items() for e in es),
        key=lambda t: (t[0], t[1].start.line, t[1].start.character),
    )


async def complete(client: LanguageClient, path: pathlib.Path, text: str, offset: int) -> list[types.CompletionItem]:
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc(path), position=pos_end(text, offset))
    )
    return result if isinstance(result, list) else result.items


def inserted(item: types.CompletionItem) -> str:
    return item.text_edit.new_text if item.text_edit else (item.insert_text or item.label)


AP = "ap-2022-11-08"
MANILA = "manila-times-2022-09-22"


# ---------------------------------------------------------------- hover


async def test_hover_on_src_shows_the_cited_article(client: LanguageClient):
    """AP cites the Manila Times quotes with `src=manila-times-2022-09-22#…`."""
    ap = files(client)[AP]
    text = open_doc(client, ap)
    cite = f"src={MANILA}#reckless-remarks"
    hover = await hover_at(client, ap, text, cite, len("src=") + 3)
    card = hover.contents.value
    assert card.startswith("**No arms sent to Russia for invasion – North Korea**"), card
    assert f"The Manila Times · 2022-09-22 · `{MANILA}`" in card, card
    assert covered(text, hover.range) == MANILA
    # On the anchor: the same card, and the cited words.
    hover = await hover_at(client, ap, text, cite, cite.index("#") + 3)
    assert f"The Manila Times · 2022-09-22 · `{MANILA}`" in hover.contents.value
    assert hover.contents.value.rstrip().endswith("> “reckless remarks”"), hover.contents.value
    assert covered(text, hover.range) == "reckless-remarks"


async def test_entity_hover_card_fields(client: LanguageClient):
    ap = files(client)[AP]
    text = open_doc(client, ap)
    hover = await hover_at(client, ap, text, "[Pyongyang]{@prk}", 2)
    card = hover.contents.value
    corpus = "".join(p.read_text() for p in sorted(client.corpus_dir.glob("*.news")))
    mentions = len(re.findall(r"[{\s]@prk(?=[}\s])", corpus))
    credited = len(re.findall(r"by=@prk(?=[}\s])", corpus))
    assert card.startswith("**North Korea** · country"), card  # name, kind
    assert "Wikidata [Q423](https://www.wikidata.org/wiki/Q423)" in card  # external id
    assert "Democratic People's Republic of Korea. Capital: Pyongyang." in card  # description
    assert (
        "Also known as: DPRK, Democratic People’s Republic of Korea, Democratic People's Republic of Korea, Pyongyang, the North"
        in card
    )
    assert f"{mentions} mentions; referred to in 5 sources" in card, (mentions, card)
    assert f"Credited with {credited} statements:" in card, (credited, card)
    assert (
        "- it hadn’t exported any weapon to Russia during its invasion of Ukraine and had no plan to do so (The Manila Times)"
        in card
    )
    assert "First appearance: The Manila Times, 2022-09-22 (No arms sent to Russia for invasion – North Korea)" in card
    assert covered(text, hover.range) == "Pyongyang"
    # An anonymous source says so, and shows its description.
    hover = await hover_at(client, ap, text, "by=@prk-mfa-deputy-director", 5)
    card = hover.contents.value
    assert card.startswith("**Deputy director, military foreign affairs office (North Korea)** · person · anonymous"), card
    assert "Credited with 2 statements:" in card
    assert "First appearance: The Associated Press, 2022-11-08" in card


async def test_date_hover_resolution_weekday_and_distance(client: LanguageClient):
    ap = files(client)[AP]
    text = open_doc(client, ap)
    hover = await hover_at(client, ap, text, "[Tuesday]{.date when=2022-11-08}", 2)
    assert hover.contents.value == "**Tuesday** → `2022-11-08`, a Tuesday  \nthe day of publication"
    hover = await hover_at(client, ap, text, "[Last week]{.date when=2022-11-02}", 2)
    assert hover.contents.value == "**Last week** → `2022-11-02`, a Wednesday  \n6 days before publication (2022-11-08)"
    assert covered(text, hover.range) == "[Last week]{.date when=2022-11-02}"
    # A month has no weekday and no distance.
    hover = await hover_at(client, ap, text, "[In September]{.date when=2022-09}", 2)
    assert hover.contents.value == "**In September** → `2022-09`"
    forbes = files(client)["forbes-2022-09-22"]
    text = open_doc(client, forbes)
    hover = await hover_at(client, forbes, text, "[Wednesday]{.date when=2022-09-21}", 2)
    assert hover.contents.value == "**Wednesday** → `2022-09-21`, a Wednesday  \n1 day before publication (2022-09-22)"


# ---------------------------------------------------------------- definition


async def test_definition_from_claim_via_and_outlet_into_the_registry(client: LanguageClient):
    ap = files(client)[AP]
    text = open_doc(client, ap)
    registry = (client.corpus_dir / "entities.toml").read_text()
    cases = [
        ("claim=reckless-remarks", len("claim=") + 2, "reckless-remarks", "[claims.reckless-remarks]"),
        ("via=@kcna", len("via=@") + 1, "kcna", "[kcna]"),
        ('outlet = "@ap"', len('outlet = "@') + 1, "ap", "[ap]"),
    ]
    for needle, delta, id_, header in cases:
        result = await definition_at(client, ap, text, needle, delta)
        assert len(result) == 1, (needle, result)
        assert result[0].uri == (client.corpus_dir / "entities.toml").as_uri(), (needle, result)
        assert covered(registry, result[0].range) == id_
        assert line_of(registry, result[0].range) == header


async def test_definition_from_an_unregistered_claim_goes_to_its_first_appearance(client: LanguageClient):
    """With `[claims.hegemonic-policy]` deleted from the registry (in the editor),
    AP's `claim=hegemonic-policy` leads to the Manila Times quote: published
    2022-09-22, before AP, and the first appearance quote-drift compares with."""
    ap = files(client)[AP]
    text = open_doc(client, ap)
    needle, delta = "claim=hegemonic-policy", len("claim=") + 3
    result = await definition_at(client, ap, text, needle, delta)
    assert [path_of(r.uri).name for r in result] == ["entities.toml"]
    registry = client.corpus_dir / "entities.toml"
    reg_text = open_doc(client, registry)
    change(client, registry, reg_text[: reg_text.index("[claims.hegemonic-policy]")], 2)
    deadline = asyncio.get_running_loop().time() + 15
    while result and result[0].uri == registry.as_uri():
        assert asyncio.get_running_loop().time() < deadline, "definition still in the registry"
        await asyncio.sleep(0.05)
        result = await definition_at(client, ap, text, needle, delta)
    manila = files(client)[MANILA]
    assert len(result) == 1 and result[0].uri == manila.as_uri(), result
    assert covered(manila.read_text(), result[0].range) == "[“hegemonic policy”]{.quote by=@prk claim=hegemonic-policy}"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BIN, "lsp"]))
async def derived_client(lsp_client: LanguageClient, corpus_dir):
    """The corpus copy, with the Unknown blog's mirror (seed 001) declaring
    `derived_from = "manila-times-2022-09-22"`: the shipped corpus has no
    `derived_from`."""

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params):
        return None

    blog = corpus_dir / "001_cf7a61948d7c4840.news"
    text = blog.read_text()
    assert 'lang = "en"\n+++' in text
    blog.write_text(text.replace('lang = "en"\n+++', f'lang = "en"\nderived_from = "{MANILA}"\n+++', 1))
    await lsp_client.initialize_session(initialize_params(corpus_dir))
    lsp_client.corpus_dir = corpus_dir
    yield
    await lsp_client.shutdown_session()


async def test_definition_hover_and_references_from_derived_from(derived_client: LanguageClient):
    """On a temporary copy of the corpus where seed 001 has `derived_from`
    (see `derived_client`): it resolves to the Manila Times article."""
    client = derived_client
    blog = client.corpus_dir / "001_cf7a61948d7c4840.news"
    text = open_doc(client, blog)
    needle, delta = f'derived_from = "{MANILA}"', len('derived_from = "') + 4
    # The server read it: the mirror's wording differs from its source.
    await wait_for(lambda: any(d.code == "derived-mismatch" for d in client.diagnostics.get(blog.as_uri(), [])))
    manila = files(client)[MANILA]
    result = await definition_at(client, blog, text, needle, delta)
    assert len(result) == 1 and result[0].uri == manila.as_uri(), result
    assert covered(manila.read_text(), result[0].range) == MANILA
    assert line_of(manila.read_text(), result[0].range) == f'id = "{MANILA}"'
    hover = await hover_at(client, blog, text, needle, delta)
    assert f"The Manila Times · 2022-09-22 · `{MANILA}`" in hover.contents.value
    refs = await references_at(client, blog, text, needle, delta)
    ap = files(client)[AP].name
    assert shown(refs) == [(manila.name, MANILA), (blog.name, MANILA), (ap, MANILA), (ap, MANILA)]


# ---------------------------------------------------------------- references


async def test_references_to_a_claim_a_source_and_an_anchor(client: LanguageClient):
    ap = files(client)[AP]
    text = open_doc(client, ap)
    # A claim: every `claim=reckless-remarks` and its registry entry.
    refs = await references_at(client, ap, text, "claim=reckless-remarks", len("claim=") + 4)
    carriers = [p.name for p in sorted(client.corpus_dir.glob("*.news")) if "claim=reckless-remarks" in p.read_text()]
    assert len(carriers) == 4
    assert shown(refs) == sorted([(n, "reckless-remarks") for n in carriers] + [("entities.toml", "reckless-remarks")])
    # A source id: its declaration in the Manila Times and both citations in AP.
    refs = await references_at(client, ap, text, f"src={MANILA}", len("src=") + 2)
    manila = files(client)[MANILA].name
    assert shown(refs) == [(manila, MANILA), (ap.name, MANILA), (ap.name, MANILA)]
    refs = await references_at(client, ap, text, f"src={MANILA}", len("src=") + 2, declaration=False)
    assert shown(refs) == [(ap.name, MANILA), (ap.name, MANILA)]
    # An anchor: the `#mouth-shut` span in the Manila Times and AP's citation of it.
    cite = f"src={MANILA}#mouth-shut"
    refs = await references_at(client, ap, text, cite, cite.index("#") + 2)
    assert shown(refs) == [(manila, "mouth-shut"), (ap.name, "mouth-shut")]
    anchor_line = line_of(files(client)[MANILA].read_text(), next(r.range for r in refs if r.uri.endswith(manila)))
    assert "[“keep its mouth shut.”]{.quote #mouth-shut" in anchor_line


# ---------------------------------------------------------------- document highlight


async def highlights_at(client: LanguageClient, path: pathlib.Path, text: str, needle: str, delta: int):
    found = await client.text_document_document_highlight_async(
        types.DocumentHighlightParams(text_document=doc(path), position=pos(text, needle, delta))
    )
    return list(found or [])


async def test_document_highlight_marks_uses_in_this_file_only(client: LanguageClient):
    ap = files(client)[AP]
    text = open_doc(client, ap)
    # An entity: each `@usa` of AP's story (mentions, speakers), none of the other stories'.
    found = await highlights_at(client, ap, text, "{@usa}", 2)
    assert len(found) == len(re.findall(r"@usa(?![\w-])", text)) > 1
    assert {covered(text, h.range) for h in found} == {"usa"}
    assert {h.kind for h in found} == {types.DocumentHighlightKind.Read}
    # A source id cited twice in AP: both citations; the Manila Times' `id` is in another file.
    found = await highlights_at(client, ap, text, f"src={MANILA}", len("src=") + 2)
    assert [covered(text, h.range) for h in found] == [MANILA, MANILA]
    # In the Manila Times, its anchor's definition (a write) and nothing of AP's citation.
    manila = files(client)[MANILA]
    mtext = open_doc(client, manila)
    found = await highlights_at(client, manila, mtext, "#mouth-shut", 2)
    assert [(covered(mtext, h.range), h.kind) for h in found] == [("mouth-shut", types.DocumentHighlightKind.Write)]
    # Plain article text highlights nothing.
    assert await highlights_at(client, ap, text, "Hit by international", 2) == []


# ---------------------------------------------------------------- selection ranges


def chain(text: str, selection: types.SelectionRange) -> list[str]:
    return [covered(text, r) for r in ranges(selection)]


def ranges(selection: types.SelectionRange) -> list[types.Range]:
    out = []
    while selection is not None:
        out.append(selection.range)
        selection = selection.parent
    return out


async def test_selection_expands_from_a_word_through_the_annotations(client: LanguageClient):
    ap = files(client)[AP]
    text = open_doc(client, ap)
    quote = "[“conspiracy story”]{.quote by=@pr"
    at = [pos(text, quote, len("[“consp")), pos(text, "by=@prk", len("by=@p"))]
    result = await client.text_document_selection_range_async(
        types.SelectionRangeParams(text_document=doc(ap), positions=at)
    )
    assert len(result) == 2
    words = chain(text, result[0])
    # Through a curly quote, in UTF-16: the word, the span's text, the span, its line, the body, the file.
    assert words[:2] == ["conspiracy", "“conspiracy story”"]
    span = words[2]
    assert span.startswith("[“conspiracy story”]{.quote by=@prk") and span.endswith("}")
    assert words[-1] == text
    attribute = chain(text, result[1])
    assert attribute[:2] == ["prk", "@prk"]
    assert attribute[-1] == text
    # Each parent holds its child and is larger (string offsets, not text search).
    for sel in result:
        spans = [(offset_of(text, r.start), offset_of(text, r.end)) for r in ranges(sel)]
        for (a, b), (c, d) in zip(spans, spans[1:]):
            assert c <= a and b <= d and (c, d) != (a, b), spans


# ---------------------------------------------------------------- completion


async def typed(client: LanguageClient, tail: str) -> list[types.CompletionItem]:
    """Completion at the end of AP's story after typing `tail` in a new paragraph."""
    ap = files(client)[AP]
    if not hasattr(client, "ap_version"):
        open_doc(client, ap)
        client.ap_version = 1
    client.ap_version += 1
    text = ap.read_text() + "\n\n" + tail
    change(client, ap, text, client.ap_version)
    return await complete(client, ap, text, len(text))


async def test_completion_of_kinds_after_a_dot(client: LanguageClient):
    items = await typed(client, "[Kirby]{.")
    assert {i.label for i in items} == {".quote", ".claim", ".date", ".qty", ".src"}
    items = await typed(client, "[Kirby]{.qu")
    assert [i.label for i in items] == [".quote"]


async def test_completion_of_attribute_keys_and_flags(client: LanguageClient):
    items = await typed(client, "[“will not change the tide of the war”]{.quote ")
    assert {i.label for i in items} == {
        "by=", "via=", "src=", "claim=", "when=", "n=", "unit=", "of=", "fact=", "lang=", "allow=", "anon", "future",
    }
    by = next(i for i in items if i.label == "by=")
    assert inserted(by) == "by=@" and by.detail == "who asserts it (an entity)"
    items = await typed(client, "[“will not change the tide of the war”]{.quote v")
    assert [i.label for i in items] == ["via="]


async def test_completion_of_source_ids_after_src(client: LanguageClient):
    items = await typed(client, "[“keep your mouth shut”]{.quote src=")
    by_label = {i.label: i for i in items}
    assert set(by_label) == set(files(client)), by_label.keys()
    assert by_label[MANILA].detail == "No arms sent to Russia for invasion – North Korea"
    items = await typed(client, "[“keep your mouth shut”]{.quote src=ws")
    assert [i.label for i in items] == ["wsj-2022-09-22"]


async def test_completion_of_anchors_after_src_id_hash(client: LanguageClient):
    items = await typed(client, f"[“keep your mouth shut”]{{.quote src={MANILA}#")
    anchors = re.findall(r"[{ ]#([\w-]+)", files(client)[MANILA].read_text())
    assert len(anchors) == 6
    assert sorted(i.label for i in items) == sorted(anchors)
    assert next(i for i in items if i.label == "mouth-shut").detail == "“keep its mouth shut.”"
    assert all(inserted(i) == i.label for i in items)  # the `#` is already typed


async def test_completion_of_claim_names_after_claim(client: LanguageClient):
    items = await typed(client, "[“keep your mouth shut”]{.quote claim=")
    by_label = {i.label: i for i in items}
    registry = tomllib.loads((client.corpus_dir / "entities.toml").read_text())["claims"]
    assert len(registry) == 8 and set(registry) <= set(by_label), by_label.keys()
    assert value(by_label["keep-mouth-shut"].documentation) == "The United States should keep its mouth shut."


async def test_completion_of_front_matter_keys_and_outlets(client: LanguageClient):
    ap = files(client)[AP]
    text = open_doc(client, ap)
    at = text.index('lang = "en"\n') + len('lang = "en"\n')
    new = text[:at] + "\n" + text[at:]
    change(client, ap, new, 2)
    items = await complete(client, ap, new, at)
    assert [i.label for i in items] == [
        "id", "title", "outlet", "url", "published", "modified", "dateline", "byline", "lang", "derived_from", "allow",
    ]
    new = text[:at] + "d\n" + text[at:]
    change(client, ap, new, 3)
    items = await complete(client, ap, new, at + 1)
    assert [(i.label, inserted(i)) for i in items] == [("dateline", "dateline = "), ("derived_from", "derived_from = ")]
    # The value of `outlet`: the registry's outlets.
    new = text.replace('outlet = "@ap"', 'outlet = "@')
    change(client, ap, new, 4)
    items = await complete(client, ap, new, new.index('outlet = "@') + len('outlet = "@'))
    registry = tomllib.loads((client.corpus_dir / "entities.toml").read_text())
    outlets = {f"@{k}" for k, e in registry.items() if k != "claims" and e.get("kind") == "outlet"}
    assert {i.label for i in items} == outlets == {"@ap", "@forbes", "@kcna", "@manila-times", "@unknown-blog", "@wsj"}
    assert next(i for i in items if i.label == "@ap").detail == "The Associated Press"


# ---------------------------------------------------------------- registry diagnostics


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BIN, "lsp"]))
async def registry_client(lsp_client: LanguageClient, corpus_dir):
    """The corpus copy with mistakes in its registry: `[lby]` gets `kind =
    "nation"` and `born = 1951`, `[martin-e-berry]` gets `anon = "yes"` and
    `wikidata = 42`, the claim `hegemonic-policy` an unknown author, and a
    second registry file (`people.toml`, listed in newsmark.toml) defines
    `john-kirby` and `claims.lawful-right` again."""

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params):
        return None

    registry = corpus_dir / "entities.toml"
    text = registry.read_text()
    for old, new in [
        ('[lby]\nkind = "country"\n', '[lby]\nkind = "nation"\nborn = 1951\n'),
        ('[martin-e-berry]\nkind = "person"\n', '[martin-e-berry]\nkind = "person"\nanon = "yes"\nwikidata = 42\n'),
        ('[claims.hegemonic-policy]\ntext = "The West\'s hegemonic policy justifies Russia\'s military action in Ukraine."\nauthor = "@prk"\n',
         '[claims.hegemonic-policy]\ntext = "The West\'s hegemonic policy justifies Russia\'s military action in Ukraine."\nauthor = "@north-korea"\n'),
    ]:
        assert old in text, old
        text = text.replace(old, new, 1)
    registry.write_text(text)
    config = corpus_dir / "newsmark.toml"
    config.write_text(config.read_text().replace('registry = ["entities.toml"]', 'registry = ["entities.toml", "people.toml"]'))
    (corpus_dir / "people.toml").write_text(
        '[john-kirby]\nkind = "person"\nname = "John F. Kirby"\n\n[claims.lawful-right]\ntext = "Arms trade is a sovereign right."\n'
    )
    await lsp_client.initialize_session(initialize_params(corpus_dir))
    lsp_client.corpus_dir = corpus_dir
    yield
    await lsp_client.shutdown_session()


def findings(client: LanguageClient, path: pathlib.Path) -> list[tuple[str, str, str]]:
    """(code, covered text, message without help) of each published diagnostic, sorted."""
    text = path.read_text()
    return sorted(
        (d.code, covered(text, d.range), d.message.split("\nhelp: ")[0]) for d in client.diagnostics.get(path.as_uri(), [])
    )


async def test_registry_diagnostics_unknown_keys_bad_values_and_duplicates(registry_client: LanguageClient):
    """On a temporary copy of the corpus (see `registry_client`)."""
    client = registry_client
    registry = client.corpus_dir / "entities.toml"
    people = client.corpus_dir / "people.toml"
    await wait_for(lambda: len(client.diagnostics.get(registry.as_uri(), [])) >= 5 and client.diagnostics.get(people.as_uri()))
    await asyncio.sleep(0.2)
    assert findings(client, registry) == sorted([
        ("config", '"nation"', "`kind` must be one of: person, organization, country, place, outlet, event, group"),
        ("config", "born", "unknown entity key `born`; known keys: kind, name, aka, wikidata, description, role, anon, url"),
        ("config", '"yes"', "`anon` must be true or false"),
        ("config", "42", "`wikidata` must be a string"),
        ("unknown-entity", "hegemonic-policy", "claim `hegemonic-policy`: author unknown entity `@north-korea`"),
    ])
    assert findings(client, people) == [
        ("duplicate-id", "john-kirby", "`john-kirby` is already defined in another registry file"),
        ("duplicate-id", "lawful-right", "`claims.lawful-right` is already defined in another registry file"),
    ]
    assert all(d.severity == types.DiagnosticSeverity.Error for p in (registry, people) for d in client.diagnostics[p.as_uri()])


async def test_an_entity_defined_twice_in_entities_toml(client: LanguageClient):
    """Typing a second `[kcna]` table into entities.toml (in the editor)."""
    registry = client.corpus_dir / "entities.toml"
    text = open_doc(client, registry)
    new = text + '\n[kcna]\nkind = "outlet"\nname = "KCNA"\n'
    change(client, registry, new, 2)
    await wait_for(lambda: client.diagnostics.get(registry.as_uri()))
    diags = client.diagnostics[registry.as_uri()]
    header = next(d for d in diags if d.range.start.line == new.count("\n") - 3)
    assert header.code == "config" and header.severity == types.DiagnosticSeverity.Error
    assert header.message.startswith("`kcna` is defined twice: keep one `[kcna]` table"), header.message
    # One finding for the repeated table, not one per repeated key.
    assert len(diags) == 1, diags
    assert covered(new, header.range) == "kcna" and line_of(new, header.range) == "[kcna]"
    # The rest of the registry still loads: nothing lights up in the articles.
    await asyncio.sleep(0.2)
    assert not any(d.code == "unknown-entity" for ds in client.diagnostics.values() for d in ds)


# ---------------------------------------------------------------- two workspace folders


SECOND_ARTICLE = """+++
id = "manila-times-2022-09-22"
title = "A desk note"
outlet = "@desk"
published = 2023-01-05
+++
[Pyongyang]{@prk} said on [Thursday]{.date when=2023-01-05} that [Kirby]{@john-kirby} was wrong, repeating [its denial]{.claim by=@prk src=wsj-2022-09-22}.
"""

SECOND_REGISTRY = """[prk]
kind = "country"
name = "DPRK (second root)"
description = "The second corpus's own entry."

[desk]
kind = "outlet"
name = "Desk"
"""


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BIN, "lsp"]))
async def two_roots_client(lsp_client: LanguageClient, corpus_dir, tmp_path):
    """Two workspace folders: the corpus copy, and a small second corpus that
    reuses the source id `manila-times-2022-09-22` and the entity id `prk`
    for its own things, and refers to `@john-kirby` and `wsj-2022-09-22`,
    which only the first corpus defines."""

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params):
        return None

    second = tmp_path / "second"
    second.mkdir()
    (second / "newsmark.toml").write_text('registry = ["entities.toml"]\n')
    (second / "entities.toml").write_text(SECOND_REGISTRY)
    (second / "note.news").write_text(SECOND_ARTICLE)
    params = initialize_params(corpus_dir)
    params.workspace_folders.append(types.WorkspaceFolder(uri=second.as_uri(), name="second"))
    await lsp_client.initialize_session(params)
    lsp_client.corpus_dir = corpus_dir
    lsp_client.second_dir = second
    yield
    await lsp_client.shutdown_session()


async def test_two_workspace_folders_are_two_corpora(two_roots_client: LanguageClient):
    client = two_roots_client
    note = client.second_dir / "note.news"
    wsj = files(client)["wsj-2022-09-22"]
    # Diagnostics in both roots.
    await wait_for(lambda: "garbled-token" in [d.code for d in client.diagnostics.get(wsj.as_uri(), [])])
    await wait_for(lambda: len(client.diagnostics.get(note.as_uri(), [])) >= 2)
    assert [(c, t) for c, t, _ in findings(client, note)] == [("unknown-entity", "john-kirby"), ("unknown-source", "wsj-2022-09-22")]
    # The ids each root declares do not clash with the other's.
    await asyncio.sleep(0.2)
    assert not any(d.code in ("duplicate-id", "unknown-entity", "unknown-source") for p in files(client).values() for d in client.diagnostics.get(p.as_uri(), []))
    assert not any(d.code == "duplicate-id" for ds in client.diagnostics.values() for d in ds)
    # Hover: each root's own `@prk`, dates against each root's article.
    text = open_doc(client, note)
    card = (await hover_at(client, note, text, "[Pyongyang]{@prk}", 2)).contents.value
    assert card.startswith("**DPRK (second root)** · country"), card
    assert "1 mention; referred to in 1 source" in card and "First appearance: Desk, 2023-01-05 (A desk note)" in card
    hover = await hover_at(client, note, text, "[Thursday]", 2)
    assert hover.contents.value == "**Thursday** → `2023-01-05`, a Thursday  \nthe day of publication"
    ap = files(client)[AP]
    ap_text = open_doc(client, ap)
    card = (await hover_at(client, ap, ap_text, "[Pyongyang]{@prk}", 2)).contents.value
    assert card.startswith("**North Korea** · country") and "referred to in 5 sources" in card, card
    # AP's `src=manila-times-2022-09-22` is the Manila Times story, not the note.
    result = await definition_at(client, ap, ap_text, f"src={MANILA}", 6)
    assert [r.uri for r in result] == [files(client)[MANILA].as_uri()]
    hover = await hover_at(client, ap, ap_text, f"src={MANILA}", 6)
    assert "The Manila Times · 2022-09-22" in hover.contents.value


# ---------------------------------------------------------------- workspace symbols


async def test_fuzzy_workspace_symbols(client: LanguageClient):
    registry = (client.corpus_dir / "entities.toml").read_text()
    for query in ("kmjngun", "KmJnGun"):
        result = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=query))
        assert [s.name for s in result] == ["@kim-jong-un"], (query, result)
        (symbol,) = result
        assert symbol.kind == types.SymbolKind.Object and symbol.container_name == "Kim Jong Un"
        assert line_of(registry, symbol.location.range) == "[kim-jong-un]"
    result = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="ap1108"))
    assert [(s.name, s.kind, s.container_name) for s in result] == [
        (AP, types.SymbolKind.File, "North Korea Criticizes US for Increasing Arms Supply to Russia")
    ]
    assert result[0].location.uri == files(client)[AP].as_uri()


# ---------------------------------------------------------------- code actions


async def test_annotate_an_unannotated_name_here_and_everywhere(client: LanguageClient):
    """`Syria` is annotated in four stories; un-annotate it in each (in the
    editor) and the server offers to annotate it again, here or everywhere."""
    edited = {}
    for path in sorted(client.corpus_dir.glob("*.news")):
        text = path.read_text()
        if "[Syria]{@syr}" in text:
            open_doc(client, path)
            edited[path] = text.replace("[Syria]{@syr}", "Syria")
            change(client, path, edited[path], 2)
    assert len(edited) == 4
    registry = client.corpus_dir / "entities.toml"
    await wait_for(lambda: any(d.code == "unused-entity" and "`syr`" in d.message for d in client.diagnostics.get(registry.as_uri(), [])))
    ap = files(client)[AP]
    actions = await actions_at(client, ap, edited[ap], "Syria", 2)
    titles = [a.title for a in actions]
    # The corpus-wide action's edit is worked out when it is picked
    # (`codeAction/resolve`): finding it reads every article.
    assert titles == ["Annotate “Syria” as @syr", "Annotate every “Syria” as @syr"], titles
    here, everywhere = actions
    assert everywhere.edit is None
    everywhere = await client.code_action_resolve_async(everywhere)
    assert edits_of(here) == [(ap.name, types.Range(start=pos(edited[ap], "Syria"), end=pos(edited[ap], "Syria", 5)), "[Syria]{@syr}")]
    assert edits_of(everywhere) == sorted(
        ((p.name, types.Range(start=pos(t, "Syria"), end=pos(t, "Syria", 5)), "[Syria]{@syr}") for p, t in edited.items()),
        key=lambda e: e[0],
    )


async def test_add_an_unknown_entity_to_the_registry(client: LanguageClient):
    ap = files(client)[AP]
    text = open_doc(client, ap)
    new = text.replace("the Ukrainian army", "[the Ukrainian army]{@ukr-army}")
    change(client, ap, new, 2)
    await wait_for(lambda: any(d.code == "unknown-entity" for d in client.diagnostics.get(ap.as_uri(), [])))
    actions = await actions_at(client, ap, new, "{@ukr-army}", 4)
    add = [a for a in actions if a.title == "Add `ukr-army` to the registry"]
    assert len(add) == 1, [a.title for a in actions]
    assert add[0].kind == types.CodeActionKind.QuickFix
    assert [d.code for d in add[0].diagnostics] == ["unknown-entity"]
    registry = (client.corpus_dir / "entities.toml").read_text()
    end = pos_end(registry, len(registry))
    assert edits_of(add[0]) == [("entities.toml", types.Range(start=end, end=end), '\n[ukr-army]\nkind = "person"\nname = "ukr-army"\n')]


async def test_fixes_for_boilerplate_and_dates(client: LanguageClient):
    # Boilerplate: marked deleted, the text kept.
    blog = files(client)["bbc-mirror-2022-09-22"]
    text = open_doc(client, blog)
    await wait_for(lambda: any(d.code == "scrape-boilerplate" for d in client.diagnostics.get(blog.as_uri(), [])))
    (action,) = await actions_at(client, blog, text, "\nLeave a Reply", 3)
    assert action.title == "Mark as deleted (`{--…--}` keeps the text)"
    assert [d.code for d in action.diagnostics] == ["scrape-boilerplate"]
    assert edits_of(action) == [(blog.name, types.Range(start=pos(text, "Leave a Reply"), end=pos(text, "Leave a Reply", 13)), "{--Leave a Reply--}")]
    # A weekday that does not match `when=`: set the date that matches.
    ap = files(client)[AP]
    text = open_doc(client, ap)
    wrong = text.replace("[Tuesday]{.date when=2022-11-08}", "[Tuesday]{.date when=2022-11-09}", 1)
    change(client, ap, wrong, 2)
    await wait_for(lambda: any(d.code == "weekday-mismatch" for d in client.diagnostics.get(ap.as_uri(), [])))
    (action,) = await actions_at(client, ap, wrong, "[Tuesday]{.date when=2022-11-09}", 3)
    assert action.title == "Set `when=2022-11-08` (Tuesday)"
    at = wrong.index("when=2022-11-09") + len("when=")
    assert edits_of(action) == [(ap.name, types.Range(start=pos_end(wrong, at), end=pos_end(wrong, at + 10)), "2022-11-08")]
    # A relative date with no `when=`: resolved against `published`.
    bare = text.replace("[Tuesday]{.date when=2022-11-08}", "[Tuesday]{.date}", 1)
    change(client, ap, bare, 3)
    await wait_for(lambda: any(d.code == "unresolved-relative-date" for d in client.diagnostics.get(ap.as_uri(), [])))
    (action,) = await actions_at(client, ap, bare, "[Tuesday]{.date}", 3)
    assert action.title == "Resolve to `when=2022-11-08`"
    at = pos(bare, "[Tuesday]{.date}", len("[Tuesday]{.date"))
    assert edits_of(action) == [(ap.name, types.Range(start=at, end=at), " when=2022-11-08")]
