-- Attaches the Planewise language server (stdio) to one file in Neovim 0.7,
-- waits for its diagnostics and writes them as JSON, then quits.
-- Inputs come from the environment: PLANEWISE_SERVER, PLANEWISE_ROOT,
-- PLANEWISE_FILE, PLANEWISE_OUT.
local server = os.getenv('PLANEWISE_SERVER')
local root = os.getenv('PLANEWISE_ROOT')
local file = os.getenv('PLANEWISE_FILE')
local out = os.getenv('PLANEWISE_OUT')

local function finish(result)
  local handle = assert(io.open(out, 'w'))
  handle:write(vim.fn.json_encode(result))
  handle:close()
  vim.cmd('qall!')
end

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local bufnr = vim.api.nvim_get_current_buf()

local client_id = vim.lsp.start_client({
  name = 'planewise',
  cmd = { 'node', server, '--stdio' },
  root_dir = root,
  workspace_folders = { { uri = vim.uri_from_fname(root), name = 'root' } },
})
if not client_id then
  finish({ error = 'start_client failed' })
  return
end
vim.lsp.buf_attach_client(bufnr, client_id)

local found = vim.wait(60000, function()
  return #vim.diagnostic.get(bufnr) > 0
end, 100)

local diagnostics = {}
for _, d in ipairs(vim.diagnostic.get(bufnr)) do
  table.insert(diagnostics, { lnum = d.lnum, code = d.code, message = d.message, severity = d.severity, source = d.source })
end
finish({ found = found, diagnostics = diagnostics })
