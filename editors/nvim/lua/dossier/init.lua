--- Dossier for Neovim: starts `dossier lsp` for Markdown notes under a
--- workspace root, and adds `:DossierTerms`, `:DossierRestart` and
--- `:DossierRenameNote` (Neovim sends no `workspace/willRenameFiles` itself).
---
---   require("dossier").setup({
---     cmd = { "dossier", "lsp" },
---     root_markers = { "dossier.toml", ".git" },
---     filetypes = { "markdown" },
---     settings = {},
---   })
---
--- Works on Neovim 0.7 (`vim.lsp.start_client` + `vim.lsp.buf_attach_client`)
--- and on 0.8 and later (`vim.lsp.start`, which reuses a client per root).
--- Only APIs present in 0.7 are used otherwise, so that Debian 12's Neovim
--- (0.7.2) runs the same code as a current one.

local M = {}

local uv = vim.uv or vim.loop

--- The defaults, documented in editors/nvim/README.md.
local defaults = {
  -- The server command; the first element is looked up on PATH.
  cmd = { "dossier", "lsp" },
  -- Files or folders whose presence marks a workspace root, nearest first.
  root_markers = { "dossier.toml", ".git" },
  -- Buffers of these filetypes are attached.
  filetypes = { "markdown" },
  -- Returned to the server for workspace/configuration and sent once after start.
  settings = {},
  -- Passed as initializationOptions.
  init_options = nil,
  -- Client capabilities; Neovim's defaults when nil (e.g. pass cmp_nvim_lsp's).
  capabilities = nil,
  -- function(client, bufnr), called when a buffer is attached.
  on_attach = nil,
  -- function(code, signal, client_id), called when the server exits.
  on_exit = nil,
  -- Extra or overriding LSP handlers, by method name.
  handlers = {},
  -- function(fname) -> root or nil, instead of the markers; nil disables the fallback too.
  root_dir = nil,
  -- Without a marker: the current directory if the file is below it, else the file's folder.
  single_file_fallback = true,
  -- How :DossierTerms shows the terms: "select" (vim.ui.select) or "quickfix".
  terms_picker = "select",
}

--- The effective configuration, after setup().
M.config = vim.deepcopy(defaults)

--- The latest `dossier/status` params per client id:
--- { documents = N, notes = N, terms = N, state = "ingesting" | "ready" }.
M.status_by_client = {}

--- Whether a client saw the end of its "Dossier: ingesting" WorkDone progress, per client id.
M.ingested_by_client = {}

-- On Neovim 0.7 the plugin keeps its own client per root (0.8's vim.lsp.start does that).
local client_id_by_root = {}

-- The token of each client's "Dossier: ingesting" progress, to recognize its end.
local ingest_token_by_client = {}

-- Client methods are called `client.stop()` up to 0.10 and `client:stop()`
-- from 0.11 on, where the old form is deprecated.
local method_call_style = vim.fn.has("nvim-0.11") == 1
local function call(client, method, ...)
  if method_call_style then
    return client[method](client, ...)
  end
  return client[method](...)
end

local function notify(message, level)
  vim.notify("dossier: " .. message, level or vim.log.levels.INFO)
end

local function get_clients()
  local all = (vim.lsp.get_clients or vim.lsp.get_active_clients)()
  local ours = {}
  for _, client in ipairs(all) do
    if client.name == "dossier" then
      table.insert(ours, client)
    end
  end
  return ours
end

--- The Dossier clients that are running.
M.clients = get_clients

local function is_directory(path)
  local stat = uv.fs_stat(path)
  return stat ~= nil and stat.type == "directory"
end

local function exists(path)
  return uv.fs_stat(path) ~= nil
end

local function parent(path)
  local up = vim.fn.fnamemodify(path, ":h")
  if up == path then
    return nil
  end
  return up
end

--- The workspace root for a file: the nearest folder holding one of the
--- markers, else (with single_file_fallback) the current directory if the file
--- is below it, else the file's folder.
function M.find_root(fname, config)
  config = config or M.config
  fname = vim.fn.fnamemodify(fname, ":p")
  if type(config.root_dir) == "function" then
    return config.root_dir(fname)
  end
  local dir = is_directory(fname) and fname or parent(fname)
  while dir do
    for _, marker in ipairs(config.root_markers) do
      if exists(dir .. "/" .. marker) then
        return dir
      end
    end
    dir = parent(dir)
  end
  if not config.single_file_fallback then
    return nil
  end
  local cwd = vim.fn.getcwd()
  if fname:sub(1, #cwd + 1) == cwd .. "/" then
    return cwd
  end
  return parent(fname)
end

local function progress_handler(err, result, ctx, handler_config)
  -- Keep Neovim's own handling (progress messages, `vim.lsp.status()`), and
  -- remember the end of ingestion for M.is_ready().
  local value = result and result.value
  if type(value) == "table" and ctx and ctx.client_id then
    if value.kind == "begin" and type(value.title) == "string" and value.title:find("Dossier: ingesting", 1, true) then
      M.ingested_by_client[ctx.client_id] = false
      ingest_token_by_client[ctx.client_id] = result.token
    elseif value.kind == "end" and ingest_token_by_client[ctx.client_id] == result.token then
      M.ingested_by_client[ctx.client_id] = true
    end
  end
  local default = vim.lsp.handlers["$/progress"]
  if default then
    return default(err, result, ctx, handler_config)
  end
end

local function status_handler(_, result, ctx)
  if type(result) == "table" and ctx and ctx.client_id then
    M.status_by_client[ctx.client_id] = result
    pcall(vim.cmd, "redrawstatus")
  end
end

--- Whether a client reported that the workspace is ingested and can be
--- queried: its latest `dossier/status` says "ready". Only from a server that
--- sends no `dossier/status` is the end of its "Dossier: ingesting" progress
--- taken instead (the progress may end a moment before the index is in use).
function M.is_ready(client_id)
  local status = M.status_by_client[client_id]
  if status ~= nil then
    return status.state == "ready"
  end
  return M.ingested_by_client[client_id] == true
end

--- A short text for the statusline, e.g. "Dossier: 1,234 terms"; "" without a client.
function M.statusline()
  for _, client in ipairs(get_clients()) do
    local status = M.status_by_client[client.id]
    if status and status.state == "ingesting" then
      return string.format("Dossier: ingesting %d documents", status.documents or 0)
    elseif status then
      return string.format("Dossier: %d terms", status.terms or 0)
    end
    return "Dossier"
  end
  return ""
end

--- The client configuration for one root, fresh each time: start_client may
--- keep and change the table it is given.
local function client_config(root)
  local config = M.config
  local handlers = {
    ["$/progress"] = progress_handler,
    ["dossier/status"] = status_handler,
  }
  for method, handler in pairs(config.handlers or {}) do
    handlers[method] = handler
  end
  return {
    name = "dossier",
    cmd = vim.deepcopy(config.cmd),
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    settings = vim.deepcopy(config.settings or {}),
    init_options = config.init_options and vim.deepcopy(config.init_options) or nil,
    capabilities = config.capabilities or vim.lsp.protocol.make_client_capabilities(),
    handlers = handlers,
    on_attach = config.on_attach,
    on_exit = function(code, signal, client_id)
      M.status_by_client[client_id] = nil
      M.ingested_by_client[client_id] = nil
      ingest_token_by_client[client_id] = nil
      if config.on_exit then
        config.on_exit(code, signal, client_id)
      end
    end,
  }
end

local function is_ours(bufnr)
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.bo[bufnr].buftype ~= "" then
    return false
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  -- Only files: no scratch buffers, no fugitive:// or other URIs.
  return name ~= "" and not name:match("^%a[%w+.-]*://")
end

--- Starts (or reuses) the server for a buffer's workspace and attaches the buffer.
--- Returns the client id, or nil when the buffer is not a file under a root.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not is_ours(bufnr) then
    return nil
  end
  local root = M.find_root(vim.api.nvim_buf_get_name(bufnr))
  if not root then
    return nil
  end
  if vim.fn.executable(M.config.cmd[1]) ~= 1 then
    if not M._warned_missing then
      M._warned_missing = true
      notify(string.format("cannot run %q: install dossier or set cmd in setup()", M.config.cmd[1]), vim.log.levels.ERROR)
    end
    return nil
  end

  if vim.lsp.start then
    -- Neovim 0.8 and later: one client per (name, root_dir), reused.
    return vim.lsp.start(client_config(root), { bufnr = bufnr })
  end

  -- Neovim 0.7: the same, by hand.
  local client_id = client_id_by_root[root]
  local client = client_id and vim.lsp.get_client_by_id(client_id)
  if not client or call(client, "is_stopped") then
    client_id = vim.lsp.start_client(client_config(root))
    if not client_id then
      notify("the server did not start; see :lua print(vim.lsp.get_log_path())", vim.log.levels.ERROR)
      return nil
    end
    client_id_by_root[root] = client_id
  end
  vim.lsp.buf_attach_client(bufnr, client_id)
  return client_id
end

--- Stops every Dossier client and starts them again for the attached buffers.
function M.restart()
  local buffers = {}
  for _, client in ipairs(get_clients()) do
    for bufnr in pairs(client.attached_buffers or {}) do
      table.insert(buffers, bufnr)
    end
    call(client, "stop")
  end
  client_id_by_root = {}
  if #buffers == 0 and vim.tbl_contains(M.config.filetypes, vim.bo.filetype) then
    table.insert(buffers, vim.api.nvim_get_current_buf())
  end
  -- Wait (bounded) for the old processes to go, so that 0.8's reuse doesn't pick them.
  vim.wait(5000, function()
    return #get_clients() == 0
  end, 50)
  for _, bufnr in ipairs(buffers) do
    M.attach(bufnr)
  end
end

--- The byte offset in `line` of a UTF-16 code unit offset, as LSP positions count.
function M.utf16_to_byte(line, utf16)
  local byte, units = 0, 0
  while byte < #line and units < utf16 do
    local lead = line:byte(byte + 1)
    local length = lead < 0x80 and 1 or lead < 0xE0 and 2 or lead < 0xF0 and 3 or 4
    byte = byte + length
    units = units + (length == 4 and 2 or 1)
  end
  return byte
end

local function line_of_file(fname, lnum, cache)
  local bufnr = vim.fn.bufnr(fname)
  if bufnr ~= -1 and vim.api.nvim_buf_is_loaded(bufnr) then
    return vim.api.nvim_buf_get_lines(bufnr, lnum, lnum + 1, false)[1] or ""
  end
  if not cache[fname] then
    local ok, lines = pcall(vim.fn.readfile, fname)
    cache[fname] = ok and lines or {}
  end
  return cache[fname][lnum + 1] or ""
end

--- Quickfix items from a workspace/symbol result (SymbolInformation or
--- WorkspaceSymbol), with byte columns, sorted by name.
function M.symbols_to_items(symbols)
  local items, cache = {}, {}
  for _, symbol in ipairs(symbols or {}) do
    local location = symbol.location
    if type(location) == "table" and type(location.uri) == "string" then
      local fname = vim.uri_to_fname(location.uri)
      local lnum, col, text = 0, 0, symbol.name
      if location.range then
        lnum = location.range.start.line
        col = M.utf16_to_byte(line_of_file(fname, lnum, cache), location.range.start.character)
      end
      if symbol.containerName and symbol.containerName ~= "" then
        text = text .. " (" .. symbol.containerName .. ")"
      end
      table.insert(items, { filename = fname, lnum = lnum + 1, col = col + 1, text = text, name = symbol.name })
    end
  end
  table.sort(items, function(a, b)
    if a.name:lower() ~= b.name:lower() then
      return a.name:lower() < b.name:lower()
    end
    return a.filename < b.filename
  end)
  return items
end

local function jump(item)
  vim.cmd("edit " .. vim.fn.fnameescape(item.filename))
  pcall(vim.api.nvim_win_set_cursor, 0, { item.lnum, item.col - 1 })
end

--- Lists the terms (workspace symbols matching `query`, all with "") in
--- vim.ui.select or the quickfix list (`picker` "select" or "quickfix").
function M.terms(query, picker)
  picker = picker or M.config.terms_picker
  local bufnr = vim.api.nvim_get_current_buf()
  local clients = get_clients()
  if #clients == 0 then
    local hint = M._set_up and "open a Markdown note first" or 'call require("dossier").setup() first'
    notify("no Dossier server is running; " .. hint, vim.log.levels.WARN)
    return
  end
  local client = clients[1]
  for _, candidate in ipairs(clients) do
    if candidate.attached_buffers and candidate.attached_buffers[bufnr] then
      client = candidate
    end
  end
  local function on_result(err, result)
    if err then
      notify("workspace/symbol failed: " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    local items = M.symbols_to_items(result)
    if #items == 0 then
      notify("no terms yet (is the workspace still being ingested?)")
      return
    end
    if picker == "quickfix" or not (vim.ui and vim.ui.select) then
      vim.fn.setqflist({}, " ", { title = "Dossier terms", items = items })
      vim.cmd("copen")
      return
    end
    vim.ui.select(items, {
      prompt = "Dossier term",
      format_item = function(item)
        return string.format("%s  %s:%d", item.text, vim.fn.fnamemodify(item.filename, ":~:."), item.lnum)
      end,
    }, function(item)
      if item then
        jump(item)
      end
    end)
  end
  call(client, "request", "workspace/symbol", { query = query or "" }, function(err, result)
    vim.schedule(function()
      on_result(err, result)
    end)
  end, bufnr)
end

--- The command of the server's "N mentions" code lenses (`vim.lsp.codelens.run`
--- runs it): the references of the term at the lens, in the quickfix list.
--- Its arguments are the note's URI and the position, in the client's encoding.
local function show_references(command, ctx)
  local arguments = command.arguments or {}
  local uri, position = arguments[1], arguments[2]
  if type(uri) ~= "string" or type(position) ~= "table" then
    vim.notify("Dossier: unexpected code lens arguments", vim.log.levels.WARN)
    return
  end
  local params = { textDocument = { uri = uri }, position = position, context = { includeDeclaration = true } }
  local bufnr = ctx and ctx.bufnr or vim.uri_to_bufnr(uri)
  vim.lsp.buf_request(bufnr, "textDocument/references", params, function(err, result, response_ctx)
    if err or type(result) ~= "table" or vim.tbl_isempty(result) then
      vim.notify("Dossier: no references", vim.log.levels.INFO)
      return
    end
    local client = vim.lsp.get_client_by_id(response_ctx.client_id)
    local items = vim.lsp.util.locations_to_items(result, client and client.offset_encoding or "utf-16")
    vim.fn.setqflist({}, " ", { title = "Dossier: references", items = items })
    vim.cmd("copen")
  end)
end
M._show_references = show_references

--- Whether a path matches one of a server's file operation filters
--- (`workspace.fileOperations.willRename` or `didRename` registration options).
local function matches_file_filters(registration, path)
  if type(registration) ~= "table" or type(registration.filters) ~= "table" then
    return false
  end
  for _, filter in ipairs(registration.filters) do
    local pattern = filter.pattern or {}
    local folder = pattern.matches == "folder"
    if (filter.scheme == nil or filter.scheme == "file") and not folder and type(pattern.glob) == "string" then
      local regex = vim.fn.glob2regpat(pattern.glob)
      if pattern.options and pattern.options.ignoreCase then
        regex = "\\c" .. regex
      end
      if vim.fn.match(path, regex) ~= -1 then
        return true
      end
    end
  end
  return false
end

--- The Dossier client of a buffer (attached to it), or the one whose root holds the file.
local function client_of(bufnr, fname)
  local clients = get_clients()
  for _, client in ipairs(clients) do
    if client.attached_buffers and client.attached_buffers[bufnr] then
      return client
    end
  end
  for _, client in ipairs(clients) do
    local root = client.config and client.config.root_dir
    if root and fname:sub(1, #root + 1) == root .. "/" then
      return client
    end
  end
  return nil
end

--- The path a note is renamed to: `name` in the note's folder when it has
--- no folder part, else relative to the current directory; `.md` added
--- when it has no extension.
function M.rename_target(old_fname, name)
  local target = name
  if not target:find("/", 1, true) then
    target = vim.fn.fnamemodify(old_fname, ":h") .. "/" .. target
  end
  if vim.fn.fnamemodify(target, ":e") == "" then
    target = target .. ".md"
  end
  return vim.fn.fnamemodify(target, ":p")
end

--- How long :DossierRenameNote waits for the server's link edits.
local will_rename_timeout_ms = 10000

--- Renames the note of buffer `bufnr` to `name` (see M.rename_target) and
--- keeps the links to it working, as an editor that sends file operations
--- does (Neovim itself sends none): asks the server for the link edits with
--- `workspace/willRenameFiles`, applies them to the linking notes (their
--- buffers, to be written with :wa), renames the file and its buffer, and
--- sends `workspace/didRenameFiles`. Returns true when the note was
--- renamed, else false and why.
function M.rename_note(bufnr, name)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local old_fname = vim.api.nvim_buf_get_name(bufnr)
  if old_fname == "" or not exists(old_fname) then
    return false, "the buffer is not a file on disk"
  end
  if type(name) ~= "string" or vim.trim(name) == "" then
    return false, "give the new name, e.g. :DossierRenameNote new-name"
  end
  local new_fname = M.rename_target(old_fname, vim.trim(name))
  if new_fname == old_fname then
    return false, "the note already has that name"
  end
  if exists(new_fname) then
    return false, new_fname .. " already exists"
  end
  local files = { { oldUri = vim.uri_from_fname(old_fname), newUri = vim.uri_from_fname(new_fname) } }
  local client = client_of(bufnr, old_fname)
  local operations = client and client.server_capabilities and client.server_capabilities.workspace
  operations = operations and operations.fileOperations or {}
  local updated = 0
  if client and matches_file_filters(operations.willRename, old_fname) then
    local response, err = call(client, "request_sync", "workspace/willRenameFiles", { files = files }, will_rename_timeout_ms, bufnr)
    if not response then
      return false, "the server did not answer workspace/willRenameFiles: " .. tostring(err)
    end
    if response.err then
      return false, "workspace/willRenameFiles failed: " .. (response.err.message or vim.inspect(response.err))
    end
    local edit = response.result
    if type(edit) == "table" then
      updated = vim.tbl_count(edit.changes or {}) + #(edit.documentChanges or {})
      vim.lsp.util.apply_workspace_edit(edit, client.offset_encoding or "utf-16")
    end
  end
  local folder = vim.fn.fnamemodify(new_fname, ":h")
  if not is_directory(folder) then
    vim.fn.mkdir(folder, "p")
  end
  -- Writes the buffer (pending changes included), moves the file, and shows
  -- the new file in the windows that showed the old one.
  local moved, why = pcall(vim.lsp.util.rename, old_fname, new_fname)
  if not moved or exists(old_fname) or not exists(new_fname) then
    return false, "could not move " .. old_fname .. " to " .. new_fname .. (moved and "" or ": " .. tostring(why))
  end
  if client and not call(client, "is_stopped") and matches_file_filters(operations.didRename, old_fname) then
    call(client, "notify", "workspace/didRenameFiles", { files = files })
  end
  return true, string.format("renamed to %s; links updated in %d notes (:wa writes them)", vim.fn.fnamemodify(new_fname, ":~:."), updated)
end

local function define_commands()
  vim.api.nvim_create_user_command("DossierTerms", function(opts)
    M.terms(opts.args, opts.bang and "quickfix" or nil)
  end, { nargs = "?", bang = true, desc = "Dossier: list terms (! for the quickfix list)" })
  vim.api.nvim_create_user_command("DossierRestart", function()
    M.restart()
  end, { desc = "Dossier: restart the language server" })
  vim.api.nvim_create_user_command("DossierRenameNote", function(opts)
    local ok, message = M.rename_note(0, opts.args)
    notify(message, ok and vim.log.levels.INFO or vim.log.levels.ERROR)
  end, { nargs = 1, complete = "file", desc = "Dossier: rename this note and update the links to it" })
end
M._define_commands = define_commands

--- Configures the plugin and attaches Markdown buffers, open or to come.
function M.setup(options)
  M.config = vim.tbl_deep_extend("force", vim.deepcopy(defaults), options or {})
  -- Lists are replaced, not merged by index.
  for _, key in ipairs({ "cmd", "root_markers", "filetypes" }) do
    if options and options[key] then
      M.config[key] = vim.deepcopy(options[key])
    end
  end
  M._warned_missing = false
  M._set_up = true

  local group = vim.api.nvim_create_augroup("dossier", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
    desc = "Dossier: attach the language server",
  })
  define_commands()
  vim.lsp.commands["dossier.showReferences"] = show_references

  -- Buffers opened before setup().
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(M.config.filetypes, vim.bo[bufnr].filetype) then
      M.attach(bufnr)
    end
  end
end

return M
