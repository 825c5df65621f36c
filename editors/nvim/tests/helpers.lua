-- Shared helpers for the headless Neovim tests of editors/nvim (run by tests/test_neovim.py).
--
--   nvim --headless -u NONE -c 'luafile editors/nvim/tests/test_x.lua'
--
-- Environment:
--   FZ_LSP_CMD       JSON array: the server command (e.g. ["/venv/bin/python","-m","fz_lsp"])
--   FZ_TEST_TMPDIR   scratch directory for the test's files (default: a tempname())
--
-- The .fz files come from the repository (tests/fixtures/nvim/), found relative to this file.
-- Every wait is bounded by a generous timeout (H.START_TIMEOUT, H.TIMEOUT: seconds, not the
-- expected speed; CI machines are busy 2-core boxes). Every script ends nvim itself:
-- `qall!` on success, `cquit 1` on any failure or error (and tests/test_neovim.py runs it
-- under `timeout`).

local H = {}

local uv = vim.uv or vim.loop
local this = debug.getinfo(1, "S").source:sub(2)
H.tests_dir = vim.fn.fnamemodify(this, ":p:h")
H.plugin_dir = vim.fn.fnamemodify(H.tests_dir, ":h")
H.repo_dir = vim.fn.fnamemodify(H.plugin_dir, ":h:h")
H.fixtures_dir = H.repo_dir .. "/tests/fixtures/nvim"
H.failures = {}
H.results = {}
H.t0 = uv.hrtime()
H.nvim011 = vim.fn.has("nvim-0.11") == 1

--- Milliseconds a server may take to start and initialize, and any one reply, diagnostics
--- or edit to arrive. Generous on purpose: a wait ends as soon as its condition holds.
H.START_TIMEOUT = 60000
H.TIMEOUT = 30000

--- Every vim.deprecate() call made while the script runs (the plugin and these tests must
--- use no deprecated API on the Neovim they run on); reported as failures by H.run.
H.deprecations = {}
local original_deprecate = vim.deprecate
vim.deprecate = function(name, alternative, version, ...)
  table.insert(H.deprecations, string.format("%s (use %s; removal in %s)\n%s", tostring(name), tostring(alternative), tostring(version), debug.traceback("", 2)))
  return original_deprecate(name, alternative, version, ...)
end

--- Every vim.notify() message, in order (the plugin talks to the user through it).
H.notes = {}
local original_notify = vim.notify
vim.notify = function(msg, level, opts)
  table.insert(H.notes, { msg = tostring(msg), level = level })
  return original_notify(msg, level, opts)
end

--- The notes whose text contains `needle` (plain).
function H.notes_with(needle)
  local found = {}
  for _, n in ipairs(H.notes) do
    if n.msg:find(needle, 1, true) then
      table.insert(found, n.msg)
    end
  end
  return found
end

local function out(s)
  io.stdout:write(s .. "\n")
  io.stdout:flush()
end
H.out = out

function H.inspect(v)
  if type(v) == "string" then
    return string.format("%q", v)
  end
  return vim.inspect(v, { newline = " ", indent = "" })
end

--- Record a failure (the script keeps going; it exits 1 at the end).
function H.fail(msg)
  table.insert(H.failures, msg)
  io.stderr:write("FAIL: " .. msg .. "\n")
end

--- Check `cond`; on failure say what was expected and what was got.
function H.check(cond, what, expected, got)
  if cond then
    out("ok: " .. what)
    return true
  end
  H.fail(string.format("%s\n  expected: %s\n  got:      %s", what, H.inspect(expected), H.inspect(got)))
  return false
end

function H.eq(got, expected, what)
  return H.check(vim.deep_equal(got, expected), what, expected, got)
end

--- Compare a whole buffer with an expected text; on a difference, list the differing lines
--- (line number, expected, got; at most 12) and both line counts.
function H.check_text(bufnr, expected, what)
  local got = H.buf_text(bufnr)
  if got == expected then
    out("ok: " .. what)
    return true
  end
  local gl = H.lines(got)
  local el = H.lines(expected)
  local diffs = {}
  for i = 1, math.max(#gl, #el) do
    if gl[i] ~= el[i] then
      if #diffs == 12 then
        table.insert(diffs, "  ...")
        break
      end
      table.insert(diffs, string.format("  line %d\n    expected: %s\n    got:      %s", i, H.inspect(el[i]), H.inspect(gl[i])))
    end
  end
  H.fail(string.format("%s: buffer text differs (expected %d lines, got %d)\n%s", what, #el, #gl, table.concat(diffs, "\n")))
  return false
end

-- ---------------------------------------------------------------------------------------
-- files

function H.env(name, default)
  local v = os.getenv(name)
  if v == nil or v == "" then
    return default
  end
  return v
end

H.tmp_dir = H.env("FZ_TEST_TMPDIR", nil)

function H.read_file(path)
  local f = assert(io.open(path, "rb"), "cannot read " .. path)
  local s = f:read("*a")
  f:close()
  return s
end

function H.write_file(path, text)
  local f = assert(io.open(path, "wb"), "cannot write " .. path)
  f:write(text)
  f:close()
  return path
end

--- A fresh scratch dir for this script (under FZ_TEST_TMPDIR).
function H.scratch(name)
  local base = H.tmp_dir or vim.fn.tempname()
  local dir = base .. "/" .. name
  vim.fn.mkdir(dir, "p")
  return dir
end

--- The text of tests/fixtures/nvim/<name>.
function H.fixture(name)
  return H.read_file(H.fixtures_dir .. "/" .. name)
end

-- ---------------------------------------------------------------------------------------
-- plugin / server

function H.server_cmd()
  local raw = H.env("FZ_LSP_CMD", nil)
  if not raw then
    error("FZ_LSP_CMD is not set (JSON array with the fz-lsp command)")
  end
  local ok, cmd = pcall(vim.json.decode, raw)
  if not ok or type(cmd) ~= "table" then
    error("FZ_LSP_CMD must be a JSON array, got " .. raw)
  end
  return cmd
end

--- A `fz-lsp` program in `dir` that runs the server of FZ_LSP_CMD (what `pipx install .`
--- or a virtualenv puts on PATH); returns its path. Each start appends a line to
--- <path>.log, so a test can tell which program started the server.
function H.server_program(dir)
  vim.fn.mkdir(dir, "p")
  local words = {}
  for _, word in ipairs(H.server_cmd()) do
    table.insert(words, vim.fn.shellescape(word))
  end
  if words[#words] == "'--stdio'" then
    table.remove(words)
  end
  local script = table.concat({
    "#!/bin/sh",
    'echo "started $*" >> "$0.log"',
    "exec " .. table.concat(words, " ") .. ' "$@"',
    "",
  }, "\n")
  local path = H.write_file(dir .. "/fz-lsp", script)
  vim.fn.setfperm(path, "rwxr-xr-x")
  return path
end

--- The lines <program>.log holds (one per server started through it).
function H.starts(program)
  local f = io.open(program .. ".log", "rb")
  if not f then
    return {}
  end
  local text = f:read("*a")
  f:close()
  return H.lines(text)
end

--- PATH without the directories that hold a `fz-lsp` program.
function H.path_without_server()
  local kept = {}
  for _, dir in ipairs(vim.split(vim.env.PATH or "", ":", { plain = true })) do
    if dir ~= "" and vim.fn.executable(dir .. "/fz-lsp") ~= 1 then
      table.insert(kept, dir)
    end
  end
  return table.concat(kept, ":")
end

--- Load the plugin as a user would: runtimepath + filetype detection + setup{}.
--- opts replace the test defaults key by key (a `cmd` list replaces the whole list).
function H.setup_plugin(opts)
  vim.opt.runtimepath:append(H.plugin_dir)
  vim.cmd("filetype plugin on")
  vim.cmd("syntax on")
  H.opened_urls = {}
  H.exits = {}
  local base = {
    on_exit = function(code, signal, client_id)
      table.insert(H.exits, { code = code, signal = signal, client_id = client_id })
    end,
    cmd = H.server_cmd(),
    settings = { flowzap = { diagnostics = { delayMs = 0 } } },
    open_url = function(url, params)
      table.insert(H.opened_urls, { url = url, params = params })
      return true
    end,
  }
  for key, value in pairs(opts or {}) do
    base[key] = value
  end
  local fz = require("fz_lsp")
  fz.setup(base)
  return fz
end

local function fz_client(bufnr)
  return require("fz_lsp").get_client(bufnr)
end

--- :edit a file and wait (up to H.START_TIMEOUT) until the fz-lsp client is attached and
--- initialized. Fails at once when the server exits or the plugin says it cannot start it.
function H.open(path, timeout)
  timeout = timeout or H.START_TIMEOUT
  local notes_before = #H.notes
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  if vim.bo[bufnr].filetype ~= "flowzap" then
    error(string.format("filetype of %s: expected 'flowzap', got %q", path, vim.bo[bufnr].filetype))
  end
  local function refused()
    for i = notes_before + 1, #H.notes do
      local level = H.notes[i].level
      if H.notes[i].msg:find("[fz-lsp]", 1, true) and (level == vim.log.levels.WARN or level == vim.log.levels.ERROR) then
        return H.notes[i].msg
      end
    end
    return nil
  end
  local ok = vim.wait(timeout, function()
    local c = fz_client(bufnr)
    return (c ~= nil and c.initialized == true) or #(H.exits or {}) > 0 or refused() ~= nil
  end, 20)
  if H.exits and #H.exits > 0 then
    error(string.format(
      "the fz-lsp server exited during start-up (exit code %s, signal %s); cmd: %s (see lsp.log for its stderr)",
      tostring(H.exits[1].code), tostring(H.exits[1].signal), table.concat(H.server_cmd(), " ")
    ))
  end
  if refused() then
    error("the plugin did not start fz-lsp: " .. refused())
  end
  if not ok then
    error(string.format(
      "no initialized fz-lsp client on %s after %d ms (cmd %s). Check that the server starts: %s < /dev/null",
      path,
      timeout,
      table.concat(H.server_cmd(), " "),
      table.concat(H.server_cmd(), " ")
    ))
  end
  return bufnr, fz_client(bufnr)
end

function H.buf_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), "\n") .. "\n"
end

local CAPABILITY = {
  ["textDocument/completion"] = "completionProvider",
  ["textDocument/hover"] = "hoverProvider",
  ["textDocument/rename"] = "renameProvider",
  ["textDocument/prepareRename"] = "renameProvider",
  ["textDocument/formatting"] = "documentFormattingProvider",
  ["textDocument/codeAction"] = "codeActionProvider",
  ["workspace/executeCommand"] = "executeCommandProvider",
}

--- nil if the server advertises the capability for `method`, else a reason.
function H.unsupported(bufnr, method)
  local c = fz_client(bufnr)
  if not c then
    return "fz-lsp is not attached"
  end
  local key = CAPABILITY[method]
  local caps = c.server_capabilities or {}
  if key and (caps[key] == nil or caps[key] == false) then
    return string.format("server does not support %s yet (no %s in its capabilities)", method, key)
  end
  if method == "textDocument/prepareRename" and not (type(caps.renameProvider) == "table" and caps.renameProvider.prepareProvider) then
    return "server does not support textDocument/prepareRename (renameProvider.prepareProvider not set)"
  end
  return nil
end

--- A synchronous request to the fz-lsp client of bufnr (client:request_sync, up to
--- H.TIMEOUT): returns result, err. Fails fast when the server does not advertise the method.
function H.request(bufnr, method, params, timeout)
  local why = H.unsupported(bufnr, method)
  if why then
    return nil, { message = why }
  end
  local c = fz_client(bufnr)
  local response, err
  if H.nvim011 then
    response, err = c:request_sync(method, params, timeout or H.TIMEOUT, bufnr)
  else
    response, err = c.request_sync(method, params, timeout or H.TIMEOUT, bufnr)
  end
  if not response then
    return nil, { message = "no response (" .. tostring(err) .. ")" }
  end
  return response.result, response.err or response.error
end

--- The items of a textDocument/completion result (CompletionList or CompletionItem[]).
function H.completion_items(result)
  if type(result) ~= "table" then
    return {}
  end
  return result.items or result
end

--- Wait (up to H.TIMEOUT) until predicate(diagnostics) holds; returns ok, diagnostics.
function H.wait_diagnostics(bufnr, predicate, timeout)
  local diags
  local ok = vim.wait(timeout or H.TIMEOUT, function()
    diags = vim.diagnostic.get(bufnr)
    return predicate(diags)
  end, 20)
  return ok, vim.diagnostic.get(bufnr)
end

function H.short_diags(diags)
  local t = {}
  for _, d in ipairs(diags) do
    table.insert(t, string.format("%d:%d-%d:%d %s %s", d.lnum, d.col, d.end_lnum or -1, d.end_col or -1, tostring(d.code), d.message))
  end
  return t
end

--- Wait (up to H.TIMEOUT) until the buffer text differs from `before` (an async edit landed).
function H.wait_change(bufnr, before, timeout)
  return vim.wait(timeout or H.TIMEOUT, function()
    return H.buf_text(bufnr) ~= before
  end, 20)
end

--- Lines of a text (LF), without the trailing empty element.
function H.lines(text)
  local l = vim.split(text, "\n", { plain = true })
  if l[#l] == "" then
    table.remove(l)
  end
  return l
end

--- The 0-based number of the first line of bufnr containing `needle` (plain); an error
--- when there is none (the fixture changed).
function H.line_of(bufnr, needle)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    if line:find(needle, 1, true) then
      return i - 1
    end
  end
  error(string.format("fixture: no line contains %q", needle))
end

--- Replace the first (plain) occurrence of `old` in `text`; an error when it is missing.
function H.replace_once(text, old, new)
  local s, e = text:find(old, 1, true)
  if not s then
    error("fixture: " .. old .. " not found")
  end
  return text:sub(1, s - 1) .. new .. text:sub(e + 1)
end

--- Find `needle` (plain) on 0-based line `lnum` of bufnr; returns the 0-based byte column.
function H.col_of(bufnr, lnum, needle, init)
  local line = vim.api.nvim_buf_get_lines(bufnr, lnum, lnum + 1, false)[1] or ""
  local s = line:find(needle, init or 1, true)
  if not s then
    error(string.format("%q not found on line %d: %q", needle, lnum, line))
  end
  return s - 1
end

--- Every running client (vim.lsp.get_clients on 0.10+, get_active_clients before).
function H.all_clients()
  if vim.lsp.get_clients then
    return vim.lsp.get_clients()
  end
  return vim.lsp.get_active_clients()
end

local function stop_clients()
  local clients = H.all_clients()
  if #clients == 0 then
    return
  end
  for _, c in ipairs(clients) do
    if H.nvim011 then
      c:stop()
    else
      c.stop()
    end
  end
  vim.wait(H.TIMEOUT, function()
    return #H.all_clients() == 0
  end, 20)
end

--- Run a test body; always ends nvim (qall! on success, cquit 1 on failure).
function H.run(name, body)
  local ok, err = xpcall(body, debug.traceback)
  if not ok then
    H.fail(name .. ": error: " .. tostring(err))
  end
  pcall(stop_clients)
  for _, d in ipairs(H.deprecations) do
    H.fail("deprecated API used: " .. d)
  end
  -- Neovim's own warnings (a misused API, a failed request) are failures too; the
  -- plugin's own messages start with [fz-lsp] and are checked by the tests that expect them.
  for _, n in ipairs(H.notes) do
    if (n.level or 0) >= vim.log.levels.WARN and not n.msg:find("[fz-lsp]", 1, true) then
      H.fail("Neovim warned: " .. n.msg)
    end
  end
  local ms = math.floor((uv.hrtime() - H.t0) / 1e6)
  local v = vim.version()
  out(vim.json.encode({ test = name, failures = #H.failures, ms = ms, nvim = string.format("%d.%d.%d", v.major, v.minor, v.patch) }))
  if #H.failures > 0 then
    io.stderr:write(string.format("%s: %d failure(s)\n", name, #H.failures))
    vim.cmd("cquit 1")
  else
    vim.cmd("qall!")
  end
end

return H
