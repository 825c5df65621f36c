-- The user's language (issue 17): `settings = { flowzap = { locale = "zh-CN" } }` in setup()
-- gives Chinese diagnostics from the first publication (the settings are also sent as
-- initializationOptions), on the same token as in English; a later
-- workspace/didChangeConfiguration with locale "fr" re-publishes them in French.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")

local CHINESE = "`n2` 后缺少 `:`：请写成 `n2: rectangle …`"
local FRENCH = "Il manque `:` après `n2`\194\160: écrivez `n2: rectangle …`" -- a no-break space before ":"

local function syntax_errors(diags)
  local t = {}
  for _, d in ipairs(diags) do
    if d.code == "syntax-error" then
      table.insert(t, d)
    end
  end
  return t
end

H.run("language", function()
  H.setup_plugin({ settings = { flowzap = { diagnostics = { delayMs = 0 }, locale = "zh-CN" } } })
  local dir = H.scratch("language")
  local path = H.write_file(dir .. "/收银.fz",
    'Shop { # 收银台\nn1: circle label:"开始"\nn2 rectangle label:"结账"\nn1.handle(right) -> n2.handle(left)\n}\n')
  local bufnr = H.open(path)

  local ok, diags = H.wait_diagnostics(bufnr, function(d)
    return #syntax_errors(d) == 1
  end)
  H.check(ok, "one syntax-error published", "1", H.short_diags(diags))
  local d = syntax_errors(diags)[1]
  if d then
    H.eq(d.message, CHINESE, "the message in Chinese")
    H.eq({ d.lnum, d.col, d.end_lnum, d.end_col }, { 2, 0, 2, 2 }, "range {lnum,col,end_lnum,end_col} (the `n2` token)")
  end

  local client = require("fz_lsp").get_client(bufnr)
  local settings = { flowzap = { diagnostics = { delayMs = 0 }, locale = "fr" } }
  -- what Neovim answers to the server's workspace/configuration, then the notification
  client.config.settings = settings
  if client.settings ~= nil then
    client.settings = settings
  end
  if vim.fn.has("nvim-0.11") == 1 then
    client:notify("workspace/didChangeConfiguration", { settings = settings })
  else
    client.notify("workspace/didChangeConfiguration", { settings = settings })
  end
  ok, diags = H.wait_diagnostics(bufnr, function(found)
    local e = syntax_errors(found)[1]
    return e ~= nil and e.message == FRENCH
  end)
  H.check(ok, "re-published in French after the setting changed", FRENCH, H.short_diags(diags))
end)
