-- ftdetect (*.fz -> flowzap), ftplugin (commentstring) and syntax groups. No server needed.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")

H.run("filetype_syntax", function()
  vim.opt.runtimepath:append(H.plugin_dir)
  vim.cmd("filetype plugin on")
  vim.cmd("syntax on")

  local dir = H.scratch("syntax")
  local text = table.concat({
    "// a comment TODO",
    "Developer { # Developer Lane",
    "n1: circle label:\"Code Change\"",
    "n2: taskbox owner:\"Ops\" description:\"A|B\" system:\"CI\"",
    "n1.handle(right) -> CICD.n3.handle(top) [label=\"Trigger\"]",
    "n2.handle(rigth) -> n1.handle(left)",
    "loop [until green] n1 n2",
    "}",
    "CICD {",
    "# Old style label",
    "n3: rectangle label:\"Run\"",
    "n3.handle(left) --> n1.handle(right)",
    "}",
    "",
  }, "\n")
  local path = H.write_file(dir .. "/sample.fz", text)
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()

  H.eq(vim.bo[bufnr].filetype, "flowzap", "filetype of *.fz")
  H.eq(vim.bo[bufnr].commentstring, "// %s", "commentstring")
  H.eq(vim.b[bufnr].current_syntax, "flowzap", "b:current_syntax")

  -- A non-.fz file is not flowzap.
  local other = H.write_file(dir .. "/notes.txt", "hello\n")
  vim.cmd("edit " .. vim.fn.fnameescape(other))
  H.check(vim.bo.filetype ~= "flowzap", "filetype of *.txt is not flowzap", "not flowzap", vim.bo.filetype)
  vim.cmd("buffer " .. bufnr)

  -- {line (1-based), needle, occurrence offset inside needle (0-based), expected group}
  local function group_at(lnum, needle, offset)
    local line = vim.fn.getline(lnum)
    local s = line:find(needle, 1, true)
    if not s then
      return "<" .. needle .. " not on line " .. lnum .. ">"
    end
    local col = s + (offset or 0)
    return vim.fn.synIDattr(vim.fn.synID(lnum, col, 1), "name")
  end
  local cases = {
    { 1, "//", 0, "flowzapComment" },
    { 1, "TODO", 0, "flowzapTodo" },
    { 2, "Developer", 0, "flowzapLaneId" },
    { 2, "{", 0, "flowzapBrace" },
    { 2, "# Developer Lane", 3, "flowzapLaneLabel" },
    { 3, "n1", 0, "flowzapNodeDecl" },
    { 3, "circle", 0, "flowzapShape" },
    { 3, "label", 0, "flowzapAttrKey" },
    { 3, "\"Code Change\"", 2, "flowzapString" },
    { 4, "taskbox", 0, "flowzapShape" },
    { 4, "owner", 0, "flowzapAttrKey" },
    { 4, "description", 0, "flowzapAttrKey" },
    { 4, "system", 0, "flowzapAttrKey" },
    { 4, "|", 0, "flowzapStringSep" },
    { 5, "n1", 0, "flowzapNodeId" },
    { 5, "handle", 0, "flowzapHandle" },
    { 5, "right", 0, "flowzapDirection" },
    { 5, "->", 0, "flowzapArrow" },
    { 5, "CICD", 0, "flowzapLanePrefix" },
    { 5, "n3", 0, "flowzapNodeId" },
    { 5, "top", 0, "flowzapDirection" },
    { 5, "[", 0, "flowzapBracket" },
    { 5, "label=", 0, "flowzapAttrKey" },
    { 5, "Trigger", 0, "flowzapEdgeLabelText" },
    { 6, "rigth", 0, "flowzapBadDirection" },
    { 6, "left", 0, "flowzapDirection" },
    { 7, "loop", 0, "flowzapLoopKeyword" },
    { 7, "until green", 0, "flowzapLoopCondition" },
    { 7, "n1", 0, "flowzapNodeId" },
    { 10, "Old style", 0, "flowzapLaneLabel" },
    { 12, "-->", 0, "flowzapMermaidArrow" },
    { 13, "}", 0, "flowzapBrace" },
  }
  for _, c in ipairs(cases) do
    H.eq(group_at(c[1], c[2], c[3]), c[4], string.format("syntax group of %q on line %d", c[2], c[1]))
  end
end)
