-- fz-lsp client for Neovim: starts the FlowZap Code language server for `flowzap` buffers.
--
--   require("fz_lsp").setup({
--     cmd = { "fz-lsp", "--stdio" },          -- default
--     settings = { flowzap = { format = { indent = 2 } } },
--     root_dir = nil,                          -- string, or function(fname, bufnr) -> string
--     on_attach = function(client, bufnr) end,
--     open_url = nil,                          -- function(url, params) -> boolean (browser opener)
--   })
--
-- Works on Neovim 0.7 (vim.lsp.start_client + vim.lsp.buf_attach_client, one client per
-- root), 0.8-0.10 (vim.lsp.start) and 0.11+ (vim.lsp.config + vim.lsp.enable).

local M = {}

M.name = "fz_lsp"

local defaults = {
  name = "fz_lsp",
  cmd = { "fz-lsp", "--stdio" },
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
  commands = true, -- define :FlowZapPreview and :FlowZapRenumber
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

--- Root directory for a buffer: `root_dir` from setup (string or function(fname, bufnr)),
--- else the nearest ancestor holding one of `root_markers`, else the file's directory.
function M.find_root(bufnr)
  local cfg = M.config or defaults
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
  local ok = vim.lsp.util.jump_to_location({ uri = result.uri, range = range }, encoding)
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

local function make_on_attach(cfg)
  return function(client, bufnr)
    if vim.bo[bufnr].omnifunc == "" then
      vim.bo[bufnr].omnifunc = "v:lua.vim.lsp.omnifunc"
    end
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

  if M.config.mode == "start" then
    return vim.lsp.start(config, { bufnr = bufnr })
  end

  -- Neovim 0.7: one client per root.
  local id = clients_by_root[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    local cmd = config.cmd
    if type(cmd) == "table" and vim.fn.executable(cmd[1]) ~= 1 then
      notify(
        string.format("cannot start %q: not executable (set `cmd` in require('fz_lsp').setup)", cmd[1]),
        vim.log.levels.ERROR
      )
      return nil
    end
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
--- opts: { bufnr = 0, view = "workflow"|"sequence", callback = function(err, result) }
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

--- Renumber the nodes n1..nN: request the `source.renumberNodes` code action and apply it.
--- opts: { bufnr = 0, callback = function(err, action) }
function M.renumber(opts)
  opts = opts or {}
  local bufnr, client = attached_client(opts)
  if not client then
    return false
  end
  local kind = "source.renumberNodes"
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = whole_buffer_range(bufnr, client.offset_encoding),
    context = { diagnostics = {}, only = { kind } },
  }
  client_request(client, "textDocument/codeAction", params, function(err, result)
    if err then
      notify("renumber failed: " .. tostring(err.message), vim.log.levels.ERROR)
      if opts.callback then
        opts.callback(err)
      end
      return
    end
    local chosen
    for _, action in ipairs(result or {}) do
      if kind_matches(action.kind, kind) then
        chosen = action
        break
      end
    end
    if not chosen then
      notify("nothing to renumber")
      if opts.callback then
        opts.callback(nil, nil)
      end
      return
    end
    apply_action(client, chosen, bufnr, opts.callback)
  end, bufnr)
  return true
end

local function define_commands()
  vim.api.nvim_create_user_command("FlowZapPreview", function(args)
    M.preview({ view = args.args ~= "" and args.args or "workflow" })
  end, {
    nargs = "?",
    complete = function()
      return { "workflow", "sequence" }
    end,
    desc = "FlowZap: open the live browser preview of this diagram",
  })
  vim.api.nvim_create_user_command("FlowZapRenumber", function()
    M.renumber()
  end, { nargs = 0, desc = "FlowZap: renumber nodes n1..nN" })
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
    define_commands()
  end

  if cfg.mode == "enable" then
    local config = M.client_config()
    config.root_dir = function(bufnr, on_dir)
      on_dir(M.find_root(bufnr))
    end
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
