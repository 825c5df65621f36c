-- Formatting (textDocument/formatting) to canonical style, the flowzap.format.indent setting
-- passed through setup{settings=...}, one client per root, and the bad-handle quick fix
-- applied through vim.lsp.buf.code_action.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")

local function format_buffer(bufnr)
  if vim.lsp.buf.format then
    vim.lsp.buf.format({ bufnr = bufnr, timeout_ms = H.TIMEOUT })
  else
    vim.lsp.buf.formatting_sync(nil, H.TIMEOUT)
  end
end

--- Canonical text made messy in ways that only whitespace differs.
local function messy(text)
  local out = {}
  local i = 0
  for _, line in ipairs(H.lines(text)) do
    i = i + 1
    local m = line
    if line:match("^%w+ { # ") then
      m = line:gsub(" { # ", "   {    # ", 1)
    elseif line:match("^n%d+: ") then
      m = (i % 2 == 0 and "\t" or "    ") .. line:gsub(": ", ":   ", 1):gsub(' label:"', '    label:"', 1) .. "  "
    elseif line:find(" -> ", 1, true) then
      if i % 2 == 0 then
        m = "  " .. line:gsub(" %-> ", "->", 1)
      else
        m = "\t\t" .. line:gsub(" %-> ", "   ->  ", 1)
      end
      m = m:gsub(" %[label=", "      [label=", 1)
    elseif line == "}" then
      m = "}   "
    end
    table.insert(out, m)
  end
  return table.concat(out, "\n") .. "\n"
end

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

H.run("format_quickfix", function()
  local fz = H.setup_plugin()
  local original = H.fixture("release.fz")
  local root1 = H.scratch("format-root1")
  vim.fn.mkdir(root1 .. "/.git", "p")

  -- 1. Formatting a messy copy gives back the canonical fixture text.
  local path = H.write_file(root1 .. "/messy.fz", messy(original))
  local bufnr, client1 = H.open(path)
  H.check(H.buf_text(bufnr) ~= original, "fixture is messy", "messy text", "canonical text")
  local why = H.unsupported(bufnr, "textDocument/formatting")
  H.check(why == nil, "server advertises formatting", "documentFormattingProvider", why)
  if not why then
    format_buffer(bufnr)
  end
  H.check_text(bufnr, original, "formatted messy release.fz (indent 0)")

  -- 2. Quick fix for bad-handle, chosen from vim.lsp.buf.code_action's menu.
  local qpath = H.write_file(root1 .. "/quickfix.fz", H.replace_once(original, "n3.handle(right) -> n4.handle(left)", "n3.handle(rigth) -> n4.handle(left)"))
  local qbuf, qclient = H.open(qpath)
  H.eq(qclient and qclient.id, client1 and client1.id, "second file in the same root reuses the client")
  H.eq(#H.all_clients(), 1, "one client for one root")
  local lnum = H.line_of(qbuf, "rigth")
  local col = H.col_of(qbuf, lnum, "rigth")
  local ok, diags = H.wait_diagnostics(qbuf, function(d)
    for _, x in ipairs(d) do
      if x.code == "bad-handle" then
        return true
      end
    end
    return false
  end)
  H.check(ok, "bad-handle diagnostic before the quick fix", "bad-handle", H.short_diags(diags))
  vim.api.nvim_win_set_cursor(0, { lnum + 1, col + 1 })
  local offered = {}
  local picked = false
  local orig_select = vim.ui.select
  vim.ui.select = function(items, _, on_choice)
    local choice
    for _, item in ipairs(items) do
      local action = item.action or item[2]
      table.insert(offered, string.format("%s [%s]", tostring(action.title), tostring(action.kind)))
      if not choice and action.kind == "quickfix" and tostring(action.title):find("right", 1, true) then
        choice = item
      end
    end
    picked = choice ~= nil
    on_choice(choice)
  end
  local before = H.buf_text(qbuf)
  why = H.unsupported(qbuf, "textDocument/codeAction")
  H.check(why == nil, "server advertises code actions", "codeActionProvider", why)
  if not why then
    if vim.fn.has("nvim-0.8") == 1 then
      vim.lsp.buf.code_action({ context = { only = { "quickfix" } } })
    else
      vim.lsp.buf.code_action({ only = { "quickfix" } })
    end
    H.wait_change(qbuf, before)
  end
  vim.ui.select = orig_select
  H.check(picked, "a quickfix titled with `right` is offered", "quickfix mentioning 'right'", offered)
  H.check_text(qbuf, original, "buffer after the bad-handle quick fix")
  ok, diags = H.wait_diagnostics(qbuf, function(d)
    for _, x in ipairs(d) do
      if x.code == "bad-handle" then
        return false
      end
    end
    return true
  end)
  H.check(ok, "bad-handle gone after the quick fix", "none", H.short_diags(diags))

  -- 3. Settings: a second root with format.indent = 2 gets its own client and indents lanes.
  fz.setup({
    cmd = H.server_cmd(),
    settings = { flowzap = { diagnostics = { delayMs = 0 }, format = { indent = 2 } } },
  })
  local root2 = H.scratch("format-root2")
  vim.fn.mkdir(root2 .. "/.git", "p")
  local ipath = H.write_file(root2 .. "/indent.fz", messy(original))
  local ibuf, client2 = H.open(ipath)
  H.check(client2 and client1 and client2.id ~= client1.id, "another root starts another client", "a new client id", client2 and client2.id)
  H.eq(client2 and client2.config.root_dir, root2, "root_dir of the second client (nearest .git)")
  if not H.unsupported(ibuf, "textDocument/formatting") then
    format_buffer(ibuf)
  end
  H.check_text(ibuf, indented(original, 2), "formatted with flowzap.format.indent = 2")
end)
