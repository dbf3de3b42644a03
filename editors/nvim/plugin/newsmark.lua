-- Newsmark: loaded once at startup. Works with no configuration: filetype
-- detection for *.news, tree-sitter highlighting and `newsmark lsp` (when
-- `newsmark` is on PATH). Call require('newsmark').setup(opts) to override;
-- set vim.g.newsmark_no_auto_setup = 1 to set up only when you call it.
if vim.g.loaded_newsmark then
  return
end
vim.g.loaded_newsmark = 1

if vim.fn.has('nvim-0.7') ~= 1 then
  vim.api.nvim_err_writeln('newsmark: Neovim 0.7 or newer is required')
  return
end

local newsmark = require('newsmark')
if not newsmark._did_setup and vim.g.newsmark_no_auto_setup ~= 1 then
  newsmark.setup()
end
