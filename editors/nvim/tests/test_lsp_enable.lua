-- lsp/fz_lsp.lua, the Neovim 0.11+ config file (nvim-lspconfig's convention): with the plugin
-- on the runtimepath, `vim.lsp.enable("fz_lsp")` alone, no setup(), starts fz-lsp for .fz
-- files: `fz-lsp` from PATH, the project root from root_markers, diagnostics, hover, the
-- :FlowZap… commands, and settings given with vim.lsp.config. On Neovim 0.7 (no
-- vim.lsp.enable) the file still loads and returns that config.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")

--- Every line inside a lane indented by n spaces (what format.indent = n produces).
local function indented(text, n)
  local out = {}
  for _, line in ipairs(H.lines(text)) do
    if line == "}" or line:match("{ #") or line == "" then
      table.insert(out, line)
    else
      table.insert(out, string.rep(" ", n) .. line)
    end
  end
  return table.concat(out, "\n") .. "\n"
end

H.run("lsp_enable", function()
  local scratch = H.scratch("lsp-enable")
  local program = H.server_program(scratch .. "/bin") -- as `pipx install .` would
  vim.env.PATH = scratch .. "/bin:" .. H.path_without_server()
  vim.opt.runtimepath:append(H.plugin_dir)
  vim.cmd("filetype plugin on")
  local fz = require("fz_lsp")

  local file = H.plugin_dir .. "/lsp/fz_lsp.lua"
  local config = dofile(file)
  H.eq(config.cmd, { "fz-lsp", "--stdio" }, "cmd: fz-lsp from PATH")
  H.eq(config.filetypes, { "flowzap" }, "filetypes")
  H.eq(config.root_markers, { ".git", ".hg" }, "root_markers")
  H.eq(type(config.root_dir), "function", "root_dir is a function (root_markers, else the file's directory)")
  H.eq(type(config.settings) == "table" and type(config.settings.flowzap), "table", "settings.flowzap")
  H.check(config.handlers["window/showDocument"] == fz.show_document_handler, "the plugin's window/showDocument handler", "fz.show_document_handler", config.handlers)
  H.check(config.on_attach == fz.on_attach, "on_attach defines the commands", "fz.on_attach", config.on_attach)

  if not H.nvim011 then
    H.eq(vim.lsp.enable, nil, "Neovim 0.7 has no vim.lsp.enable (setup() is the way there)")
    return
  end

  H.eq(vim.api.nvim_get_runtime_file("lsp/fz_lsp.lua", true), { file }, "lsp/fz_lsp.lua is found on the runtimepath")
  vim.lsp.enable("fz_lsp")
  H.eq(vim.lsp.config.fz_lsp.filetypes, { "flowzap" }, "vim.lsp.config.fz_lsp resolves from the file")

  -- A file two directories below the project root, with an undefined node.
  local root = scratch .. "/project"
  vim.fn.mkdir(root .. "/.git", "p")
  vim.fn.mkdir(root .. "/docs/flows", "p")
  local text = H.replace_once(H.fixture("release.fz"), "n7.handle(right) -> n8.handle(left)", "n7.handle(right) -> n42.handle(left)")
  local bufnr, client = H.open(H.write_file(root .. "/docs/flows/release.fz", text))
  H.eq(client and client.name, "fz_lsp", "client name")
  H.eq(client and client.config.cmd, { "fz-lsp", "--stdio" }, "client cmd")
  H.eq(client and client.root_dir, root, "root_dir: the nearest directory with .git")
  H.eq(H.starts(program), { "started --stdio" }, "the server was started through fz-lsp on PATH")
  H.eq(vim.fn.exists(":FlowZapPreview"), 2, ":FlowZapPreview is defined on attach")
  H.eq(vim.fn.exists(":FlowZapRenumber"), 2, ":FlowZapRenumber is defined on attach")

  local lnum = H.line_of(bufnr, "n42")
  local col = H.col_of(bufnr, lnum, "n42")
  local ok, diags = H.wait_diagnostics(bufnr, function(d)
    return #d > 0
  end)
  H.check(ok, "diagnostics published", "some", H.short_diags(diags))
  local undefined = {}
  for _, d in ipairs(diags) do
    if d.code == "undefined-node" then
      table.insert(undefined, { d.lnum, d.col, d.end_lnum, d.end_col })
    end
  end
  H.eq(undefined, { { lnum, col, lnum, col + 3 } }, "undefined-node at `n42` {lnum,col,end_lnum,end_col}")

  local result, err = H.request(bufnr, "textDocument/hover", {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = H.line_of(bufnr, "Build.n5"), character = H.col_of(bufnr, H.line_of(bufnr, "Build.n5"), "n5") },
  })
  local hover = result and table.concat(vim.lsp.util.convert_input_to_markdown_lines(result.contents), "\n") or nil
  H.check(hover ~= nil and hover:find("Compile wheels", 1, true) ~= nil, "hover on Build.n5 shows its label", "Compile wheels", hover or err)

  -- Settings through vim.lsp.config reach a client started after them (another root).
  vim.lsp.config("fz_lsp", { settings = { flowzap = { diagnostics = { delayMs = 0 }, format = { indent = 2 } } } })
  local root2 = scratch .. "/project2"
  vim.fn.mkdir(root2 .. "/.git", "p")
  local ibuf, client2 = H.open(H.write_file(root2 .. "/release.fz", H.fixture("release.fz")))
  H.check(client2 and client and client2.id ~= client.id, "another root, another client", "a new client", client2 and client2.id)
  vim.lsp.buf.format({ bufnr = ibuf, timeout_ms = H.TIMEOUT })
  H.check_text(ibuf, indented(H.fixture("release.fz"), 2), "formatted with format.indent = 2 from vim.lsp.config")
end)
