-- :FlowZapFixAll (the source.fixAll.flowzap code action), fix on save (setup{fix_on_save=true}
-- then :write), and :FlowZapOpenInFlowZap (flowzap.openInFlowZap -> window/showDocument with
-- the playground URL of the unsaved text).
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")

--- release.fz with three slips FlowZap's validator rejects or cannot draw, each with a safe fix.
local function slipped(original)
  local text = H.replace_once(original, "n3.handle(right) -> n4.handle(left)", "n3.handel(right) -> n4.handle(left)")
  text = text:gsub('(n2: %w+ )label:"', '%1label="', 1)
  return text
end

local function wait_text(bufnr, expected)
  return vim.wait(H.TIMEOUT, function()
    return H.buf_text(bufnr) == expected
  end, 20)
end

H.run("fix_all", function()
  local original = H.fixture("release.fz")
  local broken = slipped(original)
  H.check(broken ~= original, "the fixture has the slips", "changed text", "unchanged")
  local fz = H.setup_plugin()
  H.eq(vim.fn.exists(":FlowZapFixAll"), 2, ":FlowZapFixAll is defined")
  H.eq(vim.fn.exists(":FlowZapOpenInFlowZap"), 2, ":FlowZapOpenInFlowZap is defined")
  local dir = H.scratch("fix-all")

  -- 1. :FlowZapFixAll gives back the clean fixture.
  local bufnr = H.open(H.write_file(dir .. "/fixall.fz", broken))
  vim.cmd("FlowZapFixAll")
  H.check(wait_text(bufnr, original), ":FlowZapFixAll restores the fixture", original, H.buf_text(bufnr))

  -- 2. Open in FlowZap: the URL carries the unsaved text, base64url-encoded.
  vim.api.nvim_buf_set_lines(bufnr, 0, 0, false, { "// unsaved line" })
  local before = #H.opened_urls
  vim.cmd("FlowZapOpenInFlowZap")
  vim.wait(H.TIMEOUT, function()
    return #H.opened_urls > before
  end, 20)
  local url = H.opened_urls[before + 1] and H.opened_urls[before + 1].url or ""
  H.check(url:find("^https://flowzap%.xyz/playground%?code=") ~= nil, "the playground URL is opened", "https://flowzap.xyz/playground?code=…", url)
  local code = url:match("code=([%w%-_]+)$") or ""
  H.check(#code > 0, "the URL carries the text", "a base64url code", url)
  local ok, decoded = pcall(function()
    local b64 = code:gsub("-", "+"):gsub("_", "/")
    b64 = b64 .. string.rep("=", (4 - #b64 % 4) % 4)
    return vim.base64 and vim.base64.decode(b64) or nil
  end)
  if ok and decoded then
    H.eq(decoded, H.buf_text(bufnr), "the URL decodes to the buffer's unsaved text")
  end

  -- 3. Fix on save.
  fz.setup({ cmd = H.server_cmd(), settings = { flowzap = { diagnostics = { delayMs = 0 } } }, fix_on_save = true })
  local path = H.write_file(dir .. "/onsave.fz", broken)
  local sbuf = H.open(path)
  vim.cmd("write")
  H.check(wait_text(sbuf, original), "the buffer is fixed on :write", original, H.buf_text(sbuf))
  local written = table.concat(vim.fn.readfile(path), "\n") .. "\n"
  H.eq(written, original, "the file on disk is the fixed text")
end)
