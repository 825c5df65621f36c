-- Shared helpers for the headless Neovim tests of editors/nvim (run by tests/test_neovim.py).
--
--   nvim --headless -u NONE -c 'luafile editors/nvim/tests/test_x.lua'
--
-- Environment:
--   FZ_LSP_CMD       JSON array: the server command (e.g. ["/venv/bin/python","-m","fz_lsp"])
--   FZ_TEST_TMPDIR   scratch directory for copies of corpus files (default: a tempname())
--   FZ_CORPUS_DIR    the corpus (default: /work/shared/corpus)
--
-- Every script ends nvim itself: `qall!` on success, `cquit 1` on any failure or error.

local H = {}

local this = debug.getinfo(1, "S").source:sub(2)
H.tests_dir = vim.fn.fnamemodify(this, ":p:h")
H.plugin_dir = vim.fn.fnamemodify(H.tests_dir, ":h")
H.failures = {}
H.results = {}
H.t0 = vim.loop.hrtime()

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

H.corpus_dir = H.env("FZ_CORPUS_DIR", "/work/shared/corpus")
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

function H.corpus(name)
  return H.read_file(H.corpus_dir .. "/" .. name)
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

--- Load the plugin as a user would: runtimepath + filetype detection + setup{}.
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
  local fz = require("fz_lsp")
  fz.setup(vim.tbl_deep_extend("force", base, opts or {}))
  return fz
end

local function fz_client(bufnr)
  return require("fz_lsp").get_client(bufnr)
end

--- :edit a file and wait until the fz-lsp client is attached and initialized.
function H.open(path, timeout)
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  if vim.bo[bufnr].filetype ~= "flowzap" then
    error(string.format("filetype of %s: expected 'flowzap', got %q", path, vim.bo[bufnr].filetype))
  end
  -- The plugin attaches in the FileType autocmd, so a client exists right away unless it
  -- could not be started at all (e.g. cmd not executable).
  if not vim.wait(1000, function()
    return fz_client(bufnr) ~= nil
  end, 10) then
    error("no fz-lsp client attached to " .. path .. " (cmd: " .. table.concat(H.server_cmd(), " ") .. "; not executable?)")
  end
  local ok = vim.wait(timeout or 15000, function()
    local c = fz_client(bufnr)
    return (c ~= nil and c.initialized == true) or #(H.exits or {}) > 0
  end, 20)
  if H.exits and #H.exits > 0 then
    error(string.format(
      "the fz-lsp server exited during start-up (exit code %s, signal %s); cmd: %s (see lsp.log for its stderr)",
      tostring(H.exits[1].code), tostring(H.exits[1].signal), table.concat(H.server_cmd(), " ")
    ))
  end
  if not ok then
    local c = fz_client(bufnr)
    error(string.format(
      "fz-lsp did not attach/initialize within %d ms (client: %s; cmd %s). Check that the server starts: %s",
      timeout or 15000,
      c and ("attached, initialized=" .. tostring(c.initialized)) or "none attached",
      table.concat(H.server_cmd(), " "),
      table.concat(H.server_cmd(), " ") .. " < /dev/null"
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

--- A synchronous request to the fz-lsp client of bufnr: returns result, err.
--- Fails fast (no timeout wait) when the server does not advertise the method.
function H.request(bufnr, method, params, timeout)
  local why = H.unsupported(bufnr, method)
  if why then
    return nil, { message = why }
  end
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, timeout or 5000)
  if not responses then
    return nil, { message = "no response (" .. tostring(err) .. ")" }
  end
  local c = fz_client(bufnr)
  local r = c and responses[c.id]
  if not r then
    return nil, { message = "no response from the fz-lsp client" }
  end
  return r.result, r.error
end

--- Wait until predicate(diagnostics) holds; returns ok, diagnostics.
function H.wait_diagnostics(bufnr, predicate, timeout)
  local diags
  local ok = vim.wait(timeout or 8000, function()
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

--- Wait until the buffer text differs from `before` (an async edit landed).
function H.wait_change(bufnr, before, timeout)
  return vim.wait(timeout or 5000, function()
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

--- Find `needle` (plain) on 0-based line `lnum` of bufnr; returns the 0-based byte column.
function H.col_of(bufnr, lnum, needle, init)
  local line = vim.api.nvim_buf_get_lines(bufnr, lnum, lnum + 1, false)[1] or ""
  local s = line:find(needle, init or 1, true)
  if not s then
    error(string.format("%q not found on line %d: %q", needle, lnum, line))
  end
  return s - 1
end

local function stop_clients()
  local clients = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  if #clients == 0 then
    return
  end
  for _, c in ipairs(clients) do
    if vim.fn.has("nvim-0.11") == 1 then
      c:stop()
    else
      c.stop()
    end
  end
  vim.wait(3000, function()
    local left = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
    return #left == 0
  end, 20)
end

--- Run a test body; always ends nvim (qall! on success, cquit 1 on failure).
function H.run(name, body)
  local ok, err = xpcall(body, debug.traceback)
  if not ok then
    H.fail(name .. ": error: " .. tostring(err))
  end
  pcall(stop_clients)
  local ms = math.floor((vim.loop.hrtime() - H.t0) / 1e6)
  out(vim.json.encode({ test = name, failures = #H.failures, ms = ms, nvim = tostring(vim.version().major) .. "." .. tostring(vim.version().minor) .. "." .. tostring(vim.version().patch) }))
  if #H.failures > 0 then
    io.stderr:write(string.format("%s: %d failure(s)\n", name, #H.failures))
    vim.cmd("cquit 1")
  else
    vim.cmd("qall!")
  end
end

return H
