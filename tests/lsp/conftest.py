"""End-to-end tests of `newsmark lsp`, driven over stdio by pytest-lsp.

The server runs on a copy of the shipped corpus (corpus/) in a temporary
folder, so tests that edit files on disk cannot disturb each other.
"""

import os
import pathlib
import shutil

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

REPO = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("NEWSMARK_BIN", str(REPO / "target" / "debug" / "newsmark"))


@pytest.fixture
def corpus_dir(tmp_path):
    dest = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", dest)
    return dest


def initialize_params(root: pathlib.Path, utf8: bool = False, resolve: bool = True) -> types.InitializeParams:
    caps = client_capabilities("visual-studio-code")
    if not resolve:
        # An editor that cannot fill in a code action later (Neovim 0.7).
        caps.text_document.code_action.resolve_support = None
    if utf8:
        caps.general = types.GeneralClientCapabilities(
            position_encodings=[types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16]
        )
    return types.InitializeParams(
        capabilities=caps,
        root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="corpus")],
        initialization_options={"debounceMs": 0},
    )


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BIN, "lsp"]))
async def client(lsp_client: LanguageClient, corpus_dir):
    lsp_client.registrations = []

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams):
        lsp_client.registrations.extend(params.registrations)

    await lsp_client.initialize_session(initialize_params(corpus_dir))
    lsp_client.corpus_dir = corpus_dir
    yield
    await lsp_client.shutdown_session()
