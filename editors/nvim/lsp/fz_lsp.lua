-- fz-lsp, the FlowZap Code language server, as a Neovim 0.11+ LSP config (the lsp/<name>.lua
-- convention that nvim-lspconfig uses). With this plugin on the runtimepath:
--
--   vim.lsp.enable("fz_lsp")                                   -- no setup() needed
--   vim.lsp.config("fz_lsp", { settings = { flowzap = { format = { indent = 2 } } } })
--   vim.lsp.config("fz_lsp", { cmd = { "/path/to/fz-lsp", "--stdio" } })   -- another server
--
-- `cmd` is `fz-lsp --stdio` from PATH, else this checkout's .venv/bin/fz-lsp; when neither
-- can be run, opening a .fz file says so in one line and starts nothing.
local fz = require("fz_lsp")

return {
  cmd = fz.lsp_cmd(nil),
  filetypes = { "flowzap" },
  root_markers = { ".git", ".hg" },
  -- The project root from root_markers (else the file's directory), and the one-line
  -- message instead of a silent skip when the server cannot be run.
  root_dir = fz.lsp_root_dir("fz_lsp"),
  -- Section "flowzap": answers workspace/configuration, and is the initializationOptions
  -- unless `init_options` is set. See editors/nvim/README.md for the keys.
  settings = { flowzap = vim.empty_dict() },
  before_init = fz.before_init,
  handlers = {
    -- The live preview asks to open http://127.0.0.1:<port>/ in a browser.
    ["window/showDocument"] = fz.show_document_handler,
  },
  on_attach = fz.on_attach, -- :FlowZapPreview, :FlowZapRenumber; omnifunc completion
}
