-- Minimal init for the Neovim end-to-end tests: the plugin under test on the
-- runtimepath and nothing else (run.sh points the XDG folders at a temp dir,
-- so no user configuration or plugin is loaded).
local function repo_root()
  if os.getenv('NEWSMARK_REPO') then
    return os.getenv('NEWSMARK_REPO')
  end
  local src = debug.getinfo(1, 'S').source:gsub('^@', '')
  return vim.fn.fnamemodify(src, ':p:h:h:h')
end

local repo = repo_root()
vim.opt.runtimepath:prepend(repo .. '/editors/nvim')
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'
vim.opt.hidden = true
vim.lsp.set_log_level('warn')
