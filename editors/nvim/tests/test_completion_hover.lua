-- Completion after `Build.` lists that lane's nodes with their labels; hover shows the label.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")

local LABELS = { -- lane Build of tests/fixtures/nvim/release.fz
  n5 = "Compile wheels",
  n6 = "Run the test matrix",
  n7 = "Sign the artifacts",
  n8 = "Upload to the index",
}

local function hover_text(result)
  if type(result) ~= "table" or result.contents == nil then
    return nil, nil
  end
  local kind = type(result.contents) == "table" and result.contents.kind or nil
  local lines = vim.lsp.util.convert_input_to_markdown_lines(result.contents)
  return table.concat(lines, "\n"), kind
end

local function floating_text()
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(win).relative ~= "" then
      local buf = vim.api.nvim_win_get_buf(win)
      return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n")
    end
  end
  return nil
end

H.run("completion_hover", function()
  H.setup_plugin()
  local dir = H.scratch("completion")
  local path = H.write_file(dir .. "/release.fz", H.fixture("release.fz"))
  local bufnr = H.open(path)
  local uri = vim.uri_from_bufnr(bufnr)

  -- The first `}` closes lane Author: type a new edge before it.
  local close = H.line_of(bufnr, "}")
  H.eq(vim.api.nvim_buf_get_lines(bufnr, close - 1, close, false)[1], 'n4.handle(bottom) -> Build.n5.handle(top) [label="Tag event"]', "fixture: the line before lane Author's `}`")
  local typed = "n4.handle(bottom) -> Build."
  vim.api.nvim_buf_set_lines(bufnr, close, close, false, { typed })

  local params = {
    textDocument = { uri = uri },
    position = { line = close, character = #typed },
    context = { triggerKind = 2, triggerCharacter = "." },
  }
  local result, err = H.request(bufnr, "textDocument/completion", params)
  H.check(err == nil, "completion request succeeds", "no error", err)
  local got = {}
  for _, item in ipairs(H.completion_items(result)) do
    got[item.label] = item.detail or vim.NIL
  end
  H.eq(got, LABELS, "completion items after `Build.` (label -> detail)")

  -- Same request with triggerKind Invoked (what an explicit <C-x><C-o> sends).
  params.context = { triggerKind = 1 }
  result, err = H.request(bufnr, "textDocument/completion", params)
  got = {}
  for _, item in ipairs(H.completion_items(result)) do
    got[item.label] = item.detail or vim.NIL
  end
  H.eq(got, LABELS, "completion items after `Build.` (invoked, label -> detail)")

  -- Remove the typed line again.
  vim.api.nvim_buf_set_lines(bufnr, close, close + 1, false, {})

  -- Hover on the reference `Build.n5` and on n5's declaration.
  local ref_line = H.line_of(bufnr, "Build.n5")
  local ref_col = H.col_of(bufnr, ref_line, "Build.n5") + #"Build."
  result, err = H.request(bufnr, "textDocument/hover", { textDocument = { uri = uri }, position = { line = ref_line, character = ref_col } })
  local text, kind = hover_text(result)
  H.check(text ~= nil and text:find(LABELS.n5, 1, true) ~= nil, "hover on Build.n5 contains the label", LABELS.n5, text or err)
  H.eq(kind, "markdown", "hover content kind")

  result, err = H.request(bufnr, "textDocument/hover", { textDocument = { uri = uri }, position = { line = H.line_of(bufnr, "n5: rectangle"), character = 0 } })
  text = hover_text(result)
  H.check(text ~= nil and text:find(LABELS.n5, 1, true) ~= nil, "hover on n5's declaration contains the label", LABELS.n5, text or err)

  -- As a user: K (vim.lsp.buf.hover) opens a floating window with the label.
  vim.api.nvim_win_set_cursor(0, { ref_line + 1, ref_col })
  local shown = H.unsupported(bufnr, "textDocument/hover")
  if not shown then
    vim.lsp.buf.hover()
    vim.wait(H.TIMEOUT, function()
      shown = floating_text()
      return shown ~= nil
    end, 20)
  end
  H.check(shown ~= nil and shown:find(LABELS.n5, 1, true) ~= nil, "vim.lsp.buf.hover() float shows the label", LABELS.n5, shown)
end)
