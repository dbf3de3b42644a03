-- End-to-end tests of the Neovim plugin (editors/nvim) on a real headless
-- Neovim, with `newsmark lsp` on a temp copy of the shipped corpus.
-- Run by tests/nvim/run.sh, which sets:
--   NEWSMARK_REPO         the repository
--   NEWSMARK_TEST_CORPUS  a temp copy of corpus/
--   NEWSMARK_TEST_SITE    a temp runtime folder the plugin builds the parser into
-- and puts the server binary first on PATH as `newsmark`.
-- Prints one PASS/FAIL line per check and a final `N passed, M failed`;
-- exits non-zero (cquit) on any failure.

local api = vim.api
local uv = vim.uv or vim.loop

local REPO = assert(os.getenv('NEWSMARK_REPO'), 'NEWSMARK_REPO is not set')
local CORPUS = assert(os.getenv('NEWSMARK_TEST_CORPUS'), 'NEWSMARK_TEST_CORPUS is not set')
local SITE = assert(os.getenv('NEWSMARK_TEST_SITE'), 'NEWSMARK_TEST_SITE is not set')
local TIMEOUT = 30000

local GARBLED = '003_f550be25ed6773a1.news'
local CITING = '004_4de1cf92dba72c1e.news'
local CITED = '000_eb5689f22e956971.news'

local passed, failed = 0, 0

local function say(line)
  io.stdout:write(line, '\n')
  io.stdout:flush()
end

-- Run one check: fn returns nothing (pass) or raises (fail, with the reason).
local function check(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    passed = passed + 1
    say('PASS ' .. name)
  else
    failed = failed + 1
    say('FAIL ' .. name .. '\n    ' .. tostring(err):gsub('\n', '\n    '))
  end
end

local function expect(cond, msg, ...)
  if not cond then
    error(string.format(msg, ...), 2)
  end
end

local function has(version)
  return vim.fn.has('nvim-' .. version) == 1
end

local function read_bytes(path)
  local f = assert(io.open(path, 'rb'))
  local data = f:read('*a')
  f:close()
  return data
end

local function realpath(p)
  return uv.fs_realpath(p) or p
end

local function clients(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr, name = 'newsmark' })
  end
  local out = {}
  for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do
    if c.name == 'newsmark' then
      table.insert(out, c)
    end
  end
  return out
end

-- Set when the server never came up, so later checks fail at once.
local no_server = false

-- The newsmark client of a buffer, once initialized.
local function client_of(bufnr)
  expect(not no_server, 'no language server (see the lsp check above)')
  local client
  vim.wait(TIMEOUT, function()
    client = clients(bufnr)[1]
    return client ~= nil and client.initialized == true
  end, 50)
  expect(client and client.initialized, 'no initialized newsmark client on buffer %d', bufnr)
  return client
end

-- Put the cursor on the first occurrence of `needle` (plus `offset` bytes) in
-- the current buffer. Returns the 1-based line and 0-based byte column.
local function cursor_on(needle, offset)
  for lnum, line in ipairs(api.nvim_buf_get_lines(0, 0, -1, false)) do
    local col = line:find(needle, 1, true)
    if col then
      api.nvim_win_set_cursor(0, { lnum, col - 1 + (offset or 0) })
      return lnum, col - 1 + (offset or 0)
    end
  end
  error('`' .. needle .. '` is not in ' .. api.nvim_buf_get_name(0))
end

local function open(name)
  vim.cmd('edit ' .. vim.fn.fnameescape(CORPUS .. '/' .. name))
  return api.nvim_get_current_buf()
end

-- LSP-shaped diagnostics on a line, the way vim.lsp.buf.code_action sends them.
local function line_diagnostics(bufnr, lnum0)
  if vim.lsp.diagnostic.get_line_diagnostics and not has('0.10') then
    return vim.lsp.diagnostic.get_line_diagnostics(bufnr, lnum0)
  end
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr, { lnum = lnum0 })) do
    if d.user_data and d.user_data.lsp and d.user_data.lsp.range then
      table.insert(out, d.user_data.lsp)
    end
  end
  return out
end

-- The text of hover contents: MarkupContent, MarkedString or a list of them.
local function hover_text(contents)
  if type(contents) == 'string' then
    return contents
  end
  if contents.value then
    return contents.value
  end
  local parts = {}
  for _, c in ipairs(contents) do
    table.insert(parts, hover_text(c))
  end
  return table.concat(parts, '\n')
end

local function garbled_1950s(bufnr)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    if code == 'garbled-token' and tostring(d.message):find('1950s', 1, true) then
      return d
    end
  end
end

local function main()
  local newsmark = require('newsmark')

  check('plugin loads and sets itself up with no configuration', function()
    expect(vim.g.loaded_newsmark == 1, 'plugin/newsmark.lua was not sourced')
    expect(newsmark._did_setup, 'setup() did not run from plugin/newsmark.lua')
    expect(#api.nvim_get_autocmds({ group = 'newsmark', event = 'FileType' }) == 1, 'no FileType autocommand')
  end)

  -- Overrides through setup(): a temp parser folder (so that the build is
  -- exercised on every run) and no debounce.
  newsmark.setup({ install_dir = SITE, init_options = { debounceMs = 0 } })

  check('queries/newsmark/*.scm are byte-identical to grammar/queries/*.scm', function()
    for _, q in ipairs({ 'highlights.scm', 'injections.scm' }) do
      local shipped = read_bytes(REPO .. '/editors/nvim/queries/newsmark/' .. q)
      local grammar = read_bytes(REPO .. '/grammar/queries/' .. q)
      expect(
        shipped == grammar,
        'editors/nvim/queries/newsmark/%s differs from grammar/queries/%s: copy it over',
        q,
        q
      )
    end
  end)

  local buf = open(GARBLED)

  check('filetype: *.news is newsmark', function()
    expect(vim.bo[buf].filetype == 'newsmark', 'filetype is %q', vim.bo[buf].filetype)
  end)

  check('parser: built from grammar/src/parser.c with cc and found on the runtimepath', function()
    local so = SITE .. '/parser/newsmark.so'
    expect(uv.fs_stat(so), '%s was not built', so)
    local found = api.nvim_get_runtime_file('parser/newsmark.so', true)
    local on_rtp = false
    for _, p in ipairs(found) do
      on_rtp = on_rtp or realpath(p) == realpath(so)
    end
    expect(on_rtp, '%s is not on the runtimepath (found: %s)', so, table.concat(found, ', '))
  end)

  check('lsp: `newsmark lsp` attached with root_dir = the folder of newsmark.toml', function()
    local ok, client = pcall(client_of, buf)
    no_server = not ok
    expect(ok, '%s', tostring(client))
    local root = client.config.root_dir
    expect(realpath(root) == realpath(CORPUS), 'root_dir %s, expected %s', tostring(root), CORPUS)
  end)

  -- (1) diagnostics
  check('(1) diagnostics: garbled-token for `src950s` mentions 1950s', function()
    local d
    vim.wait(TIMEOUT, function()
      d = garbled_1950s(buf)
      return d ~= nil
    end, 50)
    local got = {}
    for _, x in ipairs(vim.diagnostic.get(buf)) do
      table.insert(got, tostring(x.code) .. ': ' .. tostring(x.message):gsub('\n.*', ''))
    end
    expect(d, 'no garbled-token diagnostic mentioning 1950s; got:\n%s', table.concat(got, '\n'))
    -- The position went through UTF-16 (the line has curly quotes before it):
    -- the diagnostic must cover exactly the token in the buffer.
    local line = api.nvim_buf_get_lines(buf, d.lnum, d.lnum + 1, false)[1]
    local text = line:sub(d.col + 1, d.end_col)
    expect(text == 'src950s', 'the diagnostic covers %q, not `src950s`', text)
  end)

  -- (2) hover
  check('(2) hover on [North Korea]{@prk} returns the entity card', function()
    local client = client_of(buf)
    cursor_on('[North Korea]{@prk}', 3)
    local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
    local res = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, TIMEOUT)
    local r = res and res[client.id]
    expect(r and not r.err, 'hover failed: %s', vim.inspect(r))
    expect(r.result and r.result.contents, 'empty hover: %s', vim.inspect(r))
    local text = hover_text(r.result.contents)
    expect(text:find('North Korea', 1, true), 'the card does not name North Korea:\n%s', text)
    expect(text:find('@prk', 1, true) and text:find('Q423', 1, true), 'not the entity card of @prk:\n%s', text)
  end)

  -- (3) go to definition, through the editor's own command
  check('(3) definition from src=manila-times-2022-09-22#reckless-remarks jumps into ' .. CITED, function()
    local citing = open(CITING)
    client_of(citing)
    cursor_on('src=manila-times-2022-09-22#reckless-remarks', #'src=manila-times-2022-09-22#' + 2)
    vim.lsp.buf.definition()
    vim.wait(TIMEOUT, function()
      return api.nvim_get_current_buf() ~= citing
    end, 50)
    local name = api.nvim_buf_get_name(0)
    expect(name:sub(-#CITED) == CITED, 'still in / jumped to %s', name)
    local row, col = unpack(api.nvim_win_get_cursor(0))
    local line = api.nvim_get_current_line()
    local here = line:sub(col + 1, col + 60)
    expect(here:find('reckless remarks', 1, true), 'line %d col %d is not the #reckless-remarks span: %q', row, col, here)
  end)

  -- (3b) document highlight, through the plugin's CursorHold autocommand
  check('(3b) resting the cursor on {@prk} highlights each @prk of the buffer; moving clears them', function()
    local citing = open(CITING)
    client_of(citing)
    local expected = 0
    for _, line in ipairs(api.nvim_buf_get_lines(citing, 0, -1, false)) do
      for _ in line:gmatch('@prk%f[^%w-]') do
        expected = expected + 1
      end
    end
    expect(expected > 1, 'the story has %d @prk', expected)
    -- The highlighted texts, from every namespace's LspReference* extmarks.
    local function highlighted()
      local out = {}
      for _, ns in pairs(api.nvim_get_namespaces()) do
        for _, m in ipairs(api.nvim_buf_get_extmarks(citing, ns, 0, -1, { details = true })) do
          local d = m[4] or {}
          if type(d.hl_group) == 'string' and d.hl_group:find('^LspReference') then
            local line = api.nvim_buf_get_lines(citing, m[2], m[2] + 1, false)[1]
            table.insert(out, line:sub(m[3] + 1, d.end_col or m[3]))
          end
        end
      end
      return out
    end
    cursor_on('{@prk}', 3)
    vim.cmd('doautocmd <nomodeline> CursorHold')
    local got
    vim.wait(TIMEOUT, function()
      got = highlighted()
      return #got >= expected
    end, 50)
    expect(#got == expected, '%d highlights for %d @prk: %s', #got, expected, vim.inspect(got))
    for _, text in ipairs(got) do
      expect(text == 'prk', 'highlighted %q', text)
    end
    -- The highlights show: the group resolves to a colour (before 0.10 the
    -- plugin links it to Visual; Neovim defines none of its own there).
    local shown = vim.fn.synIDtrans(vim.fn.hlID('LspReferenceRead'))
    local attrs = {}
    for _, mode in ipairs({ 'gui', 'cterm', 'term' }) do
      for _, what in ipairs({ 'bg', 'reverse', 'underline', 'bold' }) do
        local v = vim.fn.synIDattr(shown, what, mode)
        if v ~= '' then
          table.insert(attrs, mode .. '.' .. what .. '=' .. v)
        end
      end
    end
    expect(#attrs > 0, 'LspReferenceRead shows nothing (resolves to %q)', vim.fn.synIDattr(shown, 'name'))
    vim.cmd('doautocmd <nomodeline> CursorMoved')
    vim.wait(TIMEOUT, function()
      return #highlighted() == 0
    end, 50)
    expect(#highlighted() == 0, 'still highlighted after the cursor moved: %s', vim.inspect(highlighted()))
  end)

  -- (4) code action
  local fixed = false
  check('(4) code action at `src950s` applies {~~src950s~>1950s~~}', function()
    vim.cmd('buffer ' .. buf)
    local client = client_of(buf)
    local lnum = cursor_on('src950s', 2)
    local params = vim.lsp.util.make_range_params(0, client.offset_encoding)
    params.context = { diagnostics = line_diagnostics(buf, lnum - 1) }
    local res = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, TIMEOUT)
    local r = res and res[client.id]
    expect(r and not r.err, 'codeAction failed: %s', vim.inspect(r))
    local action
    for _, a in ipairs(r.result or {}) do
      if tostring(a.title):find('1950s', 1, true) then
        action = a
        break
      end
    end
    expect(action, 'no action mentioning 1950s among: %s', vim.inspect(r.result))
    if not action.edit and action.data then
      local resolved = vim.lsp.buf_request_sync(buf, 'codeAction/resolve', action, TIMEOUT)
      action = resolved and resolved[client.id] and resolved[client.id].result or action
    end
    expect(action.edit, 'the action carries no edit: %s', vim.inspect(action))
    vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
    local line = api.nvim_buf_get_lines(buf, lnum - 1, lnum, false)[1]
    expect(line:find('{~~src950s~>1950s~~}', 1, true), 'line %d after the edit: %s', lnum, line)
    fixed = true
  end)

  check('(4b) after the fix the server re-checks: the 1950s diagnostic is gone', function()
    expect(fixed, 'the fix was not applied in (4)')
    vim.wait(TIMEOUT, function()
      return garbled_1950s(buf) == nil
    end, 50)
    expect(garbled_1950s(buf) == nil, 'the garbled-token diagnostic for 1950s is still there')
  end)

  -- (5) tree-sitter highlighting
  check('(5) tree-sitter: highlighter active, highlights query captures found', function()
    local highlighter = require('vim.treesitter.highlighter')
    local active = highlighter.active[buf]
    expect(active, 'no tree-sitter highlighter on the buffer')
    local parser = vim.treesitter.get_parser(buf, 'newsmark')
    local tree = parser:parse()[1]
    local root = tree:root()
    expect(not root:has_error(), 'the tree has errors: %s', root:sexpr():sub(1, 300))
    local get_query = vim.treesitter.query.get or vim.treesitter.query.get_query or vim.treesitter.get_query
    local query = get_query('newsmark', 'highlights')
    expect(query, 'no highlights query for newsmark')
    local seen = {}
    for id in query:iter_captures(root, buf) do
      seen[query.captures[id]] = (seen[query.captures[id]] or 0) + 1
    end
    local want = {
      'variable', -- entity_ref
      'type', -- kind
      'punctuation.bracket',
      'punctuation.delimiter', -- front matter fences
      'property',
      'operator',
      'attribute', -- flags (anon)
    }
    if fixed then
      -- the correction applied in (4)
      vim.list_extend(want, { 'punctuation.special', 'markup.strikethrough', 'markup.underline' })
    end
    local missing = {}
    for _, c in ipairs(want) do
      if not seen[c] then
        table.insert(missing, c)
      end
    end
    expect(#missing == 0, 'captures not found: %s (seen: %s)', table.concat(missing, ', '), vim.inspect(seen))

    -- The captures map to highlight groups. Neovim 0.7 maps names through
    -- highlighter.hl_map (the plugin fills in the missing ones); 0.8+ uses
    -- @capture groups.
    local hq = not has('0.8') and active:get_query('newsmark')
    if hq and hq.hl_cache then
      local expected = {
        ['variable'] = 'Identifier',
        ['type'] = 'Type',
        ['punctuation.bracket'] = 'Delimiter',
        ['attribute'] = 'PreProc',
        ['markup.strikethrough'] = 'NewsmarkStrikethrough',
      }
      for id, name in pairs(query.captures) do
        if expected[name] then
          -- Compare where both links end (Delimiter itself links to Special).
          local got = vim.fn.synIDtrans(hq.hl_cache[id])
          local want_id = vim.fn.synIDtrans(vim.fn.hlID(expected[name]))
          expect(
            got ~= 0 and got == want_id,
            '@%s is highlighted as %q, expected %s',
            name,
            vim.fn.synIDattr(got, 'name'),
            expected[name]
          )
        end
      end
    end
  end)

  check(':checkhealth newsmark reports the server, the parser and no error', function()
    vim.cmd('silent checkhealth newsmark')
    local text = table.concat(api.nvim_buf_get_lines(0, 0, -1, false), '\n')
    vim.cmd('bwipeout!')
    expect(text:find('newsmark 0%.%d+%.%d+'), 'no server version in:\n%s', text)
    expect(text:find('parser loaded', 1, true), 'parser not reported loaded:\n%s', text)
    expect(text:find('start_client', 1, true) or text:find('vim.lsp.start', 1, true), 'no LSP path in:\n%s', text)
    expect(not text:find('ERROR'), 'errors in:\n%s', text)
  end)
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  failed = failed + 1
  say('FAIL the test script itself\n    ' .. tostring(err):gsub('\n', '\n    '))
end

if failed > 0 then
  local log = vim.lsp.get_log_path and vim.lsp.get_log_path()
  if log and uv.fs_stat(log) then
    say('--- tail of ' .. log)
    local lines = vim.fn.readfile(log)
    for i = math.max(1, #lines - 30), #lines do
      say(lines[i])
    end
  end
end

say(string.format('%d passed, %d failed', passed, failed))
if failed > 0 then
  vim.cmd('cquit 1')
else
  vim.cmd('qall!')
end
