-- How the plugin finds the server when `cmd` is not set (`fz-lsp` on PATH, else the
-- checkout's .venv/bin/fz-lsp), and the one line it says, once, when it cannot run one:
-- no server anywhere, or a `cmd` that is not executable. Runs a copy of the plugin inside a
-- checkout made here, so the test decides what that checkout's .venv holds.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")

local function project(dir)
  vim.fn.mkdir(dir .. "/.git", "p")
  return dir
end

local function edit(path)
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  return vim.api.nvim_get_current_buf()
end

--- Notes not from the plugin (e.g. Neovim's own spawn errors).
local function foreign_notes()
  local found = {}
  for _, n in ipairs(H.notes) do
    if not n.msg:find("[fz-lsp]", 1, true) then
      table.insert(found, n.msg)
    end
  end
  return found
end

H.run("server_command", function()
  local scratch = H.scratch("server-command")
  local checkout = scratch .. "/checkout"
  local plugin = checkout .. "/editors/nvim"
  vim.fn.mkdir(plugin, "p")
  for _, sub in ipairs({ "ftdetect", "ftplugin", "syntax", "lua", "lsp" }) do
    local out = vim.fn.system({ "cp", "-R", H.plugin_dir .. "/" .. sub, plugin .. "/" .. sub })
    assert(vim.v.shell_error == 0, "cp " .. sub .. ": " .. out)
  end
  vim.env.PATH = H.path_without_server()
  H.eq(vim.fn.executable("fz-lsp"), 0, "no fz-lsp on PATH")
  vim.opt.runtimepath:append(plugin)
  vim.cmd("filetype plugin on")
  local fz = require("fz_lsp")
  H.eq(fz.checkout_dir(), checkout, "checkout_dir() of the copied plugin")
  H.eq(fz.find_server(), nil, "find_server() with no fz-lsp on PATH and no .venv")
  H.check(not fz.NOT_FOUND:find("\n", 1, true), "the not-found message is one line", "one line", fz.NOT_FOUND)
  local text = H.fixture("release.fz")
  local not_found = "[fz-lsp] " .. fz.NOT_FOUND

  -- 0. Neovim 0.11+ without setup(): vim.lsp.enable reads lsp/fz_lsp.lua; with no server,
  -- opening .fz files says what to do, once, and starts nothing.
  if H.nvim011 then
    vim.lsp.enable("fz_lsp")
    local root0 = project(scratch .. "/project0")
    edit(H.write_file(root0 .. "/a.fz", text))
    edit(H.write_file(root0 .. "/b.fz", text))
    vim.wait(H.TIMEOUT, function()
      return #H.notes_with("[fz-lsp]") > 0
    end, 20)
    H.eq(H.notes_with("[fz-lsp]"), { not_found }, "vim.lsp.enable, no server: the message, once for two files")
    H.eq(#H.all_clients(), 0, "vim.lsp.enable, no server: no client")
    vim.lsp.enable("fz_lsp", false)
  end

  -- 1. setup() with the default cmd and no server anywhere: the same single message.
  fz.setup({ settings = { flowzap = { diagnostics = { delayMs = 0 } } } })
  local root1 = project(scratch .. "/project1")
  edit(H.write_file(root1 .. "/a.fz", text))
  edit(H.write_file(root1 .. "/b.fz", text))
  vim.wait(H.TIMEOUT, function()
    return #H.notes_with("[fz-lsp]") > 0
  end, 20)
  H.eq(H.notes_with("[fz-lsp]"), { not_found }, "setup(), no server: the message, once per session")
  H.eq(#H.all_clients(), 0, "setup(), no server: no client")
  H.eq(foreign_notes(), {}, "no other message (no spawn error)")
  H.eq(vim.v.errmsg, "", "no error message")

  -- 2. The checkout gets its .venv (bash scripts/dev.sh): the next file starts from there.
  local venv_program = H.server_program(checkout .. "/.venv/bin")
  H.eq(fz.find_server(), { venv_program, "--stdio" }, "find_server(): the checkout's .venv/bin/fz-lsp")
  local bufnr, client = H.open(H.write_file(root1 .. "/c.fz", text))
  H.eq(H.starts(venv_program), { "started --stdio" }, "the server was started through .venv/bin/fz-lsp")
  if not H.nvim011 then
    H.eq(client and client.config.cmd, { venv_program, "--stdio" }, "client cmd")
  end
  local result = H.request(bufnr, "textDocument/hover", {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = H.line_of(bufnr, "n5: rectangle"), character = 0 },
  })
  local hover = result and vim.lsp.util.convert_input_to_markdown_lines(result.contents) or {}
  H.check(table.concat(hover, "\n"):find("Compile wheels", 1, true) ~= nil, "that server answers hover", "Compile wheels", hover)

  -- 3. fz-lsp on PATH (pipx install ., an activated virtualenv) comes first.
  local path_program = H.server_program(scratch .. "/bin")
  vim.env.PATH = scratch .. "/bin:" .. vim.env.PATH
  H.eq(fz.find_server(), { "fz-lsp", "--stdio" }, "find_server(): fz-lsp on PATH first")
  local root2 = project(scratch .. "/project2")
  local _, client2 = H.open(H.write_file(root2 .. "/a.fz", text))
  H.check(client2 and client and client2.id ~= client.id, "another root, another client", "a new client", client2 and client2.id)
  H.eq(H.starts(path_program), { "started --stdio" }, "the server was started through fz-lsp on PATH")
  H.eq(#H.starts(venv_program), 1, "nothing more started through .venv/bin/fz-lsp")

  -- 4. An explicit cmd that is not executable: one line naming it, once, and no client.
  fz.setup({ cmd = { "fz-lsp-not-installed", "--stdio" } })
  local clients_before = #H.all_clients()
  local root3 = project(scratch .. "/project3")
  edit(H.write_file(root3 .. "/a.fz", text))
  edit(H.write_file(root3 .. "/b.fz", text))
  vim.wait(H.TIMEOUT, function()
    return #H.notes_with("fz-lsp-not-installed") > 0
  end, 20)
  local said = H.notes_with("fz-lsp-not-installed")
  H.eq(#said, 1, "cmd not executable: one message for two files")
  H.check(
    said[1] ~= nil and said[1]:find('"fz-lsp-not-installed" is not executable', 1, true) ~= nil and not said[1]:find("\n", 1, true),
    "cmd not executable: the message names the command, on one line",
    '[fz-lsp] cannot start the server: "fz-lsp-not-installed" is not executable; ...',
    said
  )
  H.eq(#H.all_clients(), clients_before, "cmd not executable: no new client")
  H.eq(foreign_notes(), {}, "still no other message")
  H.eq(vim.v.errmsg, "", "still no error message")
end)
