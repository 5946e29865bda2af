--- `:checkhealth dossier`: is the server found, does it run, which clients are up.

local M = {}

-- Neovim 0.7 has require("health").report_*; 0.8 moved it to vim.health,
-- 0.10 renamed report_start to start and so on.
local health = vim.health or require("health")
local start = health.start or health.report_start
local ok = health.ok or health.report_ok
local warn = health.warn or health.report_warn
local error = health.error or health.report_error
local info = health.info or health.report_info

function M.check()
  start("dossier")
  local version = vim.version()
  info(string.format("Neovim %d.%d.%d: %s", version.major, version.minor, version.patch,
    vim.lsp.start and "vim.lsp.start" or "vim.lsp.start_client + vim.lsp.buf_attach_client"))

  local dossier = require("dossier")
  if not dossier._set_up then
    warn('require("dossier").setup() has not been called: no buffer will be attached')
  end
  local cmd = dossier.config.cmd
  if vim.fn.executable(cmd[1]) ~= 1 then
    error(string.format("%q is not executable: install dossier (cargo install --path crates/dossier-cli) or set cmd", cmd[1]))
  else
    local output = vim.fn.system({ cmd[1], "--version" })
    if vim.v.shell_error == 0 then
      ok(string.format("%s: %s", vim.fn.exepath(cmd[1]), vim.trim(output)))
    else
      warn(string.format("%s --version failed: %s", cmd[1], vim.trim(output)))
    end
  end

  local clients = dossier.clients()
  if #clients == 0 then
    info("no Dossier server is running (open a Markdown note under a workspace root)")
  end
  for _, client in ipairs(clients) do
    local status = dossier.status_by_client[client.id]
    info(string.format("client %d, root %s: %s", client.id, client.config.root_dir or "?",
      status and vim.inspect(status, { newline = " ", indent = "" }) or "no dossier/status yet"))
  end
end

return M
