#!/usr/bin/env bash
# End-to-end tests of the Neovim plugin (editors/nvim) on a real headless
# Neovim: diagnostics, hover, go-to-definition, a code action and tree-sitter
# captures, on a temp copy of corpus/ with `newsmark lsp`.
#
#   NEWSMARK_BIN=target/debug/newsmark bash tests/nvim/run.sh
#
# Builds nothing but the tree-sitter parser (the plugin does, into a temp
# folder). Needs nvim (0.7+) and a C compiler. Exit code: the test's.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="${NEWSMARK_BIN:-$REPO/target/debug/newsmark}"
case "$BIN" in /*) ;; *) BIN="$PWD/$BIN" ;; esac

if [ ! -x "$BIN" ]; then
  echo "error: no server binary at $BIN: run 'cargo build --bin newsmark' or set NEWSMARK_BIN" >&2
  exit 2
fi
if ! command -v nvim >/dev/null; then
  echo "error: nvim is not installed (apt-get install -y neovim)" >&2
  exit 2
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

cp -R "$REPO/corpus" "$TMP/corpus"
mkdir -p "$TMP/bin" "$TMP/config" "$TMP/data" "$TMP/state" "$TMP/cache" "$TMP/site"
ln -s "$BIN" "$TMP/bin/newsmark"

export PATH="$TMP/bin:$PATH"
export XDG_CONFIG_HOME="$TMP/config" XDG_DATA_HOME="$TMP/data"
export XDG_STATE_HOME="$TMP/state" XDG_CACHE_HOME="$TMP/cache"
export NEWSMARK_REPO="$REPO" NEWSMARK_TEST_CORPUS="$TMP/corpus" NEWSMARK_TEST_SITE="$TMP/site"

echo "$(nvim --version | head -n 1); server: $BIN"
status=0
(cd "$TMP" && timeout "${NEWSMARK_NVIM_TIMEOUT:-300}" nvim --headless -n \
  -u "$REPO/tests/nvim/minimal_init.lua" \
  -c "lua dofile(os.getenv('NEWSMARK_REPO') .. '/tests/nvim/e2e.lua')") </dev/null || status=$?
if [ "$status" -eq 124 ]; then
  echo "error: headless Neovim timed out" >&2
fi
exit "$status"
