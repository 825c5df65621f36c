-- Completion after `CICD.` lists that lane's nodes with their labels; hover shows the label.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")

local LABELS = {
  n5 = "Run Tests and Lint",
  n6 = "Build Container Image",
  n7 = "Push to Registry",
  n8 = "Update Manifest in Git",
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
  local path = H.write_file(dir .. "/gitops-deployment.fz", H.corpus("gitops-deployment.fz"))
  local bufnr = H.open(path)
  local uri = vim.uri_from_bufnr(bufnr)

  -- Line 9 (0-based) is the `}` closing lane Developer: type a new edge before it.
  H.eq(vim.api.nvim_buf_get_lines(bufnr, 9, 10, false)[1], "}", "fixture: line 10 closes lane Developer")
  local typed = "n4.handle(bottom) -> CICD."
  vim.api.nvim_buf_set_lines(bufnr, 9, 9, false, { typed })

  local params = {
    textDocument = { uri = uri },
    position = { line = 9, character = #typed },
    context = { triggerKind = 2, triggerCharacter = "." },
  }
  local result, err = H.request(bufnr, "textDocument/completion", params)
  H.check(err == nil, "completion request succeeds", "no error", err)
  local items = vim.lsp.util.extract_completion_items(result or {})
  local got = {}
  for _, item in ipairs(items) do
    got[item.label] = item.detail or vim.NIL
  end
  H.eq(got, LABELS, "completion items after `CICD.` (label -> detail)")

  -- Same request with triggerKind Invoked (what an explicit <C-x><C-o> sends).
  params.context = { triggerKind = 1 }
  result, err = H.request(bufnr, "textDocument/completion", params)
  got = {}
  for _, item in ipairs(vim.lsp.util.extract_completion_items(result or {})) do
    got[item.label] = item.detail or vim.NIL
  end
  H.eq(got, LABELS, "completion items after `CICD.` (invoked, label -> detail)")

  -- Remove the typed line again.
  vim.api.nvim_buf_set_lines(bufnr, 9, 10, false, {})

  -- Hover on `CICD.n5` (line 8) and on n5's declaration (line 11).
  local ref_line = 8
  local ref_col = H.col_of(bufnr, ref_line, "CICD.n5") + #"CICD."
  result, err = H.request(bufnr, "textDocument/hover", { textDocument = { uri = uri }, position = { line = ref_line, character = ref_col } })
  local text, kind = hover_text(result)
  H.check(text ~= nil and text:find(LABELS.n5, 1, true) ~= nil, "hover on CICD.n5 contains the label", LABELS.n5, text or err)
  H.eq(kind, "markdown", "hover content kind")

  result, err = H.request(bufnr, "textDocument/hover", { textDocument = { uri = uri }, position = { line = 11, character = 0 } })
  text = hover_text(result)
  H.check(text ~= nil and text:find(LABELS.n5, 1, true) ~= nil, "hover on n5's declaration contains the label", LABELS.n5, text or err)

  -- As a user: K (vim.lsp.buf.hover) opens a floating window with the label.
  vim.api.nvim_win_set_cursor(0, { ref_line + 1, ref_col })
  local shown = H.unsupported(bufnr, "textDocument/hover")
  if not shown then
    vim.lsp.buf.hover()
    vim.wait(5000, function()
      shown = floating_text()
      return shown ~= nil
    end, 20)
  end
  H.check(shown ~= nil and shown:find(LABELS.n5, 1, true) ~= nil, "vim.lsp.buf.hover() float shows the label", LABELS.n5, shown)
end)
