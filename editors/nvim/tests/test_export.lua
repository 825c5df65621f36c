-- :FlowZapExport {path} [view] (flowzap.export: the server draws the buffer's unsaved text and
-- writes the file, in the format of its extension): an SVG, an HTML page of the sequence view, a PNG,
-- the file name completed, an unknown extension and a missing argument refused in one line.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")

local function wait_file(path)
  return vim.wait(H.TIMEOUT, function()
    return vim.fn.filereadable(path) == 1 and vim.fn.getfsize(path) > 0
  end, 20)
end

local function wait_note(needle)
  vim.wait(H.TIMEOUT, function()
    return #H.notes_with(needle) > 0
  end, 20)
  return H.notes_with(needle)
end

H.run("export", function()
  H.setup_plugin()
  H.eq(vim.fn.exists(":FlowZapExport"), 2, ":FlowZapExport is defined")
  local dir = H.scratch("export")
  local bufnr = H.open(H.write_file(dir .. "/release.fz", H.fixture("release.fz")))
  -- an unsaved edit is what gets exported
  local lnum = H.line_of(bufnr, "n1:")
  local line = vim.api.nvim_buf_get_lines(bufnr, lnum, lnum + 1, false)[1]
  local edited = line:gsub('label:"[^"]*"', 'label:"Unsaved label"', 1)
  vim.api.nvim_buf_set_lines(bufnr, lnum, lnum + 1, false, { edited })

  vim.cmd("FlowZapExport " .. dir .. "/release.svg")
  H.check(wait_file(dir .. "/release.svg"), "the SVG is written", dir .. "/release.svg", "no file")
  local svg = H.read_file(dir .. "/release.svg")
  H.check(svg:sub(1, 5) == "<svg ", "an SVG document", "<svg …", svg:sub(1, 40))
  H.check(svg:find("fz-workflow", 1, true) ~= nil, "the workflow view by default", "fz-workflow", svg:sub(1, 200))
  H.check(svg:find("Unsaved", 1, true) ~= nil, "the unsaved text is drawn", "Unsaved", "not in the SVG")
  H.check(#wait_note("wrote ") > 0, "the user is told", "wrote …", H.inspect(H.notes))

  vim.cmd("FlowZapExport " .. dir .. "/release.html sequence")
  H.check(wait_file(dir .. "/release.html"), "the HTML page is written", dir .. "/release.html", "no file")
  local page = H.read_file(dir .. "/release.html")
  H.check(page:find("<!DOCTYPE html>", 1, true) == 1, "an HTML page", "<!DOCTYPE html>", page:sub(1, 40))
  H.check(page:find("fz-sequence", 1, true) ~= nil, "the sequence view", "fz-sequence", "another view")

  vim.cmd("FlowZapExport " .. dir .. "/release.png architecture")
  H.check(wait_file(dir .. "/release.png"), "the PNG is written", dir .. "/release.png", "no file")
  local png = H.read_file(dir .. "/release.png")
  H.eq(png:sub(1, 8), "\137PNG\r\n\26\n", "a PNG image (its signature)")

  local completed = vim.fn.getcompletion("FlowZapExport " .. dir .. "/release.s", "cmdline")
  H.check(vim.tbl_contains(completed, dir .. "/release.svg"), "file names are completed", dir .. "/release.svg", H.inspect(completed))
  local views = vim.fn.getcompletion("FlowZapExport out.svg ", "cmdline")
  H.eq(views, { "workflow", "sequence", "architecture" }, "then the views")

  vim.cmd("FlowZapExport " .. dir .. "/release.jpg")
  local refused = wait_note("export failed")
  H.check(#refused == 1 and refused[1]:find("cannot tell the format of", 1, true) ~= nil, "an unknown extension is refused",
    "export failed: … cannot tell the format of …", H.inspect(refused))
  H.eq(vim.fn.filereadable(dir .. "/release.jpg"), 0, "nothing is written for it")
  H.check(not pcall(vim.cmd, "FlowZapExport"), ":FlowZapExport needs the file name", "an error", "accepted")
end)
