"""`newsmark lsp` over stdio on a copy of the shipped corpus."""

import asyncio
import json
import pathlib
import re
import subprocess

import pytest
from lsprotocol import types
import pytest_lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from conftest import BIN, REPO, initialize_params


def pos(text: str, needle: str, delta: int = 0, nth: int = 0) -> types.Position:
    """The UTF-16 position of the `nth` occurrence of `needle`, plus `delta` characters."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    offset = start + delta
    line = text.count("\n", 0, offset)
    line_start = text.rfind("\n", 0, offset) + 1
    col = len(text[line_start:offset].encode("utf-16-le")) // 2
    return types.Position(line=line, character=col)


def files(client) -> dict[str, pathlib.Path]:
    """Article files by their front matter `id`."""
    out = {}
    for f in sorted(client.corpus_dir.glob("*.news")):
        m = re.search(r'(?m)^id = "([^"]+)"', f.read_text())
        out[m.group(1) if m else f.stem] = f
    return out


def find_file(client, needle: str) -> pathlib.Path:
    for f in sorted(client.corpus_dir.glob("*.news")):
        if needle in f.read_text():
            return f
    raise AssertionError(f"no corpus file contains {needle!r}")


def open_doc(client: LanguageClient, path: pathlib.Path, version: int = 1) -> str:
    text = path.read_text()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=path.as_uri(), language_id="newsmark", version=version, text=text)
        )
    )
    return text


async def wait_for(predicate, timeout: float = 15.0):
    """Polls until `predicate()` is truthy."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.05)


def codes(client, path: pathlib.Path) -> list[str]:
    return [d.code for d in client.diagnostics.get(path.as_uri(), [])]


def append(client: LanguageClient, path: pathlib.Path, tail: str) -> str:
    """Opens `path` and adds `tail` to its end in the editor (version 2);
    returns the new text."""
    new_text = open_doc(client, path) + tail
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=new_text)],
        )
    )
    return new_text


async def test_diagnostics_for_the_corpus_and_progress(client: LanguageClient):
    wsj = find_file(client, "src950s")
    await wait_for(lambda: "garbled-token" in codes(client, wsj))
    garbled = [d for d in client.diagnostics[wsj.as_uri()] if d.code == "garbled-token"]
    assert any("1950s" in d.message for d in garbled), garbled
    assert any("12:25" in d.message for d in garbled), garbled
    # Boilerplate and broken sentences elsewhere in the corpus, without opening them.
    await wait_for(lambda: any("scrape-boilerplate" in codes(client, f) for f in client.corpus_dir.glob("*.news")))
    ap = find_file(client, "ministry in a statement")
    await wait_for(lambda: "broken-sentence" in codes(client, ap))
    # Indexing reported progress begin/end.
    await wait_for(lambda: any(any(getattr(v, "kind", "") == "end" for v in vals) for vals in client.progress_reports.values()))


async def test_published_diagnostics_equal_cli_json(client: LanguageClient):
    """Parity: the server publishes what `newsmark check --format json` prints."""
    out = subprocess.run([BIN, "check", "--format", "json", "."], cwd=client.corpus_dir, capture_output=True, text=True, check=False)
    cli = json.loads(out.stdout)
    expected = sorted((str(client.corpus_dir / f["path"]), f["code"], f["line"] - 1, f["column"] - 1, f["message"]) for f in cli)
    assert expected, "the shipped corpus has findings"
    paths = {e[0] for e in expected}
    await wait_for(lambda: all(pathlib.Path(p).as_uri() in client.diagnostics for p in paths))
    await asyncio.sleep(0.3)
    got = []
    for uri, diags in client.diagnostics.items():
        for d in diags:
            path = str(pathlib.Path(uri.removeprefix("file://")))
            # The server appends the help line to the message.
            got.append((path, d.code, d.range.start.line, d.range.start.character, d.message.split("\nhelp: ")[0]))
    assert sorted(got) == expected


async def test_removing_a_registry_entry_lights_up_mentions_elsewhere(client: LanguageClient):
    registry = client.corpus_dir / "entities.toml"
    text = open_doc(client, registry)
    mentioned = find_file(client, "@kcna")
    start = text.index("[kcna]")
    end = text.find("\n[", start + 1)
    end = len(text) if end == -1 else end + 1
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=registry.as_uri(), version=2),
            content_changes=[types.TextDocumentContentChangePartial(range=types.Range(start=pos(text, "[kcna]"), end=pos_end(text, end)), text="")],
        )
    )
    await wait_for(lambda: any(d.code == "unknown-entity" and "kcna" in d.message for d in client.diagnostics.get(mentioned.as_uri(), [])))


def pos_end(text: str, offset: int) -> types.Position:
    line = text.count("\n", 0, offset)
    line_start = text.rfind("\n", 0, offset) + 1
    return types.Position(line=line, character=len(text[line_start:offset].encode("utf-16-le")) // 2)


async def test_hover_entity_card(client: LanguageClient):
    path = find_file(client, "]{@prk}")
    text = open_doc(client, path)
    i = text.index("]{@prk}")
    start = text.rindex("[", 0, i)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=pos_end(text, start + 2))
    )
    assert hover is not None
    value = hover.contents.value
    assert "**North Korea**" in value and "country" in value, value
    assert re.search(r"\d+ mentions; referred to in 5 sources", value), value
    assert "First appearance" in value, value


async def test_hover_date_and_quote(client: LanguageClient):
    path = find_file(client, "claim=no-arms-exports")
    text = open_doc(client, path)
    date_at = text.index("{.date when=20")
    date_start = text.rindex("[", 0, date_at)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=pos_end(text, date_start + 1))
    )
    assert hover is not None and "→ `20" in hover.contents.value, hover
    q = text.index("claim=no-arms-exports")
    inside = text.rindex("]{", 0, q) - 3  # in the quote's own words
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=pos_end(text, inside))
    )
    assert hover is not None
    assert "claim `no-arms-exports`" in hover.contents.value
    assert "Carried by" in hover.contents.value


async def test_definition_into_registry_and_across_articles(client: LanguageClient):
    path = find_file(client, "src=")
    text = open_doc(client, path)
    src = re.search(r"src=([\w-]+)#([\w-]+)", text)
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=pos_end(text, src.start(2) + 1))
    )
    assert result and len(result) == 1
    target = pathlib.Path(result[0].uri.removeprefix("file://"))
    assert target != path and target.suffix == ".news"
    target_text = target.read_text()
    assert f"#{src.group(2)}" in target_text
    # Mention to registry.
    at = text.index("{@")
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=pos_end(text, at + 2))
    )
    assert result and result[0].uri.endswith("entities.toml")


async def test_references_and_rename_across_the_corpus(client: LanguageClient):
    path = find_file(client, "by=@prk-mnd-official")
    text = open_doc(client, path)
    at = text.index("by=@prk-mnd-official") + 5
    refs = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            position=pos_end(text, at),
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    uris = {r.uri for r in refs}
    assert len(uris) >= 3 and any(u.endswith("entities.toml") for u in uris), uris
    prep = await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=pos_end(text, at))
    )
    assert prep.placeholder == "prk-mnd-official"
    edit = await client.text_document_rename_async(
        types.RenameParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=pos_end(text, at), new_name="dprk-mnd-official")
    )
    assert set(edit.changes) >= uris
    assert all(e.new_text == "dprk-mnd-official" for edits in edit.changes.values() for e in edits)
    # The server never writes: files on disk are unchanged.
    assert path.read_text() == text


async def test_completion_of_ids_kinds_and_sources(client: LanguageClient):
    path = find_file(client, "]{@prk}")
    new_text = append(client, path, "\n\n[Seoul]{@")
    end = pos_end(new_text, len(new_text))
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=end)
    )
    items = result if isinstance(result, list) else result.items
    labels = {i.label for i in items}
    assert "@prk" in labels, labels
    prk = next(i for i in items if i.label == "@prk")
    assert prk.detail == "North Korea"


async def test_code_action_writes_the_correction(client: LanguageClient):
    path = find_file(client, "src950s")
    text = open_doc(client, path)
    await wait_for(lambda: "garbled-token" in codes(client, path))
    at = text.index("src950s")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            range=types.Range(start=pos_end(text, at), end=pos_end(text, at + 7)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    edits = [e.new_text for a in actions for es in (a.edit.changes or {}).values() for e in es]
    assert "{~~src950s~>1950s~~}" in edits, edits


async def test_symbols_folding_inlay_hints_and_lenses(client: LanguageClient):
    path = find_file(client, "claim=no-arms-exports")
    text = open_doc(client, path)
    uri = types.TextDocumentIdentifier(uri=path.as_uri())
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=uri))
    kinds = {s.kind for s in symbols}
    assert types.SymbolKind.String in kinds and types.SymbolKind.Number in kinds, kinds
    ws = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="prk"))
    assert any(s.name == "@prk" for s in ws)
    folds = await client.text_document_folding_range_async(types.FoldingRangeParams(text_document=uri))
    assert folds and folds[0].start_line == 0
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=uri, range=types.Range(start=types.Position(line=0, character=0), end=pos_end(text, len(text))))
    )
    assert any(str(h.label).startswith("→") for h in hints), hints
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(text_document=uri))
    assert any(re.match(r"quoted by \d+ of 5 outlets", l.command.title) for l in lenses), [l.command.title for l in lenses]


async def test_pull_diagnostics(client: LanguageClient):
    path = find_file(client, "src950s")
    open_doc(client, path)
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri()))
    )
    assert any(d.code == "garbled-token" for d in report.items)


async def test_bad_requests_get_answers_not_crashes(client: LanguageClient):
    missing = (client.corpus_dir / "nope.news").as_uri()
    with pytest.raises(Exception):
        await client.text_document_hover_async(
            types.HoverParams(text_document=types.TextDocumentIdentifier(uri=missing), position=types.Position(line=0, character=0))
        )
    # A code action to resolve that this server did not offer, or whose
    # document is gone: an error, not a crash.
    for data in (None, {"uri": missing, "deferred": {"annotateEvery": {"name": "X", "id": "x"}}}, {"deferred": 3}):
        with pytest.raises(Exception):
            await client.code_action_resolve_async(types.CodeAction(title="Annotate every “X” as @x", data=data))
    path = find_file(client, "src950s")
    text = open_doc(client, path, version=5)
    # Out of range: clamped, answered.
    await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=types.Position(line=10_000, character=99))
    )
    # A stale version is ignored (logged), the document keeps its text.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=3),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="garbage [")],
        )
    )
    await wait_for(lambda: any("stale" in m.message for m in client.log_messages))
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri()))
    )
    assert not any(d.code == "syntax" for d in report.items)
    assert "src950s" in text


async def test_semantic_tokens_cover_attributes(client: LanguageClient):
    path = find_file(client, "]{@prk}")
    open_doc(client, path)
    tokens = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri()))
    )
    data = tokens.data
    assert len(data) % 5 == 0 and len(data) > 50
    # Token type 0 (variable) is an entity reference like `@prk`.
    assert 0 in data[3::5]


async def test_config_change_takes_effect_without_restart(client: LanguageClient):
    wsj = find_file(client, "src950s")
    await wait_for(lambda: "garbled-token" in codes(client, wsj))
    config = client.corpus_dir / "newsmark.toml"
    text = open_doc(client, config)
    new = text.replace("[rules]", "[rules]\ngarbled-token = \"off\"")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=config.as_uri(), version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=new)],
        )
    )
    await wait_for(lambda: "garbled-token" not in codes(client, wsj))
    # A bad value in the config is a diagnostic on the config itself.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=config.as_uri(), version=3),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="colour = 1\n" + new)],
        )
    )
    await wait_for(lambda: any("unknown key `colour`" in d.message for d in client.diagnostics.get(config.as_uri(), [])))


async def test_files_changed_outside_the_editor_are_picked_up(client: LanguageClient):
    await wait_for(lambda: client.registrations)
    assert any(r.method == "workspace/didChangeWatchedFiles" for r in client.registrations)
    new = client.corpus_dir / "pulled.news"
    new.write_text("+++\nid = \"pulled\"\n+++\n[Someone]{@nobody-known} said it dates to the src960s.\n")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=new.as_uri(), type=types.FileChangeType.Created)])
    )
    await wait_for(lambda: {"unknown-entity", "garbled-token"} <= set(codes(client, new)))
    # The file turns into binary: it leaves the corpus, its diagnostics clear.
    new.write_bytes(b"\x00\x01binary")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=new.as_uri(), type=types.FileChangeType.Changed)])
    )
    await wait_for(lambda: codes(client, new) == [])
    await wait_for(lambda: any("NUL byte" in m.message for m in client.log_messages))


async def test_registry_hover_and_references_from_an_entry(client: LanguageClient):
    registry = client.corpus_dir / "entities.toml"
    text = open_doc(client, registry)
    at = text.index("[prk]") + 2
    uri = types.TextDocumentIdentifier(uri=registry.as_uri())
    hover = await client.text_document_hover_async(types.HoverParams(text_document=uri, position=pos_end(text, at)))
    assert "**North Korea**" in hover.contents.value
    refs = await client.text_document_references_async(
        types.ReferenceParams(text_document=uri, position=pos_end(text, at), context=types.ReferenceContext(include_declaration=False))
    )
    assert len({r.uri for r in refs}) == 5, refs
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(text_document=uri))
    assert any(re.match(r"\d+ mentions in 5 sources", l.command.title) for l in lenses)


async def test_annotate_a_mention_everywhere_and_add_to_registry(client: LanguageClient):
    path = find_file(client, "]{@prk}")
    new_text = append(client, path, "\n\nNorth Korea and [Someone New]{@someone-new}, again North Korea.\n")
    await wait_for(lambda: "unknown-entity" in codes(client, path))
    at = new_text.rindex("North Korea and") + 3
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            range=types.Range(start=pos_end(new_text, at), end=pos_end(new_text, at)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    titles = [a.title for a in actions]
    assert "Annotate “North Korea” as @prk" in titles, titles
    # VS Code resolves code actions, so the corpus-wide one comes without
    # its edit (working it out reads every article) until it is picked.
    everywhere = next(a for a in actions if a.title == "Annotate every “North Korea” as @prk")
    assert everywhere.edit is None and everywhere.data, everywhere
    everywhere = await client.code_action_resolve_async(everywhere)
    edits = [e for es in everywhere.edit.changes.values() for e in es]
    assert len(edits) >= 2 and all(e.new_text == "[North Korea]{@prk}" for e in edits)
    unknown_at = new_text.index("@someone-new") + 3
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            range=types.Range(start=pos_end(new_text, unknown_at), end=pos_end(new_text, unknown_at)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    add = next(a for a in actions if a.title == "Add `someone-new` to the registry")
    (uri, edits), = add.edit.changes.items()
    assert uri.endswith("entities.toml") and "[someone-new]" in edits[0].new_text


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BIN, "lsp"]))
async def no_resolve_client(lsp_client: LanguageClient, corpus_dir):
    """A client that does not resolve code actions: it gets every edit at once."""

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params):
        return None

    await lsp_client.initialize_session(initialize_params(corpus_dir, resolve=False))
    lsp_client.corpus_dir = corpus_dir
    yield
    await lsp_client.shutdown_session()


async def test_annotate_everywhere_comes_whole_to_a_client_that_cannot_resolve(no_resolve_client: LanguageClient):
    client = no_resolve_client
    path = find_file(client, "]{@prk}")
    new_text = append(client, path, "\n\nNorth Korea and again North Korea.\n")
    at = new_text.rindex("North Korea and") + 3
    actions = []
    for _ in range(100):
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
                range=types.Range(start=pos_end(new_text, at), end=pos_end(new_text, at)),
                context=types.CodeActionContext(diagnostics=[]),
            )
        )
        if any(a.title.startswith("Annotate every") for a in actions):
            break
        await asyncio.sleep(0.05)
    everywhere = next(a for a in actions if a.title.startswith("Annotate every “North Korea” as @prk ("))
    assert re.fullmatch(r"Annotate every “North Korea” as @prk \((\d+) in (\d+) files\)", everywhere.title), everywhere.title
    edits = [e for es in everywhere.edit.changes.values() for e in es]
    count = int(re.search(r"\((\d+) in", everywhere.title).group(1))
    assert len(edits) == count >= 2 and everywhere.data is None


async def test_hover_in_the_config_shows_a_rule(client: LanguageClient):
    config = client.corpus_dir / "newsmark.toml"
    text = open_doc(client, config)
    uri = types.TextDocumentIdentifier(uri=config.as_uri())
    hover = await client.text_document_hover_async(types.HoverParams(text_document=uri, position=pos(text, "anonymous-source", 3)))
    assert "rule `anonymous-source`" in hover.contents.value, hover
    assert "configured: `info`" in hover.contents.value, hover
    hover = await client.text_document_hover_async(types.HoverParams(text_document=uri, position=pos(text, "exclude", 2)))
    assert "**`exclude`**" in hover.contents.value, hover


async def test_linking_two_unlinked_quotes_edits_both_files(client: LanguageClient):
    # Not in the shipped corpus, so the pair has no claim to join.
    quote = "The committee will publish its findings on the reservoir collapse, and it will do so before the spring"
    first = client.corpus_dir / "zz-first.news"
    second = client.corpus_dir / "zz-second.news"
    first.write_text(f"[“{quote}”]{{.quote by=@prk}}\n")
    second.write_text(f"It said [“{quote.replace(', and', ' and')}.”]{{.quote by=@prk}}\n")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=p.as_uri(), type=types.FileChangeType.Created) for p in (first, second)]
        )
    )
    await wait_for(lambda: "unlinked-quote" in codes(client, second))
    text = open_doc(client, second)
    at = text.index("committee")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=second.as_uri()),
            range=types.Range(start=pos_end(text, at), end=pos_end(text, at)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    link = next(a for a in actions if a.title.startswith("Link these quotes under"))
    changes = link.edit.changes
    assert set(changes) == {first.as_uri(), second.as_uri()}, changes
    texts = {e.new_text for es in changes.values() for e in es}
    assert len(texts) == 1 and texts.pop().startswith(" claim=quote-"), changes
