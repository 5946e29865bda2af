-- Loaded by Neovim at startup: the commands exist before setup() is called,
-- and say so when it hasn't been. require("dossier").setup() starts the server.
if vim.g.loaded_dossier then
  return
end
vim.g.loaded_dossier = true

if vim.fn.has("nvim-0.7") ~= 1 then
  vim.notify("dossier: Neovim 0.7 or later is needed", vim.log.levels.WARN)
  return
end

require("dossier")._define_commands()
