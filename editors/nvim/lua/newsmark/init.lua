-- Newsmark for Neovim: filetype detection, tree-sitter highlighting from the
-- grammar's own queries, and the language server (`newsmark lsp`).
--
-- Targets Neovim 0.10/0.11 and falls back, API by API, down to 0.7:
--   LSP         0.11+: vim.lsp.config + vim.lsp.enable
--               0.8+ : vim.lsp.start from a FileType autocommand
--               0.7  : vim.lsp.start_client + vim.lsp.buf_attach_client
--   tree-sitter 0.9+ : vim.treesitter.language.add, else require_language
--               0.8+ : vim.treesitter.start, else highlighter.new
local M = {}

local api = vim.api
local uv = vim.uv or vim.loop

local LANG = 'newsmark'

local function has(version)
  return vim.fn.has('nvim-' .. version) == 1
end

--- Defaults; `require('newsmark').setup(opts)` replaces keys one by one.
M.defaults = {
  -- Server command (a list). `newsmark` must be on PATH for the default.
  cmd = { 'newsmark', 'lsp' },
  -- Sent as `initializationOptions` (e.g. { debounceMs = 200 }).
  init_options = nil,
  -- Sent with workspace/didChangeConfiguration, e.g.
  -- { newsmark = { rules = { ['unused-entity'] = 'off' } } } (rule severities
  -- on top of newsmark.toml; docs/server.md).
  settings = nil,
  -- Client capabilities (default: Neovim's own).
  capabilities = nil,
  -- function(client, bufnr) called when the server attaches to a buffer.
  on_attach = nil,
  -- false: do not highlight the other uses of the id under the cursor
  -- (textDocument/documentHighlight) when the cursor rests ('updatetime').
  document_highlight = true,
  -- The corpus root is the nearest folder holding one of these, else the
  -- file's folder.
  root_markers = { 'newsmark.toml' },
  -- false: never start the language server.
  lsp = true,
  -- false: no tree-sitter highlighting (and no parser build).
  highlight = true,
  -- The grammar (the folder holding src/parser.c). Default: ../../grammar
  -- from this plugin, which is where it sits inside the Newsmark repository.
  grammar_dir = nil,
  -- Where the parser is built, as <install_dir>/parser/newsmark.so. When set,
  -- the plugin uses only the parser there. Default: the first
  -- parser/newsmark.so on 'runtimepath', else build into this plugin's folder
  -- (or stdpath('data')/site when that is not writable).
  install_dir = nil,
}

M.config = vim.deepcopy(M.defaults)

local function notify(msg, level)
  vim.schedule(function()
    vim.notify('newsmark: ' .. msg, level or vim.log.levels.WARN)
  end)
end

local warned = {}
local function notify_once(key, msg, level)
  if warned[key] then
    return
  end
  warned[key] = true
  notify(msg, level)
end

local function realpath(path)
  return path and uv.fs_realpath(path) or nil
end

local function mtime(path)
  local st = path and uv.fs_stat(path)
  return st and st.mtime and (st.mtime.sec or 0) or nil
end

local function exists(path)
  return path ~= nil and uv.fs_stat(path) ~= nil
end

-- This plugin's folder (editors/nvim), symlinks resolved so that
-- ../../grammar works when the folder is linked into a pack directory.
local function plugin_root()
  local src = debug.getinfo(1, 'S').source
  if src:sub(1, 1) == '@' then
    src = src:sub(2)
  end
  local dir = vim.fn.fnamemodify(src, ':p:h:h:h')
  return realpath(dir) or dir
end
M.plugin_root = plugin_root()

-- ------------------------------------------------------------------ versions

--- Which LSP integration this Neovim uses.
function M.lsp_path()
  if has('0.11') and vim.lsp.config and vim.lsp.enable then
    return 'vim.lsp.config + vim.lsp.enable (Neovim 0.11+)'
  elseif vim.lsp.start then
    return 'vim.lsp.start from a FileType autocommand (Neovim 0.8-0.10)'
  end
  return 'vim.lsp.start_client + vim.lsp.buf_attach_client (Neovim 0.7)'
end

--- Which tree-sitter integration this Neovim uses.
function M.treesitter_path()
  local reg = (vim.treesitter.language and vim.treesitter.language.add) and 'vim.treesitter.language.add'
    or 'vim.treesitter.require_language'
  local start = (has('0.8') and vim.treesitter.start) and 'vim.treesitter.start'
    or 'vim.treesitter.highlighter.new'
  return reg .. ' + ' .. start
end

-- -------------------------------------------------------------------- parser

--- The grammar's src folder (holding parser.c), or nil.
function M.grammar_src()
  local candidates = {}
  if M.config.grammar_dir then
    table.insert(candidates, M.config.grammar_dir)
  end
  table.insert(candidates, M.plugin_root .. '/../../grammar')
  for _, dir in ipairs(candidates) do
    local src = realpath(vim.fn.expand(dir) .. '/src')
    if src and exists(src .. '/parser.c') then
      return src
    end
  end
  return nil
end

--- The C compiler used to build the parser ($CC, else cc, gcc, clang), as a
--- list (CC may carry arguments), or nil.
function M.compiler()
  if vim.env.CC and vim.env.CC ~= '' then
    local parts = vim.fn.split(vim.env.CC)
    if #parts > 0 and vim.fn.executable(parts[1]) == 1 then
      return parts
    end
  end
  for _, cc in ipairs({ 'cc', 'gcc', 'clang' }) do
    if vim.fn.executable(cc) == 1 then
      return { cc }
    end
  end
  return nil
end

--- The runtime folder the plugin builds the parser into.
function M.install_dir()
  if M.config.install_dir then
    return vim.fn.fnamemodify(vim.fn.expand(M.config.install_dir), ':p'):gsub('/$', '')
  end
  if vim.fn.filewritable(M.plugin_root) == 2 then
    return M.plugin_root
  end
  return vim.fn.stdpath('data') .. '/site'
end

--- Where the plugin would build the parser.
function M.parser_target()
  return M.install_dir() .. '/parser/' .. LANG .. '.so'
end

--- An existing parser: <install_dir>/parser/newsmark.so when install_dir is
--- set, else the first parser/newsmark.so on 'runtimepath'.
function M.find_parser()
  if M.config.install_dir then
    local p = M.parser_target()
    return exists(p) and p or nil
  end
  return api.nvim_get_runtime_file('parser/' .. LANG .. '.so', false)[1]
end

--- Build parser/newsmark.so from the grammar's src/parser.c with the system
--- C compiler. Returns the path, or nil and an error message.
function M.build_parser(src, target)
  src = src or M.grammar_src()
  target = target or M.parser_target()
  if not src then
    return nil, 'grammar sources not found (set grammar_dir to the folder holding src/parser.c)'
  end
  local cc = M.compiler()
  if not cc then
    return nil, 'no C compiler found (cc, gcc or clang; or set $CC)'
  end
  vim.fn.mkdir(vim.fn.fnamemodify(target, ':h'), 'p')
  -- Build beside the target and rename, so that a half-written library is
  -- never loaded (another Neovim may be building at the same time).
  local tmp = target .. '.tmp' .. vim.fn.getpid()
  local cmd = vim.list_extend(vim.deepcopy(cc), { '-shared', '-fPIC', '-O2', '-I', src, src .. '/parser.c' })
  if exists(src .. '/scanner.c') then
    table.insert(cmd, src .. '/scanner.c')
  end
  vim.list_extend(cmd, { '-o', tmp })
  local out = vim.fn.system(cmd)
  if vim.v.shell_error ~= 0 then
    os.remove(tmp)
    return nil, 'building the parser failed: ' .. table.concat(cmd, ' ') .. '\n' .. out
  end
  local ok, err = os.rename(tmp, target)
  if not ok then
    os.remove(tmp)
    return nil, 'could not move the parser into place: ' .. tostring(err)
  end
  return target
end

--- The parser to load: an existing one, else built now. A parser the plugin
--- built itself is rebuilt when the grammar's parser.c is newer.
function M.ensure_parser(force)
  if M._parser and not force then
    return M._parser
  end
  local target = M.parser_target()
  local found = M.find_parser()
  local src = M.grammar_src()
  local stale = found
    and src
    and realpath(found) == realpath(target)
    and (mtime(src .. '/parser.c') or 0) > (mtime(found) or 0)
  if found and not stale and not force then
    M._parser = found
    return found
  end
  local built, err = M.build_parser(src, target)
  if not built then
    if found then
      M._parser = found
      return found
    end
    return nil, err
  end
  -- Keep the install folder on 'runtimepath' so that other tools find it.
  local dir = M.install_dir()
  local on_rtp = false
  for _, p in ipairs(api.nvim_list_runtime_paths()) do
    if realpath(p) == realpath(dir) then
      on_rtp = true
      break
    end
  end
  if not on_rtp then
    vim.opt.runtimepath:append(dir)
  end
  M._parser = built
  return built
end

--- Load the parser into Neovim under the language name `newsmark`.
function M.register_language(path)
  local ts = vim.treesitter
  if ts.language and ts.language.add then
    -- 0.9/0.10 raise on failure; 0.11 returns nil and a message.
    local ok, res, err = pcall(ts.language.add, LANG, { path = path })
    if not ok then
      return false, res
    end
    if res == nil and err then
      return false, err
    end
    return true
  end
  local require_language = ts.require_language or (ts.language and ts.language.require_language)
  local ok, err = pcall(require_language, LANG, path)
  if not ok then
    return false, err
  end
  return true
end

-- ------------------------------------------------------------ highlighting

local LEGACY_GROUPS = {
  -- Neovim 0.7 maps capture names through highlighter.hl_map; these
  -- captures of the grammar's queries are missing from it.
  ['variable'] = 'Identifier',
  ['attribute'] = 'PreProc',
  ['string.special'] = 'SpecialChar',
  ['markup.strikethrough'] = 'NewsmarkStrikethrough',
  ['markup.underline'] = 'Underlined',
  ['markup.strong'] = 'NewsmarkStrong',
  ['diff.plus'] = 'DiffAdd',
  ['diff.minus'] = 'DiffDelete',
}

local function define_groups()
  vim.cmd('highlight default NewsmarkStrikethrough cterm=strikethrough gui=strikethrough')
  vim.cmd('highlight default NewsmarkStrong cterm=bold gui=bold')
  if not has('0.10') then
    -- Before 0.10 Neovim defines no colour for the highlighted uses of an
    -- id (document_highlight below); a colour scheme's own wins.
    vim.cmd('highlight default link LspReferenceText Visual')
    vim.cmd('highlight default link LspReferenceRead LspReferenceText')
    vim.cmd('highlight default link LspReferenceWrite LspReferenceText')
  end
  if has('0.8') and not has('0.10') then
    -- 0.8/0.9 know @text.* but not the @markup.*/@diff.* names of 0.10.
    local links = {
      ['@markup.strikethrough.newsmark'] = 'NewsmarkStrikethrough',
      ['@markup.underline.newsmark'] = 'Underlined',
      ['@markup.strong.newsmark'] = 'NewsmarkStrong',
      ['@diff.plus.newsmark'] = 'DiffAdd',
      ['@diff.minus.newsmark'] = 'DiffDelete',
    }
    for group, target in pairs(links) do
      api.nvim_set_hl(0, group, { link = target, default = true })
    end
  end
end

local function link_legacy_captures()
  local ok, highlighter = pcall(require, 'vim.treesitter.highlighter')
  if not ok or type(highlighter.hl_map) ~= 'table' then
    return
  end
  for capture, group in pairs(LEGACY_GROUPS) do
    local current = rawget(highlighter.hl_map, capture)
    if current == nil or current == '__notfound' then
      rawset(highlighter.hl_map, capture, group)
    end
  end
end

--- Start tree-sitter highlighting in a buffer. Returns true when started.
function M.start_highlight(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and api.nvim_get_current_buf() or bufnr
  local path, err = M.ensure_parser()
  if not path then
    notify_once('parser', 'no tree-sitter parser, highlighting is off: ' .. tostring(err))
    return false
  end
  local ok, lerr = M.register_language(path)
  if not ok then
    notify_once('load', 'could not load the parser ' .. path .. ': ' .. tostring(lerr))
    return false
  end
  if has('0.8') and vim.treesitter.start then
    local sok, serr = pcall(vim.treesitter.start, bufnr, LANG)
    if not sok then
      notify_once('start', 'tree-sitter highlighting failed: ' .. tostring(serr))
      return false
    end
    return true
  end
  -- Neovim 0.7
  local highlighter = require('vim.treesitter.highlighter')
  if highlighter.active[bufnr] then
    return true
  end
  link_legacy_captures()
  local sok, serr = pcall(function()
    highlighter.new(vim.treesitter.get_parser(bufnr, LANG))
  end)
  if not sok then
    notify_once('start', 'tree-sitter highlighting failed: ' .. tostring(serr))
    return false
  end
  return true
end

function M.stop_highlight(bufnr)
  if vim.treesitter.stop then
    pcall(vim.treesitter.stop, bufnr)
    return
  end
  local highlighter = require('vim.treesitter.highlighter')
  local active = highlighter.active[bufnr]
  if active then
    active:destroy()
    vim.bo[bufnr].syntax = 'ON'
  end
end

-- --------------------------------------------------------------------- LSP

--- The corpus root for a buffer: the nearest folder holding newsmark.toml,
--- else the file's own folder (else the working directory).
function M.root_dir(bufnr)
  local name = api.nvim_buf_get_name(bufnr or 0)
  local dir = name ~= '' and vim.fn.fnamemodify(name, ':p:h') or vim.fn.getcwd()
  if vim.fn.isdirectory(dir) ~= 1 then
    return vim.fn.getcwd()
  end
  local cur = dir
  while true do
    for _, marker in ipairs(M.config.root_markers or {}) do
      if exists(cur .. '/' .. marker) then
        return cur
      end
    end
    local parent = vim.fn.fnamemodify(cur, ':h')
    if parent == cur then
      break
    end
    cur = parent
  end
  return dir
end

local function cmd_ok(cmd)
  cmd = cmd or M.config.cmd
  if type(cmd) == 'function' then
    return true -- an RPC client factory (0.11): nothing to check
  end
  if type(cmd) ~= 'table' or type(cmd[1]) ~= 'string' then
    notify_once('cmd', 'cmd must be a list such as { "newsmark", "lsp" }', vim.log.levels.ERROR)
    return false
  end
  if vim.fn.executable(cmd[1]) ~= 1 then
    notify_once(
      'cmd',
      '`' .. cmd[1] .. '` is not executable: install it (cargo install --path server) or set cmd in '
        .. "require('newsmark').setup(); see :checkhealth newsmark"
    )
    return false
  end
  return true
end

-- Buffers the server can open: real files, not scratch or remote URIs.
local function lsp_buffer(bufnr)
  if vim.bo[bufnr].buftype ~= '' then
    return false
  end
  local name = api.nvim_buf_get_name(bufnr)
  return not name:match('^%a[%w+.-]*://')
end

-- When the cursor rests on an id, highlight its uses in the buffer (as VS
-- Code does on its own); moving the cursor clears them.
local function highlight_uses(client, bufnr)
  local caps = client.server_capabilities or {}
  if M.config.document_highlight == false or not caps.documentHighlightProvider then
    return
  end
  local group = api.nvim_create_augroup('newsmark_highlight_' .. bufnr, { clear = true })
  local function stop()
    pcall(api.nvim_del_augroup_by_id, group)
    pcall(vim.lsp.util.buf_clear_references, bufnr)
  end
  api.nvim_create_autocmd({ 'CursorHold', 'CursorHoldI' }, {
    group = group,
    buffer = bufnr,
    callback = function()
      -- The server stopped or left the buffer: stop asking.
      if not vim.lsp.buf_is_attached(bufnr, client.id) then
        stop()
        return
      end
      vim.lsp.buf.document_highlight()
    end,
  })
  api.nvim_create_autocmd({ 'CursorMoved', 'CursorMovedI', 'BufLeave' }, {
    group = group,
    buffer = bufnr,
    callback = function()
      vim.lsp.buf.clear_references()
    end,
  })
  if has('0.8') then
    api.nvim_create_autocmd('LspDetach', {
      group = group,
      buffer = bufnr,
      callback = function(args)
        if args.data and args.data.client_id == client.id then
          stop()
        end
      end,
    })
  end
end

-- The plugin's own setup of an attached buffer, then the user's on_attach.
local function on_attach(client, bufnr)
  highlight_uses(client, bufnr)
  if M.config.on_attach then
    M.config.on_attach(client, bufnr)
  end
end

local function client_config(root)
  local c = M.config
  return {
    name = 'newsmark',
    cmd = c.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = c.init_options,
    settings = c.settings,
    capabilities = c.capabilities,
    on_attach = on_attach,
  }
end

local legacy_clients = {} -- root -> client id (Neovim 0.7)

--- Start (or reuse) the server for a buffer and attach it. Not used on 0.11,
--- where vim.lsp.enable does this. Returns the client id.
function M.start_lsp(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and api.nvim_get_current_buf() or bufnr
  if not lsp_buffer(bufnr) or not cmd_ok() then
    return nil
  end
  local root = M.root_dir(bufnr)
  local config = client_config(root)
  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  local id = legacy_clients[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(config)
    if not id then
      return nil
    end
    legacy_clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

local function configure_native_lsp()
  local c = M.config
  vim.lsp.config('newsmark', {
    cmd = c.cmd,
    filetypes = { LANG },
    root_dir = function(bufnr, on_dir)
      -- The effective command: the user's own vim.lsp.config('newsmark', …)
      -- may have replaced ours.
      local effective = vim.lsp.config.newsmark
      if lsp_buffer(bufnr) and cmd_ok(effective and effective.cmd) then
        on_dir(M.root_dir(bufnr))
      end
    end,
    init_options = c.init_options,
    settings = c.settings,
    capabilities = c.capabilities,
    on_attach = on_attach,
  })
  vim.lsp.enable('newsmark', c.lsp ~= false)
end

-- ------------------------------------------------------------------- setup

local function detect_filetype(group)
  if vim.filetype and vim.filetype.add and has('0.8') then
    vim.filetype.add({ extension = { news = LANG } })
  else
    api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
      group = group,
      pattern = '*.news',
      command = 'setfiletype ' .. LANG,
    })
  end
end

--- Set up highlighting and the LSP for one newsmark buffer.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and api.nvim_get_current_buf() or bufnr
  if M.config.highlight ~= false then
    M.start_highlight(bufnr)
  end
  if M.config.lsp ~= false and not M._native_lsp then
    M.start_lsp(bufnr)
  end
end

local OPTION_TYPES = {
  cmd = 'table',
  init_options = 'table',
  settings = 'table',
  capabilities = 'table',
  on_attach = 'function',
  root_markers = 'table',
  lsp = 'boolean',
  highlight = 'boolean',
  document_highlight = 'boolean',
  grammar_dir = 'string',
  install_dir = 'string',
}

--- Configure the plugin. Called with no options by plugin/newsmark.lua;
--- call it again with options to override (keys replace the defaults).
function M.setup(opts)
  opts = opts or {}
  for key, kind in pairs(OPTION_TYPES) do
    if opts[key] ~= nil and type(opts[key]) ~= kind then
      error(string.format('newsmark.setup: %s must be a %s, got %s', key, kind, type(opts[key])), 2)
    end
  end
  M.config = vim.tbl_extend('force', vim.deepcopy(M.defaults), opts)
  M._parser = nil
  M._did_setup = true

  local group = api.nvim_create_augroup('newsmark', { clear = true })
  detect_filetype(group)
  define_groups()
  api.nvim_create_autocmd('ColorScheme', { group = group, callback = define_groups })

  M._native_lsp = has('0.11') and vim.lsp.config ~= nil and vim.lsp.enable ~= nil
  if M._native_lsp then
    configure_native_lsp()
  end

  api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = LANG,
    callback = function(args)
      M.attach(args.buf)
    end,
  })

  api.nvim_create_user_command('NewsmarkBuildParser', function()
    local path, err = M.build_parser()
    if path then
      vim.notify('newsmark: built ' .. path .. ' (restart Neovim to load a rebuilt parser)')
    else
      vim.notify('newsmark: ' .. tostring(err), vim.log.levels.ERROR)
    end
  end, { desc = 'Build the Newsmark tree-sitter parser from the grammar sources' })

  -- Buffers opened before setup ran (lazy loading).
  for _, bufnr in ipairs(api.nvim_list_bufs()) do
    if api.nvim_buf_is_loaded(bufnr) then
      local ft = vim.bo[bufnr].filetype
      if ft == '' and api.nvim_buf_get_name(bufnr):match('%.news$') then
        api.nvim_buf_call(bufnr, function()
          vim.cmd('setfiletype ' .. LANG)
        end)
      elseif ft == LANG then
        if M.config.highlight == false then
          M.stop_highlight(bufnr)
        end
        M.attach(bufnr)
      end
    end
  end
  return M
end

return M
