"""Position encoding negotiation: UTF-8 when the client offers it."""

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from conftest import BIN, initialize_params


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BIN, "lsp"]))
async def utf8_client(lsp_client: LanguageClient, corpus_dir):
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params):
        return None

    lsp_client.init_result = await lsp_client.initialize_session(initialize_params(corpus_dir, utf8=True))
    lsp_client.corpus_dir = corpus_dir
    yield
    await lsp_client.shutdown_session()


async def test_utf8_is_negotiated_and_used(utf8_client: LanguageClient):
    assert utf8_client.init_result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    path = next(p for p in sorted(utf8_client.corpus_dir.glob("*.news")) if "“" in p.read_text())
    text = path.read_text()
    utf8_client.text_document_did_open(
        types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=path.as_uri(), language_id="newsmark", version=1, text=text))
    )
    # Hover on the first mention after a curly quote on the same line, by byte column.
    for line_no, line in enumerate(text.split("\n")):
        q = line.find("“")
        m = line.find("]{@", q + 1) if q >= 0 else -1
        if m > 0:
            start = line.rfind("[", 0, m)
            if start > q:
                break
    column = len(line[: start + 1].encode("utf-8"))
    hover = await utf8_client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=types.Position(line=line_no, character=column))
    )
    assert hover is not None
    assert hover.range.start.character == column, (hover.range, column)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BIN, "lsp"]))
async def rules_client(lsp_client: LanguageClient, corpus_dir):
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params):
        return None

    params = initialize_params(corpus_dir)
    params.initialization_options = {"debounceMs": 0, "rules": {"garbled-token": "error", "scrape-boilerplate": "off"}}
    await lsp_client.initialize_session(params)
    lsp_client.corpus_dir = corpus_dir
    yield
    await lsp_client.shutdown_session()


async def test_editor_rule_settings_override_severities(rules_client: LanguageClient):
    """`initializationOptions.rules` (the VS Code `newsmark.rules` setting) sets severities."""
    import asyncio

    wsj = rules_client.corpus_dir / "003_f550be25ed6773a1.news"
    for _ in range(300):
        diags = rules_client.diagnostics.get(wsj.as_uri(), [])
        if any(d.code == "garbled-token" for d in diags):
            break
        await asyncio.sleep(0.05)
    garbled = [d for d in diags if d.code == "garbled-token"]
    assert garbled and all(d.severity == types.DiagnosticSeverity.Error for d in garbled)
    assert not any(d.code == "scrape-boilerplate" for d in diags)
