-- Rename a node id across lanes with vim.lsp.buf.rename (prepareRename + rename + apply edit):
-- its declaration, edge sources/targets (incl. `Lane.nX`) and loop members change, nothing else.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")

local function replace_line(text, old, new)
  local s, e = text:find(old, 1, true)
  assert(s, "fixture: line not found: " .. old)
  return text:sub(1, s - 1) .. new .. text:sub(e + 1)
end

H.run("rename", function()
  H.setup_plugin()
  local dir = H.scratch("rename")
  local original = H.corpus("skill-ref-auth-three-lane-loop-spaced.fz")
  local path = H.write_file(dir .. "/auth.fz", original)
  local bufnr = H.open(path)
  local uri = vim.uri_from_bufnr(bufnr)

  -- n2 lives in lane User; it is referenced from lane User (edges, loop) and from lane
  -- Application as `User.n2`. Rename it from that cross-lane reference.
  local expected = original
  expected = replace_line(expected, 'n2: rectangle label:"Enter username and password"', 'n42: rectangle label:"Enter username and password"')
  expected = replace_line(expected, "n1.handle(right) -> n2.handle(left)", "n1.handle(right) -> n42.handle(left)")
  expected = replace_line(expected, "n2.handle(right) -> n3.handle(left)", "n42.handle(right) -> n3.handle(left)")
  expected = replace_line(expected, "loop [retry until valid format] n2 n3 n7 n8", "loop [retry until valid format] n42 n3 n7 n8")
  expected = replace_line(expected, 'n8.handle(top) -> User.n2.handle(bottom) [label="No - Error"]', 'n8.handle(top) -> User.n42.handle(bottom) [label="No - Error"]')

  local lnum = 23
  H.eq(vim.api.nvim_buf_get_lines(bufnr, lnum, lnum + 1, false)[1], 'n8.handle(top) -> User.n2.handle(bottom) [label="No - Error"]', "fixture line 24")
  local col = H.col_of(bufnr, lnum, "User.n2") + #"User."

  -- prepareRename on the reference: the range of the `n2` token.
  local result, err = H.request(bufnr, "textDocument/prepareRename", { textDocument = { uri = uri }, position = { line = lnum, character = col + 1 } })
  local range = type(result) == "table" and (result.range or (result.start and result)) or nil
  H.eq(
    range and { range.start.line, range.start.character, range["end"].line, range["end"].character } or { "no range", result, err },
    { lnum, col, lnum, col + 2 },
    "prepareRename range on User.n2 {line,char,line,char}"
  )

  -- prepareRename on a shape keyword: nothing to rename there.
  local shape_col = H.col_of(bufnr, 14, "rectangle")
  result, err = H.request(bufnr, "textDocument/prepareRename", { textDocument = { uri = uri }, position = { line = 14, character = shape_col + 2 } })
  H.check(result == nil or err ~= nil, "prepareRename on `rectangle` refuses (null or error)", "nil result or an error", result)

  -- As a user: cursor on the reference, :lua vim.lsp.buf.rename('n42').
  local before = H.buf_text(bufnr)
  local why = H.unsupported(bufnr, "textDocument/rename")
  H.check(why == nil, "server advertises rename", "renameProvider", why)
  if not why then
    vim.api.nvim_win_set_cursor(0, { lnum + 1, col })
    vim.lsp.buf.rename("n42")
    H.check(H.wait_change(bufnr, before), "vim.lsp.buf.rename changed the buffer", "changed buffer", "unchanged after 5 s")
  end
  H.check_text(bufnr, expected, "buffer after renaming n2 -> n42")

  -- The renamed document is still valid: no undefined-node anywhere.
  local ok, diags = H.wait_diagnostics(bufnr, function(d)
    for _, x in ipairs(d) do
      if x.code == "undefined-node" then
        return false
      end
    end
    return true
  end, 3000)
  H.check(ok, "no undefined-node after the rename", "none", H.short_diags(diags))
end)
