-- :checkhealth newsmark
local M = {}

-- vim.health.start/ok/... on 0.10+, vim.health.report_* on 0.8/0.9,
-- health#report_* on 0.7.
local function reporter()
  local h = vim.health
  if h and h.start then
    return h
  end
  if h and h.report_start then
    return {
      start = h.report_start,
      ok = h.report_ok,
      warn = h.report_warn,
      error = h.report_error,
      info = h.report_info,
    }
  end
  local function wrap(name)
    return function(msg, advice)
      if advice ~= nil then
        if type(advice) == 'string' then
          advice = { advice }
        end
        vim.fn['health#report_' .. name](msg, advice)
      else
        vim.fn['health#report_' .. name](msg)
      end
    end
  end
  return {
    start = wrap('start'),
    ok = wrap('ok'),
    warn = wrap('warn'),
    error = wrap('error'),
    info = wrap('info'),
  }
end

local function clients()
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ name = 'newsmark' })
  end
  local out = {}
  for _, c in pairs(vim.lsp.get_active_clients()) do
    if c.name == 'newsmark' then
      table.insert(out, c)
    end
  end
  return out
end

function M.check()
  local h = reporter()
  local newsmark = require('newsmark')
  local config = newsmark.config

  h.start('Neovim')
  local v = vim.version()
  local version = string.format('%d.%d.%d', v.major, v.minor, v.patch)
  if vim.fn.has('nvim-0.7') == 1 then
    h.ok('Neovim ' .. version)
  else
    h.error('Neovim ' .. version .. ': Newsmark needs 0.7 or newer')
  end
  h.info('LSP: ' .. newsmark.lsp_path())
  h.info('tree-sitter: ' .. newsmark.treesitter_path())
  if not newsmark._did_setup then
    h.warn('setup() has not run', {
      "plugin/newsmark.lua runs it unless vim.g.newsmark_no_auto_setup is set; call require('newsmark').setup()",
    })
  end

  h.start('Language server')
  if config.lsp == false then
    h.info('disabled (lsp = false)')
  else
    local cmd = config.cmd
    local exe = type(cmd) == 'table' and cmd[1] or nil
    if type(exe) ~= 'string' then
      h.error('cmd must be a list such as { "newsmark", "lsp" }')
    elseif vim.fn.executable(exe) ~= 1 then
      h.error('`' .. exe .. '` is not executable', {
        'Install the server: cargo install --path server (from the Newsmark repository)',
        "or point the plugin at it: require('newsmark').setup({ cmd = { '/path/to/newsmark', 'lsp' } })",
      })
    else
      local out = vim.fn.system({ exe, '--version' })
      out = vim.trim(out or '')
      if vim.v.shell_error ~= 0 then
        h.error('`' .. exe .. ' --version` failed: ' .. out)
      else
        h.ok(out .. ' (' .. vim.fn.exepath(exe) .. ')')
      end
      h.info('command: ' .. table.concat(cmd, ' '))
    end
    local running = clients()
    if #running == 0 then
      h.info('no server running (it starts when a .news file is opened)')
    end
    for _, c in ipairs(running) do
      h.info(string.format('client %d, root %s', c.id, tostring(c.config and c.config.root_dir)))
    end
  end

  h.start('Tree-sitter parser')
  if config.highlight == false then
    h.info('highlighting disabled (highlight = false)')
  else
    local found = newsmark._parser or newsmark.find_parser()
    local src = newsmark.grammar_src()
    local cc = newsmark.compiler()
    if found then
      local ok, err = newsmark.register_language(found)
      if ok then
        h.ok('parser loaded: ' .. found)
      else
        h.error('parser found but does not load: ' .. found .. ': ' .. tostring(err), {
          'Rebuild it: delete it and reopen a .news file, or run :NewsmarkBuildParser',
        })
      end
    elseif src and cc then
      h.ok(string.format(
        'not built yet: it will be built on first use with `%s` from %s into %s',
        table.concat(cc, ' '),
        src,
        newsmark.parser_target()
      ))
    elseif not src then
      h.error('no parser/newsmark.so on the runtimepath and no grammar sources to build one', {
        'Keep the plugin inside the Newsmark repository (editors/nvim), or',
        "set grammar_dir: require('newsmark').setup({ grammar_dir = '/path/to/newsmark/grammar' })",
      })
    else
      h.error('no parser/newsmark.so and no C compiler to build it', {
        'Install a C compiler (cc, gcc or clang), or set $CC',
      })
    end
    if src then
      h.info('grammar sources: ' .. src)
    end
    local queries = vim.api.nvim_get_runtime_file('queries/newsmark/highlights.scm', true)
    if #queries == 0 then
      h.error('queries/newsmark/highlights.scm is not on the runtimepath')
    else
      h.ok('highlight queries: ' .. table.concat(queries, ', '))
    end
  end
end

return M
