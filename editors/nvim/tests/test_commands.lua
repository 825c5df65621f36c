-- :FlowZapPreview (flowzap.openBrowserPreview -> window/showDocument external http URL reaches
-- the plugin's handler / open_url), :FlowZapPreview architecture (completed, opens the
-- architecture view's page; a click posted by the page moves the cursor to the source),
-- :FlowZapPreview sequence (its order follows flowzap.preview.sequenceOrder) and
-- :FlowZapRenumber (source.renumberNodes code action).
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")

--- Minimal HTTP request over libuv (GET, or POST of a JSON `body` from the page's own
--- origin, as its script sends it); returns the status line (or an error string), or with
--- `whole` the whole response (read until the server closes the connection).
local function http_get(url, whole, body)
  local host, port, path = url:match("^http://([%d%.]+):(%d+)(/?.*)$")
  if not host then
    return "not an http://IP:port URL: " .. url
  end
  if path == "" then
    path = "/"
  end
  local tcp = (vim.uv or vim.loop).new_tcp()
  local buf, done, failure = "", false, nil
  tcp:connect(host, tonumber(port), function(err)
    if err then
      failure, done = "connect: " .. err, true
      return
    end
    -- Host with the port, as a browser sends it (the server rejects other hosts).
    if body then
      tcp:write("POST " .. path .. " HTTP/1.0\r\nHost: " .. host .. ":" .. port .. "\r\nOrigin: http://" .. host .. ":" .. port
        .. "\r\nContent-Type: application/json\r\nContent-Length: " .. #body .. "\r\n\r\n" .. body)
    else
      tcp:write("GET " .. path .. " HTTP/1.0\r\nHost: " .. host .. ":" .. port .. "\r\n\r\n")
    end
    tcp:read_start(function(rerr, chunk)
      if rerr then
        failure, done = "read: " .. rerr, true
      elseif chunk then
        buf = buf .. chunk
        if not whole and buf:find("\r\n") then
          done = true
        end
      else
        done = true
      end
    end)
  end)
  vim.wait(H.TIMEOUT, function()
    return done
  end, 20)
  pcall(function()
    tcp:read_stop()
    tcp:close()
  end)
  if failure then
    return failure
  end
  if whole then
    return buf
  end
  return buf:match("^([^\r\n]*)") or ("no response: " .. buf)
end

local function http_status(url)
  return http_get(url, false)
end

local function failed()
  return #H.notes_with("preview failed") > 0
end

H.run("commands", function()
  H.setup_plugin()
  local original = H.fixture("release.fz")
  local dir = H.scratch("commands")

  H.eq(vim.fn.exists(":FlowZapPreview"), 2, ":FlowZapPreview is defined")
  H.eq(vim.fn.exists(":FlowZapRenumber"), 2, ":FlowZapRenumber is defined")

  -- Preview.
  local bufnr, client = H.open(H.write_file(dir .. "/release.fz", original))
  local fz = require("fz_lsp")

  -- The plugin's window/showDocument handler, on its own (no server involved).
  H.check(client.handlers["window/showDocument"] == fz.show_document_handler, "client uses the plugin's window/showDocument handler", "fz_lsp.show_document_handler", client.handlers["window/showDocument"])
  local caps = client.config.capabilities or {}
  H.eq(caps.window and caps.window.showDocument and caps.window.showDocument.support, true, "client advertises window.showDocument.support")
  local res = fz.show_document_handler(nil, { uri = "http://127.0.0.1:9/unit", external = true }, { method = "window/showDocument", client_id = client.id }, {})
  H.eq(res, { success = true }, "handler result for an external URL")
  H.eq(H.opened_urls[1] and H.opened_urls[1].url, "http://127.0.0.1:9/unit", "open_url got the external URL")
  local other = H.write_file(dir .. "/other.fz", original)
  res = fz.show_document_handler(nil, {
    uri = vim.uri_from_fname(other),
    takeFocus = true,
    selection = { start = { line = 2, character = 4 }, ["end"] = { line = 2, character = 6 } },
  }, { method = "window/showDocument", client_id = client.id }, {})
  H.eq(res, { success = true }, "handler result for a file URI")
  H.eq({ vim.api.nvim_buf_get_name(0), vim.api.nvim_win_get_cursor(0) }, { other, { 3, 4 } }, "file URI opened at the selection {name, cursor}")
  vim.cmd("buffer " .. bufnr)
  H.opened_urls = {}
  local why = H.unsupported(bufnr, "workspace/executeCommand")
  H.check(why == nil, "server advertises workspace/executeCommand", "executeCommandProvider", why)
  local commands = vim.tbl_get and vim.tbl_get(require("fz_lsp").get_client(bufnr).server_capabilities, "executeCommandProvider", "commands")
    or ((require("fz_lsp").get_client(bufnr).server_capabilities.executeCommandProvider or {}).commands)
  H.check(
    commands and vim.tbl_contains(commands, "flowzap.openBrowserPreview"),
    "server lists flowzap.openBrowserPreview",
    "flowzap.openBrowserPreview in executeCommandProvider.commands",
    commands
  )
  if not why then
    vim.cmd("FlowZapPreview")
    vim.wait(H.TIMEOUT, function()
      return #H.opened_urls > 0 or failed()
    end, 20)
  end
  local shown = H.opened_urls[1]
  H.check(shown ~= nil, "window/showDocument reached the handler (open_url called)", "one call", H.opened_urls)
  if shown then
    H.check(shown.url:match("^http://127%.0%.0%.1:%d+/") ~= nil, "preview URL is http://127.0.0.1:<port>/...", "http://127.0.0.1:<port>/...", shown.url)
    H.eq(shown.params and shown.params.external, true, "showDocument external flag")
    local status = http_status(shown.url)
    H.check(status:match("^HTTP/1%.[01] 200") ~= nil, "preview URL answers 200", "HTTP/1.x 200 ...", status)
  end
  local url_note
  vim.wait(H.TIMEOUT, function()
    if failed() then
      return true
    end
    for _, n in ipairs(H.notes) do
      url_note = n.msg:match("preview at (%S+)")
      if url_note then
        return true
      end
    end
    return false
  end, 20)
  H.check(url_note ~= nil and url_note:match("^http://127%.0%.0%.1:%d+") ~= nil, "executeCommand result {url} reported to the user", "[fz-lsp] preview at http://127.0.0.1:...", H.notes)

  -- The architecture view: completed, opened, its page shows one component per lane.
  H.eq(vim.fn.getcompletion("FlowZapPreview ", "cmdline"), { "workflow", "sequence", "architecture" }, ":FlowZapPreview completes the three views")
  if not why then
    H.opened_urls = {}
    vim.cmd("FlowZapPreview architecture")
    vim.wait(H.TIMEOUT, function()
      return #H.opened_urls > 0 or failed()
    end, 20)
  end
  local arch = H.opened_urls[1]
  H.check(arch ~= nil and shown ~= nil and arch.url ~= shown.url, "the architecture view has a page of its own", "a second URL", { arch, shown })
  if arch then
    local page = http_get(arch.url, true)
    H.check(page:match("^HTTP/1%.[01] 200") ~= nil, "architecture page answers 200", "HTTP/1.x 200 ...", page:sub(1, 80))
    H.check(page:find("fz-architecture", 1, true) ~= nil, "the page draws the architecture view", "class fz-architecture", page:sub(1, 200))
    local components = select(2, page:gsub('class="fz%-component" data%-lane="', ""))
    H.eq(components, 4, "one component per lane of release.fz")
    for _, lane in ipairs({ "Author", "Build", "Mirror", "User" }) do
      H.check(page:find('data-lane="' .. lane .. '"', 1, true) ~= nil, "component " .. lane, lane, "missing")
    end
    H.check(page:find('data-from="Author" data-to="Build" data-count="1" data-lines="8"', 1, true) ~= nil, "Author -> Build arrow stands for line 8 (0-based)", "data-lines=\"8\"", "missing")
    -- Click to source: the page posts what a click hit; the server answers with
    -- window/showDocument and the plugin's handler puts the cursor there.
    vim.api.nvim_win_set_cursor(0, { 1, 0 })
    local posted = http_get(arch.url .. "/reveal", false, '{"lane": "Mirror", "line": 20}')
    H.check(posted:match("^HTTP/1%.[01] 204") ~= nil, "a click in the page is accepted", "HTTP/1.x 204", posted)
    vim.wait(H.TIMEOUT, function()
      return vim.api.nvim_win_get_cursor(0)[1] == 21
    end, 20)
    H.eq({ vim.api.nvim_buf_get_name(0), vim.api.nvim_win_get_cursor(0) }, { vim.api.nvim_buf_get_name(bufnr), { 21, 0 } }, "a click on the Mirror component puts the cursor on its header")
  end
  -- The sequence view follows flowzap.preview.sequenceOrder: causal by default (release.fz's
  -- decision gets an alt frame), FlowZap's document order (the edges' order, no frame) once
  -- the setting says so; the open page follows the change.
  if not why then
    H.opened_urls = {}
    vim.cmd("FlowZapPreview sequence")
    vim.wait(H.TIMEOUT, function()
      return #H.opened_urls > 0 or failed()
    end, 20)
  end
  local seq = H.opened_urls[1]
  H.check(seq ~= nil, "the sequence view has a page", "a URL", H.opened_urls)
  if seq then
    local page = http_get(seq.url, true)
    H.check(page:find("fz-sequence", 1, true) ~= nil and page:find('data-frame="alt"', 1, true) ~= nil, "the sequence page is in causal order (an alt frame)", 'fz-sequence, data-frame="alt"', page:sub(1, 200))
    local settings = { flowzap = { diagnostics = { delayMs = 0 }, preview = { sequenceOrder = "document" } } }
    client.config.settings = settings -- what the plugin answers to workspace/configuration
    if vim.fn.has("nvim-0.11") == 1 then
      client:notify("workspace/didChangeConfiguration", { settings = settings })
    else
      client.notify("workspace/didChangeConfiguration", { settings = settings })
    end
    local document = page
    for _ = 1, 50 do
      document = http_get(seq.url, true)
      if document:find('data-frame="alt"', 1, true) == nil then
        break
      end
      vim.wait(100)
    end
    H.check(document:find("fz-sequence", 1, true) ~= nil and document:find('data-frame="alt"', 1, true) == nil, "with sequenceOrder = document the page draws the edges' order", "fz-sequence, no alt frame", document:sub(1, 200))
  end
  H.notes = {}
  vim.cmd("FlowZapPreview bogus")
  vim.wait(H.TIMEOUT, failed, 20)
  local refusal = H.notes_with("preview failed")[1] or ""
  H.check(refusal:find("unknown view", 1, true) ~= nil and refusal:find("architecture", 1, true) ~= nil, "an unknown view is refused, naming the three", "preview failed: ... unknown view ... architecture", H.notes)

  -- Renumber: ids with gaps (n1,n3,n5,...,n29 in declaration order) become n1..n15.
  local gapped = original:gsub("%f[%w]n(%d+)%f[^%w]", function(k)
    return "n" .. tostring(2 * tonumber(k) - 1)
  end)
  local rbuf = H.open(H.write_file(dir .. "/gapped.fz", gapped))
  H.check(H.buf_text(rbuf) ~= original, "fixture has gaps", "gapped ids", "n1..n15")
  local before = H.buf_text(rbuf)
  why = H.unsupported(rbuf, "textDocument/codeAction")
  H.check(why == nil, "server advertises code actions", "codeActionProvider", why)
  if not why then
    vim.cmd("FlowZapRenumber")
    H.check(H.wait_change(rbuf, before), ":FlowZapRenumber changed the buffer", "changed buffer", "unchanged after 5 s")
  end
  H.check_text(rbuf, original, "buffer after :FlowZapRenumber")

  -- The action's kind and title, through the raw request on the gapped text again.
  vim.api.nvim_buf_set_lines(rbuf, 0, -1, false, H.lines(gapped))
  local result, err = H.request(rbuf, "textDocument/codeAction", {
    textDocument = { uri = vim.uri_from_bufnr(rbuf) },
    range = { start = { line = 0, character = 0 }, ["end"] = { line = 0, character = 0 } },
    context = { diagnostics = {}, only = { "source.renumberNodes" } },
  })
  local titles = {}
  for _, a in ipairs(result or {}) do
    table.insert(titles, { title = a.title, kind = a.kind })
  end
  H.check(
    #titles > 0 and titles[1].kind == "source.renumberNodes" and tostring(titles[1].title):match("^Renumber nodes n1%.%.n[N%d]+$") ~= nil,
    "source.renumberNodes action title",
    { { title = "Renumber nodes n1..nN", kind = "source.renumberNodes" } },
    err or titles
  )
end)
