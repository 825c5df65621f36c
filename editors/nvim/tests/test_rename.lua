-- Rename a node id across lanes with vim.lsp.buf.rename (prepareRename + rename + apply edit):
-- its declaration, edge sources/targets (incl. `Lane.nX`) and loop members change, nothing else.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")

H.run("rename", function()
  H.setup_plugin()
  local dir = H.scratch("rename")
  local original = H.fixture("reset.fz")
  local path = H.write_file(dir .. "/reset.fz", original)
  local bufnr = H.open(path)
  local uri = vim.uri_from_bufnr(bufnr)

  -- n2 lives in lane Reader; it is referenced from lane Reader (edges, a loop across lanes)
  -- and from lane Site as `Reader.n2`. Rename it from that cross-lane reference.
  local expected = original
  expected = H.replace_once(expected, 'n2: rectangle label:"Type the e-mail address"', 'n42: rectangle label:"Type the e-mail address"')
  expected = H.replace_once(expected, "n1.handle(right) -> n2.handle(left)", "n1.handle(right) -> n42.handle(left)")
  expected = H.replace_once(expected, "n2.handle(right) -> n3.handle(left)", "n42.handle(right) -> n3.handle(left)")
  expected = H.replace_once(expected, "loop [until the address is known] n2 n3 n7 n8", "loop [until the address is known] n42 n3 n7 n8")
  expected = H.replace_once(expected, 'n8.handle(top) -> Reader.n2.handle(bottom) [label="No - try again"]', 'n8.handle(top) -> Reader.n42.handle(bottom) [label="No - try again"]')

  local lnum = H.line_of(bufnr, "Reader.n2")
  H.eq(vim.api.nvim_buf_get_lines(bufnr, lnum, lnum + 1, false)[1], 'n8.handle(top) -> Reader.n2.handle(bottom) [label="No - try again"]', "fixture: the line with Reader.n2")
  local col = H.col_of(bufnr, lnum, "Reader.n2") + #"Reader."

  -- prepareRename on the reference: the range of the `n2` token.
  local result, err = H.request(bufnr, "textDocument/prepareRename", { textDocument = { uri = uri }, position = { line = lnum, character = col + 1 } })
  local range = type(result) == "table" and (result.range or (result.start and result)) or nil
  H.eq(
    range and { range.start.line, range.start.character, range["end"].line, range["end"].character } or { "no range", result, err },
    { lnum, col, lnum, col + 2 },
    "prepareRename range on Reader.n2 {line,char,line,char}"
  )

  -- prepareRename on a shape keyword: nothing to rename there.
  local shape_line = H.line_of(bufnr, "n7: rectangle")
  local shape_col = H.col_of(bufnr, shape_line, "rectangle")
  result, err = H.request(bufnr, "textDocument/prepareRename", { textDocument = { uri = uri }, position = { line = shape_line, character = shape_col + 2 } })
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
  end)
  H.check(ok, "no undefined-node after the rename", "none", H.short_diags(diags))
end)
