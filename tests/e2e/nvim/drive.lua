-- Drives Neovim for tests/e2e/nvim.rs: sets the Dossier plugin up on the real
-- binary, opens a note, waits (bounded) for the server to attach and to be
-- ready, then either asks for hover, definition and references at a needle
-- in the note (the lookup scenario) or edits a vault with code actions and
-- renames (the vault scenario), writes everything as JSON and quits. Whatever happens, the JSON is written
-- and Neovim quits, so that the Rust side can say what went wrong.
--
-- Inputs, from the environment:
--   DOSSIER_E2E_BIN      the dossier binary
--   DOSSIER_E2E_NOTE     the note to open (absolute path)
--   DOSSIER_E2E_SCENARIO "vault" for the vault scenario (see `vault`), else the lookup one
--   DOSSIER_E2E_NEEDLE   the text in the note to ask about (first occurrence), lookup only
--   DOSSIER_E2E_VAULT    what the vault scenario does, as JSON (see `vault`)
--   DOSSIER_E2E_OUT      where to write the JSON
--   DOSSIER_E2E_BUDGET_MS  the total time this script may wait, in milliseconds
--
-- Runs on Neovim 0.7 and later, so only APIs that 0.7 has are used.

local started = vim.loop.hrtime()
local budget_ms = tonumber(os.getenv("DOSSIER_E2E_BUDGET_MS") or "") or 45000

local report = {
  nvim_version = string.format("%d.%d.%d", vim.version().major, vim.version().minor, vim.version().patch),
  code_path = vim.lsp.start and "vim.lsp.start" or "vim.lsp.start_client+buf_attach_client",
  log_path = vim.lsp.get_log_path(),
  attached = false,
  ready = false,
  ready_signal = vim.NIL,
  server_exit = vim.NIL,
  statuses = {},
  steps = {},
  error = vim.NIL,
}

local function elapsed_ms()
  return math.floor((vim.loop.hrtime() - started) / 1e6)
end

local function remaining_ms()
  return math.max(0, budget_ms - elapsed_ms())
end

local function step(name)
  table.insert(report.steps, string.format("%6d ms  %s", elapsed_ms(), name))
end

local function encode(value)
  if vim.json and vim.json.encode then
    return vim.json.encode(value)
  end
  return vim.fn.json_encode(value)
end

local function finish()
  report.elapsed_ms = elapsed_ms()
  local out = assert(os.getenv("DOSSIER_E2E_OUT"), "DOSSIER_E2E_OUT is not set")
  local ok, json = pcall(encode, report)
  if not ok then
    json = encode({ error = "cannot encode the report: " .. tostring(json), steps = report.steps })
  end
  local file = assert(io.open(out, "w"))
  file:write(json)
  file:close()
  vim.cmd("qa!")
end

local function get_clients()
  return (vim.lsp.get_clients or vim.lsp.get_active_clients)()
end

local function dossier_client(bufnr)
  for _, client in ipairs(get_clients()) do
    if client.name == "dossier" and client.attached_buffers and client.attached_buffers[bufnr] then
      return client
    end
  end
  return nil
end

-- The character of a byte offset in `line`, in the client's position
-- encoding: UTF-16 code units unless the server chose another.
local function byte_to_character(line, byte, encoding)
  if encoding == "utf-8" then
    return byte
  end
  local units, index = 0, 0
  while index < byte and index < #line do
    local lead = line:byte(index + 1)
    local length = lead < 0x80 and 1 or lead < 0xE0 and 2 or lead < 0xF0 and 3 or 4
    index = index + length
    units = units + ((length == 4 and encoding ~= "utf-32") and 2 or 1)
  end
  return units
end

-- One request through buf_request_sync: the result of the Dossier client, or an error string.
local function request(bufnr, client_id, method, params)
  local timeout = math.max(1000, math.min(15000, remaining_ms()))
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, timeout)
  if not responses then
    return vim.NIL, string.format("%s: no response within %d ms (%s)", method, timeout, tostring(err))
  end
  local response = responses[client_id]
  if not response then
    return vim.NIL, method .. ": the Dossier client did not answer"
  end
  if response.err or response.error then
    return vim.NIL, method .. ": " .. encode(response.err or response.error)
  end
  if response.result == nil then
    return vim.NIL, nil
  end
  return response.result, nil
end

-- The lookup scenario: hover, definition and references at the needle, and
-- the code lens command.
local function lookup(bufnr, client)
  local needle = assert(os.getenv("DOSSIER_E2E_NEEDLE"), "DOSSIER_E2E_NEEDLE is not set")
  -- The position of the needle: 0-based line, character in the offset encoding, inside the needle.
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  local position
  for index, line in ipairs(lines) do
    local byte = line:find(needle, 1, true)
    if byte then
      position = { line = index - 1, character = byte_to_character(line, byte - 1, report.offset_encoding) + 1 }
      break
    end
  end
  if not position then
    report.error = "the needle " .. needle .. " is not in the note"
    return
  end
  report.position = position
  local text_document = { uri = report.uri }
  local at = { textDocument = text_document, position = position }

  report.hover, report.hover_error = request(bufnr, client.id, "textDocument/hover", at)
  step("hover")
  report.definition, report.definition_error = request(bufnr, client.id, "textDocument/definition", at)
  step("definition")
  report.references, report.references_error = request(bufnr, client.id, "textDocument/references", {
    textDocument = text_document,
    position = position,
    context = { includeDeclaration = true },
  })
  step("references")

  -- The command of the "N mentions" code lenses, run as `vim.lsp.codelens.run` runs it.
  local lens_command = vim.lsp.commands["dossier.showReferences"]
  if lens_command then
    vim.fn.setqflist({}, "r", { items = {} })
    lens_command(
      { title = "mentions", command = "dossier.showReferences", arguments = { report.uri, position } },
      { client_id = client.id, bufnr = bufnr }
    )
    vim.wait(math.max(1000, math.min(15000, remaining_ms())), function()
      return #vim.fn.getqflist() > 0
    end, 20)
    report.lens_quickfix = vim.tbl_map(function(item)
      return vim.api.nvim_buf_get_name(item.bufnr)
    end, vim.fn.getqflist())
  end
  step("code lens command")
end

-- The text of a file: its buffer's lines when it is loaded (edits not yet
-- written), and what is on disk.
local function file_text(path)
  local text = { disk = vim.NIL, buffer = vim.NIL }
  local file = io.open(path, "r")
  if file then
    text.disk = file:read("*a")
    file:close()
  end
  local bufnr = vim.fn.bufnr(path)
  if bufnr ~= -1 and vim.api.nvim_buf_is_loaded(bufnr) then
    text.buffer = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), "\n") .. "\n"
  end
  return text
end

-- Whether a file's buffer (or, not loaded, the disk) contains `wanted`.
local function file_contains(path, wanted)
  local text = file_text(path)
  local current = text.buffer ~= vim.NIL and text.buffer or text.disk
  return current ~= vim.NIL and current:find(wanted, 1, true) ~= nil
end

-- Opens a note in the current window, waits (bounded) until the client has
-- it, and puts the cursor `inside` bytes into the first occurrence of `needle`.
local function open_at(path, needle, inside)
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.wait(math.min(10000, remaining_ms()), function()
    return dossier_client(bufnr) ~= nil
  end, 20)
  for index, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local byte = line:find(needle, 1, true)
    if byte then
      vim.api.nvim_win_set_cursor(0, { index, byte - 1 + (inside or 0) })
      return bufnr
    end
  end
  error("the needle " .. needle .. " is not in " .. path)
end

-- Waits (bounded) for `condition`.
local function wait_for(condition)
  return vim.wait(math.max(1000, math.min(15000, remaining_ms())), condition, 20)
end

-- The vault scenario, as a user does it with Neovim's standard commands:
-- a code action links an unlinked mention, vim.lsp.buf.rename() renames a
-- note's title, and :DossierRenameNote renames a note's file; each time the
-- report says what the notes hold (in their buffers and on disk).
-- DOSSIER_E2E_VAULT is JSON: { mention = { note, needle, action },
-- title = { note, needle, inside, new_name, linking }, file = { note,
-- new_name, new_path, linking, link_needle } }, paths absolute.
local function vault(bufnr, client)
  local plan = vim.fn.json_decode((assert(os.getenv("DOSSIER_E2E_VAULT"), "DOSSIER_E2E_VAULT is not set")))
  -- Edited notes stay in their (hidden) buffers while others are opened.
  vim.o.hidden = true

  -- Code action: vim.ui.select is where the user picks; pick the wanted one.
  local mention = plan.mention
  bufnr = open_at(mention.note, mention.needle, 0)
  local before = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), "\n")
  report.code_action_titles = {}
  local select = vim.ui.select
  vim.ui.select = function(items, opts, on_choice)
    local chosen
    for _, item in ipairs(items) do
      local title = opts.format_item and opts.format_item(item) or tostring(item)
      table.insert(report.code_action_titles, title)
      if chosen == nil and title:find(mention.action, 1, true) == 1 then
        chosen = item
      end
    end
    on_choice(chosen)
  end
  vim.lsp.buf.code_action()
  wait_for(function()
    return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), "\n") ~= before
  end)
  vim.ui.select = select
  report.mention_note = file_text(mention.note)
  step("code action")

  -- Title rename, through prepareRename and rename as `vim.lsp.buf.rename` sends them.
  local title = plan.title
  open_at(title.note, title.needle, title.inside)
  vim.lsp.buf.rename(title.new_name)
  wait_for(function()
    return file_contains(title.linking, "[[" .. title.new_name .. "]]")
  end)
  report.title_note = file_text(title.note)
  report.title_linking = file_text(title.linking)
  step("title rename")

  -- File rename, through the plugin's command.
  local file = plan.file
  open_at(file.note, "", 0)
  local ok, message = pcall(vim.cmd, "DossierRenameNote " .. vim.fn.fnameescape(file.new_name))
  report.file_rename_error = ok and vim.NIL or tostring(message)
  report.file_buffer = vim.api.nvim_buf_get_name(0)
  report.file_old_exists = vim.loop.fs_stat(file.note) ~= nil
  report.file_new_exists = vim.loop.fs_stat(file.new_path) ~= nil
  report.file_linking = file_text(file.linking)
  step("file rename")

  -- The server follows the rename: a link to the new name goes to the moved note.
  local linking = vim.fn.bufnr(file.linking)
  if linking ~= -1 and vim.api.nvim_buf_is_loaded(linking) then
    local lines = vim.api.nvim_buf_get_lines(linking, 0, -1, false)
    for index, line in ipairs(lines) do
      local byte = line:find(file.link_needle, 1, true)
      if byte then
        local position = { line = index - 1, character = byte_to_character(line, byte + 1, report.offset_encoding) }
        local params = { textDocument = { uri = vim.uri_from_bufnr(linking) }, position = position }
        wait_for(function()
          report.moved_definition, report.moved_definition_error =
            request(linking, client.id, "textDocument/definition", params)
          local found = report.moved_definition
          local first = type(found) == "table" and (found[1] or found) or nil
          return type(first) == "table" and (first.uri or first.targetUri) == vim.uri_from_fname(file.new_path)
        end)
        break
      end
    end
  end
  step("definition after the rename")
end

local function run()
  local bin = assert(os.getenv("DOSSIER_E2E_BIN"), "DOSSIER_E2E_BIN is not set")
  local note = assert(os.getenv("DOSSIER_E2E_NOTE"), "DOSSIER_E2E_NOTE is not set")

  vim.lsp.set_log_level("debug")
  -- `-u NONE` skips filetype detection; the plugin attaches on FileType.
  vim.cmd("filetype on")

  local dossier = require("dossier")
  dossier.setup({
    cmd = { bin, "lsp" },
    on_exit = function(code, signal)
      report.server_exit = { code = code, signal = signal }
    end,
  })
  step("setup done")

  vim.cmd("edit " .. vim.fn.fnameescape(note))
  local bufnr = vim.api.nvim_get_current_buf()
  if vim.bo[bufnr].filetype ~= "markdown" then
    step("filetype was '" .. vim.bo[bufnr].filetype .. "', setting markdown")
    vim.bo[bufnr].filetype = "markdown"
  end
  report.filetype = vim.bo[bufnr].filetype
  report.uri = vim.uri_from_bufnr(bufnr)
  step("note opened")

  -- Attached: the client exists, has this buffer and has finished `initialize`.
  local client
  vim.wait(remaining_ms(), function()
    client = dossier_client(bufnr)
    return (client ~= nil and client.initialized == true) or report.server_exit ~= vim.NIL
  end, 50)
  if not client or not client.initialized then
    if report.server_exit ~= vim.NIL then
      report.error = string.format(
        "the dossier server exited (code %s, signal %s) before the note was attached",
        tostring(report.server_exit.code),
        tostring(report.server_exit.signal)
      )
    else
      report.error = string.format(
        "the dossier client was not attached to the note after %d ms: the server did not answer initialize",
        elapsed_ms()
      )
    end
    return
  end
  report.attached = true
  report.client_id = client.id
  report.root_dir = client.config.root_dir
  report.server_capabilities = client.server_capabilities
  -- Neovim 0.7 offers UTF-16 only; later versions also offer UTF-8 and UTF-32.
  report.offset_encoding = client.offset_encoding or "utf-16"
  step("attached, client " .. client.id)

  -- Ready: the server says so through dossier/status or the end of its progress.
  vim.wait(remaining_ms(), function()
    return dossier.is_ready(client.id) or report.server_exit ~= vim.NIL
  end, 50)
  report.ready = dossier.is_ready(client.id)
  local status = dossier.status_by_client[client.id]
  if status and status.state == "ready" then
    report.ready_signal = "dossier/status"
  elseif dossier.ingested_by_client[client.id] then
    report.ready_signal = "$/progress end"
  end
  report.last_status = status or vim.NIL
  report.progress_ended = dossier.ingested_by_client[client.id] == true
  if report.server_exit ~= vim.NIL then
    report.error = "the server exited: " .. encode(report.server_exit)
    return
  end
  if not report.ready then
    report.error = string.format(
      "the server did not report that it was ready within %d ms (last dossier/status: %s; ingesting progress ended: %s)",
      elapsed_ms(),
      encode(report.last_status),
      tostring(report.progress_ended)
    )
    return
  end
  step("ready (" .. report.ready_signal .. ")")

  if os.getenv("DOSSIER_E2E_SCENARIO") == "vault" then
    vault(bufnr, client)
  else
    lookup(bufnr, client)
  end
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  report.error = "lua error: " .. tostring(err)
end
-- The statuses seen, for the report.
local dossier_loaded, dossier = pcall(require, "dossier")
if dossier_loaded then
  for id, status in pairs(dossier.status_by_client) do
    report.statuses[tostring(id)] = status
  end
end
finish()
