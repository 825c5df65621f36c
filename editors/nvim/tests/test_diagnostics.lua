-- Diagnostics through the plugin: undefined-node and bad-handle at the exact token, and they
-- go away after the fix is typed into the buffer (changes reach the server via didChange).
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")

local function by_code(diags, code)
  local t = {}
  for _, d in ipairs(diags) do
    if d.code == code then
      table.insert(t, d)
    end
  end
  return t
end

H.run("diagnostics", function()
  H.setup_plugin()
  local dir = H.scratch("diagnostics")
  local original = H.fixture("release.fz")
  -- lane Author: n1.handle(right) -> n2.handle(left)     => bad handle `rigth`
  -- lane Build:  n7.handle(right) -> n8.handle(left) ... => undefined node `n42`
  local text = H.replace_once(original, "n1.handle(right) -> n2.handle(left)", "n1.handle(rigth) -> n2.handle(left)")
  text = H.replace_once(text, "n7.handle(right) -> n8.handle(left)", "n7.handle(right) -> n42.handle(left)")
  local path = H.write_file(dir .. "/release-broken.fz", text)

  local bufnr = H.open(path)
  local bad_lnum, undef_lnum = H.line_of(bufnr, "rigth"), H.line_of(bufnr, "n42")
  local bad_col = H.col_of(bufnr, bad_lnum, "rigth")
  local undef_col = H.col_of(bufnr, undef_lnum, "n42")

  local ok, diags = H.wait_diagnostics(bufnr, function(d)
    return #by_code(d, "undefined-node") > 0 and #by_code(d, "bad-handle") > 0
  end)
  H.check(ok, "undefined-node and bad-handle diagnostics published", "both codes", H.short_diags(diags))

  local undef = by_code(diags, "undefined-node")
  H.eq(#undef, 1, "number of undefined-node diagnostics")
  if undef[1] then
    local d = undef[1]
    H.eq({ d.lnum, d.col, d.end_lnum, d.end_col }, { undef_lnum, undef_col, undef_lnum, undef_col + 3 }, "undefined-node range {lnum,col,end_lnum,end_col} (the `n42` token)")
    H.eq(d.source, "flowzap", "undefined-node source")
    H.eq(d.severity, vim.diagnostic.severity.ERROR, "undefined-node severity")
    H.check(d.message:find("n42", 1, true) ~= nil, "undefined-node message names n42", "message containing n42", d.message)
  end

  local bad = by_code(diags, "bad-handle")
  H.eq(#bad, 1, "number of bad-handle diagnostics")
  if bad[1] then
    local d = bad[1]
    H.eq({ d.lnum, d.col, d.end_lnum, d.end_col }, { bad_lnum, bad_col, bad_lnum, bad_col + 5 }, "bad-handle range {lnum,col,end_lnum,end_col} (the `rigth` token)")
    H.eq(d.source, "flowzap", "bad-handle source")
    H.eq(d.severity, vim.diagnostic.severity.ERROR, "bad-handle severity")
    H.check(d.message:find("right", 1, true) ~= nil, "bad-handle message suggests `right`", "message containing 'right'", d.message)
  end

  -- Fix 1: nvim_buf_set_text (an API edit).
  vim.api.nvim_buf_set_text(bufnr, bad_lnum, bad_col, bad_lnum, bad_col + 5, { "right" })
  ok, diags = H.wait_diagnostics(bufnr, function(d)
    return #by_code(d, "bad-handle") == 0
  end)
  H.check(ok, "bad-handle gone after typing `right`", "no bad-handle", H.short_diags(diags))
  H.eq(#by_code(diags, "undefined-node"), 1, "undefined-node still there after the first fix")

  -- Fix 2: typed keys (cw n8 <Esc>) on the `n42` token.
  vim.api.nvim_win_set_cursor(0, { undef_lnum + 1, undef_col })
  vim.api.nvim_feedkeys("cwn8" .. vim.api.nvim_replace_termcodes("<Esc>", true, false, true), "xt", false)
  H.eq(vim.api.nvim_buf_get_lines(bufnr, undef_lnum, undef_lnum + 1, false)[1], 'n7.handle(right) -> n8.handle(left) [label="Checksums"]', "line after typing the fix")
  ok, diags = H.wait_diagnostics(bufnr, function(d)
    return #by_code(d, "undefined-node") == 0
  end)
  H.check(ok, "undefined-node gone after typing `n8`", "no undefined-node", H.short_diags(diags))

  -- The buffer is the valid fixture again: no errors at all.
  H.check_text(bufnr, original, "buffer after both fixes equals the fixture")
  local errors = vim.diagnostic.get(bufnr, { severity = vim.diagnostic.severity.ERROR })
  H.eq(H.short_diags(errors), {}, "no error diagnostics on the fixed (valid) file")

  -- Non-ASCII before the token: a loop whose condition has CJK and an emoji (UTF-16 surrogate
  -- pair) names an undefined node; vim.diagnostic columns are bytes, the server's UTF-16.
  -- The loop goes in as the last line of lane Author (before its `}`).
  local loop_line = "loop [重试 😀 retry] n1 n77"
  local loop_lnum = H.line_of(bufnr, "}")
  vim.api.nvim_buf_set_lines(bufnr, loop_lnum, loop_lnum, false, { loop_line })
  local s = loop_line:find("n77", 1, true) - 1
  ok, diags = H.wait_diagnostics(bufnr, function(d)
    return #by_code(d, "undefined-node") > 0
  end)
  local u = by_code(diags, "undefined-node")[1]
  H.eq(u and { u.lnum, u.col, u.end_lnum, u.end_col } or H.short_diags(diags), { loop_lnum, s, loop_lnum, s + 3 }, "undefined-node range after CJK + emoji (byte columns)")
  vim.api.nvim_buf_set_lines(bufnr, loop_lnum, loop_lnum + 1, false, {})
  ok, diags = H.wait_diagnostics(bufnr, function(d)
    return #by_code(d, "undefined-node") == 0
  end)
  H.check(ok, "undefined-node gone after deleting the loop line", "none", H.short_diags(diags))
end)
