-- fz-lsp client for Neovim: starts the FlowZap Code language server for `flowzap` buffers.
--
--   require("fz_lsp").setup({
--     cmd = nil,      -- default: `fz-lsp --stdio` from PATH, else this checkout's .venv/bin/fz-lsp
--     settings = { flowzap = { format = { indent = 2 } } },
--     root_dir = nil,                          -- string, or function(fname, bufnr) -> string
--     on_attach = function(client, bufnr) end,
--     open_url = nil,                          -- function(url, params) -> boolean (browser opener)
--   })
--
-- Works on Neovim 0.7 (vim.lsp.start_client + vim.lsp.buf_attach_client, one client per
-- root), 0.8-0.10 (vim.lsp.start) and 0.11+ (vim.lsp.config + vim.lsp.enable). On 0.11+ the
-- plugin also works without setup(): `vim.lsp.enable("fz_lsp")` reads lsp/fz_lsp.lua.

local M = {}

M.name = "fz_lsp"

local defaults = {
  name = "fz_lsp",
  -- The server command; nil: `fz-lsp --stdio` from PATH, else this checkout's .venv (see
  -- M.find_server). When it cannot be run the user gets one line saying what to do.
  cmd = nil,
  cmd_env = nil,
  filetypes = { "flowzap" },
  -- Settings for the server, section "flowzap" (sent as initializationOptions too and
  -- answered to workspace/configuration). `settings = { diagnostics = ... }` without the
  -- `flowzap` wrapper is accepted as well.
  settings = nil,
  init_options = nil,
  root_dir = nil,
  root_markers = { ".git", ".hg" },
  on_attach = nil,
  on_init = nil,
  on_exit = nil, -- function(code, signal, client_id)
  capabilities = nil,
  handlers = nil,
  flags = nil,
  open_url = nil,
  commands = true, -- define :FlowZapPreview, :FlowZapExport, :FlowZapRenumber, :FlowZapFixAll, :FlowZapOpenInFlowZap
  fix_on_save = false, -- apply "Fix all FlowZap problems" (source.fixAll.flowzap) before each :write
  mode = nil, -- "start_client" (0.7) | "start" (0.8-0.10) | "enable" (0.11+); nil = detect
}

M.config = nil
local uv = vim.uv or vim.loop
local clients_by_root = {} -- 0.7 path: root_dir -> client id

-- ---------------------------------------------------------------------------------------
-- helpers

local function has(feature)
  return vim.fn.has(feature) == 1
end

local function notify(msg, level)
  vim.notify("[fz-lsp] " .. msg, level or vim.log.levels.INFO)
end

local told = {}

--- notify() each distinct message once per session (one line per missing server, not one
--- per buffer opened).
local function notify_once(msg, level)
  if not told[msg] then
    told[msg] = true
    notify(msg, level)
  end
end

--- Which client start API to use on this Neovim.
function M.detect_mode()
  if has("nvim-0.11") and vim.lsp.config and vim.lsp.enable then
    return "enable"
  elseif vim.lsp.start then
    return "start"
  end
  return "start_client"
end

local function is_dir(path)
  local stat = uv.fs_stat(path)
  return stat ~= nil and stat.type == "directory"
end

local function exists(path)
  return uv.fs_stat(path) ~= nil
end

-- ---------------------------------------------------------------------------------------
-- the server command

local this_file = debug.getinfo(1, "S").source:sub(2)

--- The fz-lsp checkout this plugin was loaded from (the directory holding
--- editors/nvim/lua/fz_lsp/init.lua), or nil when the plugin was copied elsewhere.
function M.checkout_dir()
  local file = vim.fn.fnamemodify(this_file, ":p")
  local root = vim.fn.fnamemodify(file, ":h:h:h:h:h")
  local expected = root .. "/editors/nvim/lua/fz_lsp/init.lua"
  if vim.fn.fnamemodify(expected, ":p") == file then
    return root
  end
  return nil
end

--- The server programs of a virtualenv at `root`/.venv (what `bash scripts/dev.sh` makes).
local function venv_programs(root)
  return { root .. "/.venv/bin/fz-lsp", root .. "/.venv/Scripts/fz-lsp.exe" }
end

--- The default server command: `fz-lsp --stdio` when `fz-lsp` is on PATH (pipx install .,
--- or an activated virtualenv), else the checkout's own .venv/bin/fz-lsp; nil when neither
--- can be run.
function M.find_server()
  if vim.fn.executable("fz-lsp") == 1 then
    return { "fz-lsp", "--stdio" }
  end
  local root = M.checkout_dir()
  if root then
    for _, program in ipairs(venv_programs(root)) do
      if vim.fn.executable(program) == 1 then
        return { program, "--stdio" }
      end
    end
  end
  return nil
end

M.NOT_FOUND = "fz-lsp not found: it is not on PATH and this checkout has no .venv/bin/fz-lsp;"
  .. " run `pipx install .` in the fz-lsp checkout, activate its .venv, or set `cmd`"

--- The command to start the server with: `cmd` (a list, or a function as vim.lsp allows),
--- or M.find_server() when `cmd` is nil. Returns the command, or nil and a one-line reason.
function M.resolve_cmd(cmd)
  if cmd == nil then
    local found = M.find_server()
    if found then
      return found
    end
    return nil, M.NOT_FOUND
  end
  if type(cmd) == "table" and (type(cmd[1]) ~= "string" or vim.fn.executable(cmd[1]) ~= 1) then
    return nil, string.format(
      "cannot start the server: %s is not executable; set `cmd` to the fz-lsp command, e.g. { \"fz-lsp\", \"--stdio\" }",
      vim.inspect(cmd[1])
    )
  end
  return cmd
end

local late_commands = setmetatable({}, { __mode = "k" }) -- function -> the cmd it stands for

--- `cmd` for vim.lsp.config (0.11+): the resolved command list when it can be run now, else
--- a function that resolves it again when a buffer starts the server (so a server installed
--- later in the session is found). lsp_root_dir() keeps that function from running while
--- there is still nothing to run.
function M.lsp_cmd(cmd)
  local resolved = M.resolve_cmd(cmd)
  if resolved then
    return resolved
  end
  local function start(dispatchers, config)
    local now = M.resolve_cmd(cmd) or cmd or { "fz-lsp", "--stdio" }
    if type(now) == "function" then
      return now(dispatchers, config)
    end
    config = config or {}
    return vim.lsp.rpc.start(now, dispatchers, { cwd = config.cmd_cwd, env = config.cmd_env, detached = config.detached })
  end
  late_commands[start] = cmd or false
  return start
end

--- `root_dir` for vim.lsp.config (0.11+) for the config called `name`: the buffer's project
--- root (`find(bufnr)`; default: the nearest directory with one of the config's
--- `root_markers`, else the file's directory), given to on_dir only when the server command
--- can be run; otherwise the user is told once, in one line, and nothing starts (Neovim
--- would skip the config silently, or fail with a spawn error).
function M.lsp_root_dir(name, find)
  return function(bufnr, on_dir)
    local config = vim.lsp.config[name] or {}
    local cmd = config.cmd
    local wanted = late_commands[cmd]
    if wanted ~= nil then
      cmd = wanted or nil
    end
    if wanted ~= nil or type(cmd) == "table" then
      local ok, why = M.resolve_cmd(cmd)
      if not ok then
        notify_once(why, vim.log.levels.WARN)
        return
      end
    end
    if find then
      on_dir(find(bufnr))
    else
      on_dir(M.find_root(bufnr, { root_markers = config.root_markers or defaults.root_markers }))
    end
  end
end

--- Root directory for a buffer: `root_dir` from setup (string or function(fname, bufnr)),
--- else the nearest ancestor holding one of `root_markers`, else the file's directory.
--- opts (optional) replaces the setup() values: { root_dir = ..., root_markers = {...} }.
function M.find_root(bufnr, opts)
  local cfg = opts or M.config or defaults
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local fname = vim.api.nvim_buf_get_name(bufnr)
  if type(cfg.root_dir) == "string" then
    return cfg.root_dir
  elseif type(cfg.root_dir) == "function" then
    local root = cfg.root_dir(fname, bufnr)
    if root then
      return root
    end
  end
  if fname == "" then
    return uv.cwd()
  end
  local dir = vim.fn.fnamemodify(fname, ":p:h")
  local start = dir
  while dir and dir ~= "" do
    for _, marker in ipairs(cfg.root_markers or {}) do
      if exists(dir .. "/" .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then
      break
    end
    dir = parent
  end
  return is_dir(start) and start or uv.cwd()
end

--- The `flowzap` settings table, with empty tables encoded as JSON objects.
local function normalize_settings(settings)
  settings = vim.deepcopy(settings or {})
  if settings.flowzap == nil then
    settings = { flowzap = settings }
  end
  if type(settings.flowzap) == "table" and next(settings.flowzap) == nil then
    settings.flowzap = vim.empty_dict()
  end
  return settings
end

--- Default browser opener: vim.ui.open (0.10+), else xdg-open / open / start.
function M.default_open_url(url)
  if vim.ui and vim.ui.open then
    local ok, obj, err = pcall(vim.ui.open, url)
    if ok and obj then
      return true
    end
    return false, tostring(err or obj)
  end
  local cmd
  if has("win32") then
    cmd = { "cmd.exe", "/c", "start", "", url }
  elseif has("mac") or has("macunix") then
    cmd = { "open", url }
  elseif vim.fn.executable("wslview") == 1 then
    cmd = { "wslview", url }
  else
    cmd = { "xdg-open", url }
  end
  if vim.fn.executable(cmd[1]) ~= 1 then
    return false, cmd[1] .. " not found"
  end
  local job = vim.fn.jobstart(cmd, { detach = true })
  if job <= 0 then
    return false, "could not run " .. cmd[1]
  end
  return true
end

--- `window/showDocument` handler. Neovim 0.7 has none (and advertises no support); later
--- versions have one, but this one honours the `open_url` option everywhere.
function M.show_document_handler(err, result, ctx, config)
  if err or type(result) ~= "table" or type(result.uri) ~= "string" then
    return { success = false }
  end
  if result.external then
    local opener = (M.config and M.config.open_url) or M.default_open_url
    local ok, opened, why = pcall(opener, result.uri, result)
    if ok and opened ~= false then
      return { success = true }
    end
    notify(
      string.format("could not open %s (%s); open it in a browser yourself", result.uri, tostring(ok and why or opened)),
      vim.log.levels.WARN
    )
    return { success = false }
  end
  -- A document inside the editor.
  local builtin = vim.lsp.handlers["window/showDocument"]
  if builtin and builtin ~= M.show_document_handler then
    local res = builtin(err, result, ctx, config)
    return res or { success = true }
  end
  local client = ctx and vim.lsp.get_client_by_id(ctx.client_id)
  local encoding = client and client.offset_encoding or "utf-16"
  local bufnr = vim.uri_to_bufnr(result.uri)
  vim.fn.bufload(bufnr)
  vim.bo[bufnr].buflisted = true
  if result.takeFocus == false then
    return { success = true }
  end
  local range = result.selection or { start = { line = 0, character = 0 }, ["end"] = { line = 0, character = 0 } }
  local ok
  if vim.lsp.util.show_document then -- 0.11+ (jump_to_location is deprecated there)
    ok = vim.lsp.util.show_document({ uri = result.uri, range = range }, encoding, { focus = true })
  else
    ok = vim.lsp.util.jump_to_location({ uri = result.uri, range = range }, encoding)
  end
  return { success = ok ~= false }
end

local function client_request(client, method, params, handler, bufnr)
  if has("nvim-0.11") then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function client_notify(client, method, params)
  if has("nvim-0.11") then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

--- Clients attached to a buffer (all versions).
local function buf_clients(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr })
  end
  local list = {}
  for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do
    table.insert(list, client)
  end
  return list
end

--- The fz-lsp client attached to `bufnr` (default: current buffer), or nil.
function M.get_client(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local name = (M.config and M.config.name) or defaults.name
  for _, client in ipairs(buf_clients(bufnr)) do
    if client.name == name then
      return client
    end
  end
  return nil
end

-- ---------------------------------------------------------------------------------------
-- client configuration

local function make_capabilities(cfg)
  local caps = vim.lsp.protocol.make_client_capabilities()
  caps = vim.tbl_deep_extend("force", caps, {
    window = { showDocument = { support = true } },
  })
  if cfg.capabilities then
    caps = vim.tbl_deep_extend("force", caps, cfg.capabilities)
  end
  return caps
end

--- What every fz-lsp client does on attach (also lsp/fz_lsp.lua's on_attach): completion
--- through omnifunc when nothing else set one, and the :FlowZap… commands.
function M.on_attach(_, bufnr)
  if vim.bo[bufnr].omnifunc == "" then
    vim.bo[bufnr].omnifunc = "v:lua.vim.lsp.omnifunc"
  end
  if not M.config or M.config.commands then
    M.define_commands()
  end
end

--- before_init for lsp/fz_lsp.lua: without `init_options`, the server's initializationOptions
--- are the `flowzap` settings, so they hold from the first diagnostics on.
function M.before_init(params, config)
  local settings = config and config.settings
  if params.initializationOptions == nil and type(settings) == "table" and settings.flowzap ~= nil then
    params.initializationOptions = { flowzap = settings.flowzap }
  end
end

local function make_on_attach(cfg)
  return function(client, bufnr)
    M.on_attach(client, bufnr)
    if cfg.on_attach then
      cfg.on_attach(client, bufnr)
    end
  end
end

local function make_on_init(cfg)
  return function(client, result)
    -- Push the settings too (servers that do not pull workspace/configuration).
    client_notify(client, "workspace/didChangeConfiguration", { settings = cfg.settings })
    if cfg.on_init then
      return cfg.on_init(client, result)
    end
  end
end

--- The base client config (no root_dir) shared by all start paths.
function M.client_config()
  local cfg = assert(M.config, "fz_lsp: call require('fz_lsp').setup() first")
  local handlers = vim.tbl_extend("force", {
    ["window/showDocument"] = M.show_document_handler,
  }, cfg.handlers or {})
  return {
    name = cfg.name,
    cmd = cfg.cmd,
    cmd_env = cfg.cmd_env,
    filetypes = cfg.filetypes,
    settings = cfg.settings,
    init_options = cfg.init_options,
    capabilities = make_capabilities(cfg),
    handlers = handlers,
    flags = cfg.flags,
    on_attach = make_on_attach(cfg),
    on_init = make_on_init(cfg),
    on_exit = cfg.on_exit,
  }
end

local function attachable(bufnr)
  return vim.api.nvim_buf_is_valid(bufnr)
    and vim.bo[bufnr].buftype == ""
    and vim.tbl_contains(M.config.filetypes, vim.bo[bufnr].filetype)
end

--- Start (or reuse) the client for this buffer's root and attach it. Used on 0.7-0.10.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not attachable(bufnr) then
    return nil
  end
  local root = M.find_root(bufnr)
  local config = M.client_config()
  config.root_dir = root
  config.workspace_folders = { { uri = vim.uri_from_fname(root), name = root } }

  -- Neovim 0.7: one client per root (0.8-0.10: vim.lsp.start reuses it).
  local id = clients_by_root[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if M.config.mode == "start" or not client or client.is_stopped() then
    -- A command that cannot run: one clear line, not Neovim's spawn error per buffer.
    local cmd, why = M.resolve_cmd(config.cmd)
    if not cmd then
      notify_once(why, vim.log.levels.WARN)
      return nil
    end
    config.cmd = cmd
  end
  if M.config.mode == "start" then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  if not client or client.is_stopped() then
    local user_on_exit = config.on_exit
    config.on_exit = function(code, signal, client_id)
      if clients_by_root[root] == client_id then
        clients_by_root[root] = nil
      end
      if user_on_exit then
        user_on_exit(code, signal, client_id)
      end
    end
    id = vim.lsp.start_client(config)
    if not id then
      return nil
    end
    clients_by_root[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

-- ---------------------------------------------------------------------------------------
-- commands

--- The buffer named by opts.bufnr (0 or nil: the current one) and its fz-lsp client;
--- the client is nil, after telling the user, when fz-lsp is not attached.
local function attached_client(opts)
  local bufnr = (opts.bufnr == nil or opts.bufnr == 0) and vim.api.nvim_get_current_buf() or opts.bufnr
  local client = M.get_client(bufnr)
  if not client then
    notify("fz-lsp is not attached to this buffer", vim.log.levels.ERROR)
  end
  return bufnr, client
end

--- Open the live browser preview of `bufnr` (workspace/executeCommand
--- flowzap.openBrowserPreview). The server answers with window/showDocument.
--- opts: { bufnr = 0, view = "workflow"|"sequence"|"architecture", callback = function(err, result) }
function M.preview(opts)
  opts = opts or {}
  local bufnr, client = attached_client(opts)
  if not client then
    return false
  end
  local params = {
    command = "flowzap.openBrowserPreview",
    arguments = { { uri = vim.uri_from_bufnr(bufnr), view = opts.view or "workflow" } },
  }
  client_request(client, "workspace/executeCommand", params, function(err, result)
    if err then
      notify("preview failed: " .. tostring(err.message or err), vim.log.levels.ERROR)
    elseif type(result) == "table" and result.url then
      notify("preview at " .. result.url)
    end
    if opts.callback then
      opts.callback(err, result)
    end
  end, bufnr)
  return true
end

local function kind_matches(kind, wanted)
  return kind == wanted or (type(kind) == "string" and kind:sub(1, #wanted + 1) == wanted .. ".")
end

local function whole_buffer_range(bufnr, encoding)
  local n = vim.api.nvim_buf_line_count(bufnr)
  local last = vim.api.nvim_buf_get_lines(bufnr, n - 1, n, false)[1] or ""
  local character = #last
  if encoding ~= "utf-8" then
    if has("nvim-0.11") then
      character = vim.str_utfindex(last, encoding == "utf-32" and "utf-32" or "utf-16")
    else
      local utf32, utf16 = vim.str_utfindex(last)
      character = encoding == "utf-32" and utf32 or utf16
    end
  end
  return { start = { line = 0, character = 0 }, ["end"] = { line = n - 1, character = character } }
end

local function apply_action(client, action, bufnr, done)
  local function finish(a)
    if a.edit then
      vim.lsp.util.apply_workspace_edit(a.edit, client.offset_encoding)
    end
    local command = a.command
    if type(command) == "table" then
      client_request(client, "workspace/executeCommand", {
        command = command.command,
        arguments = command.arguments,
      }, function(err, result)
        if done then
          done(err, result)
        end
      end, bufnr)
    elseif type(command) == "string" then -- a bare Command
      client_request(client, "workspace/executeCommand", {
        command = a.command,
        arguments = a.arguments,
      }, function(err, result)
        if done then
          done(err, result)
        end
      end, bufnr)
    elseif done then
      done(nil, a)
    end
  end
  local caps = client.server_capabilities or {}
  local provider = caps.codeActionProvider
  if not action.edit and not action.command and type(provider) == "table" and provider.resolveProvider then
    client_request(client, "codeAction/resolve", action, function(err, resolved)
      if err then
        notify("codeAction/resolve failed: " .. tostring(err.message), vim.log.levels.ERROR)
        if done then
          done(err)
        end
        return
      end
      finish(resolved)
    end, bufnr)
  else
    finish(action)
  end
end

--- The first action of `kind` in a textDocument/codeAction result.
local function action_of_kind(result, kind)
  for _, action in ipairs(result or {}) do
    if kind_matches(action.kind, kind) then
      return action
    end
  end
  return nil
end

local function source_action_params(bufnr, client, kind)
  return {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = whole_buffer_range(bufnr, client.offset_encoding),
    context = { diagnostics = {}, only = { kind } },
  }
end

--- Request the source action `kind` for the whole buffer and apply it.
--- what: the words for the messages ("renumber", "nothing to renumber").
local function run_source_action(kind, what, nothing, opts)
  opts = opts or {}
  local bufnr, client = attached_client(opts)
  if not client then
    return false
  end
  client_request(client, "textDocument/codeAction", source_action_params(bufnr, client, kind), function(err, result)
    if err then
      notify(what .. " failed: " .. tostring(err.message), vim.log.levels.ERROR)
      if opts.callback then
        opts.callback(err)
      end
      return
    end
    local chosen = action_of_kind(result, kind)
    if not chosen then
      if not opts.quiet then
        notify(nothing)
      end
      if opts.callback then
        opts.callback(nil, nil)
      end
      return
    end
    apply_action(client, chosen, bufnr, opts.callback)
  end, bufnr)
  return true
end

--- Renumber the nodes n1..nN: request the `source.renumberNodes` code action and apply it.
--- opts: { bufnr = 0, callback = function(err, action) }
function M.renumber(opts)
  return run_source_action("source.renumberNodes", "renumber", "nothing to renumber", opts)
end

M.FIX_ALL = "source.fixAll.flowzap"

--- Fix all FlowZap problems: every safe quick fix at once (`source.fixAll.flowzap`).
--- opts: { bufnr = 0, callback = function(err, action), sync = false, timeout_ms = 3000 }
--- With sync, waits for the answer and applies it before returning (what fix on save needs).
function M.fix_all(opts)
  opts = opts or {}
  if not opts.sync then
    return run_source_action(M.FIX_ALL, "fix all", "nothing to fix", opts)
  end
  local bufnr, client = attached_client(opts)
  if not client then
    return false
  end
  local params = source_action_params(bufnr, client, M.FIX_ALL)
  local response
  if has("nvim-0.11") then
    response = client:request_sync("textDocument/codeAction", params, opts.timeout_ms or 3000, bufnr)
  else
    response = client.request_sync("textDocument/codeAction", params, opts.timeout_ms or 3000, bufnr)
  end
  if not response or response.err then
    notify("fix all failed: " .. tostring(response and response.err and response.err.message or "no answer"), vim.log.levels.WARN)
    return false
  end
  local chosen = action_of_kind(response.result, M.FIX_ALL)
  if chosen and chosen.edit then
    vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
  end
  return chosen ~= nil
end

--- Open the buffer's current text in FlowZap's web playground (flowzap.openInFlowZap: the
--- server builds the URL and asks Neovim to open it, through window/showDocument).
--- opts: { bufnr = 0, callback = function(err, result) }
function M.open_in_flowzap(opts)
  opts = opts or {}
  local bufnr, client = attached_client(opts)
  if not client then
    return false
  end
  local params = { command = "flowzap.openInFlowZap", arguments = { { uri = vim.uri_from_bufnr(bufnr) } } }
  client_request(client, "workspace/executeCommand", params, function(err, result)
    if err then
      notify("open in FlowZap failed: " .. tostring(err.message or err), vim.log.levels.ERROR)
    end
    if opts.callback then
      opts.callback(err, result)
    end
  end, bufnr)
  return true
end

--- Export the buffer's diagram (its current, unsaved text) to a file: SVG, PNG or HTML by
--- the file's extension (flowzap.export; the server draws and writes it).
--- opts: { bufnr = 0, path = "out.png", view = "workflow"|"sequence"|"architecture",
---         theme = "light"|"dark" (default: the preview.theme setting), scale = 1, callback }
function M.export(opts)
  opts = opts or {}
  if type(opts.path) ~= "string" or opts.path == "" then
    notify("give the file to write, e.g. :FlowZapExport diagram.png", vim.log.levels.ERROR)
    return false
  end
  local bufnr, client = attached_client(opts)
  if not client then
    return false
  end
  local path = vim.fn.fnamemodify(vim.fn.expand(opts.path), ":p")
  local arguments = { uri = vim.uri_from_bufnr(bufnr), path = path, view = opts.view or "workflow" }
  arguments.theme = opts.theme
  arguments.scale = opts.scale
  local params = { command = "flowzap.export", arguments = { arguments } }
  client_request(client, "workspace/executeCommand", params, function(err, result)
    if err then
      notify("export failed: " .. tostring(err.message or err), vim.log.levels.ERROR)
    elseif type(result) == "table" and result.path then
      notify(string.format("wrote %s (%s, %d bytes)", vim.fn.fnamemodify(result.path, ":~:."), result.format, result.bytes))
    end
    if opts.callback then
      opts.callback(err, result)
    end
  end, bufnr)
  return true
end

--- The user commands: name -> { run = function(args), and nvim_create_user_command options
--- (nargs, complete, desc) }. A new command is one more entry here.
M.commands = {
  FlowZapPreview = {
    run = function(args)
      M.preview({ view = args.args ~= "" and args.args or "workflow" })
    end,
    nargs = "?",
    complete = function()
      return { "workflow", "sequence", "architecture" }
    end,
    desc = "FlowZap: open the live browser preview of this diagram",
  },
  FlowZapExport = {
    run = function(args)
      local path, view = args.fargs[1], args.fargs[2]
      M.export({ path = path, view = view })
    end,
    nargs = "+",
    complete = function(arg_lead, cmd_line)
      if #vim.split(cmd_line, "%s+", { trimempty = true }) >= (arg_lead == "" and 2 or 3) then
        return { "workflow", "sequence", "architecture" }
      end
      return vim.fn.getcompletion(arg_lead, "file")
    end,
    desc = "FlowZap: export this diagram to a file (.svg, .png or .html) [view]",
  },
  FlowZapRenumber = {
    run = function()
      M.renumber()
    end,
    nargs = 0,
    desc = "FlowZap: renumber nodes n1..nN",
  },
  FlowZapFixAll = {
    run = function()
      M.fix_all()
    end,
    nargs = 0,
    desc = "FlowZap: fix all problems with a safe quick fix",
  },
  FlowZapOpenInFlowZap = {
    run = function()
      M.open_in_flowzap()
    end,
    nargs = 0,
    desc = "FlowZap: open this (unsaved) diagram in FlowZap's web playground",
  },
}

--- Apply "Fix all FlowZap problems" to every flowzap buffer before it is written (what
--- `fix_on_save = true` in setup() does; call it yourself with vim.lsp.enable("fz_lsp")).
function M.fix_on_save()
  local group = vim.api.nvim_create_augroup("fz_lsp_fix_on_save", { clear = true })
  vim.api.nvim_create_autocmd("BufWritePre", {
    group = group,
    callback = function(args)
      if vim.bo[args.buf].filetype == "flowzap" and M.get_client(args.buf) then
        M.fix_all({ bufnr = args.buf, sync = true })
      end
    end,
    desc = "fz-lsp: fix all FlowZap problems before writing",
  })
end

--- Define (or redefine) every command of M.commands.
function M.define_commands()
  for name, spec in pairs(M.commands) do
    local opts = {}
    for key, value in pairs(spec) do
      if key ~= "run" then
        opts[key] = value
      end
    end
    vim.api.nvim_create_user_command(name, spec.run, opts)
  end
end

-- ---------------------------------------------------------------------------------------
-- setup

function M.setup(opts)
  local cfg = vim.tbl_extend("force", vim.deepcopy(defaults), opts or {})
  cfg.settings = normalize_settings(cfg.settings)
  if cfg.init_options == nil then
    cfg.init_options = { flowzap = cfg.settings.flowzap }
  end
  cfg.mode = cfg.mode or M.detect_mode()
  M.config = cfg
  M.name = cfg.name

  if cfg.commands then
    M.define_commands()
  end
  if cfg.fix_on_save then
    M.fix_on_save()
  end

  if cfg.mode == "enable" then
    local config = M.client_config()
    config.cmd = M.lsp_cmd(cfg.cmd)
    config.root_dir = M.lsp_root_dir(cfg.name, function(bufnr)
      return M.find_root(bufnr)
    end)
    vim.lsp.config(cfg.name, config)
    vim.lsp.enable(cfg.name)
    return M
  end

  local group = vim.api.nvim_create_augroup("fz_lsp", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = cfg.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
    desc = "fz-lsp: start/attach the FlowZap language server",
  })
  -- Buffers opened before setup().
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and attachable(bufnr) then
      M.attach(bufnr)
    end
  end
  return M
end

return M
