-- Drives Neovim's built-in LSP client against `vmcs lsp`: open the file, wait for the diagnostics, hover a field,
-- apply the quick fix of the first warning, and wait for its diagnostic to go. Writes what it saw as JSON.
local cli, file, out_file = os.getenv('VMCS_CLI'), os.getenv('VMCS_FILE'), os.getenv('VMCS_OUT')
local hover_line, hover_col = tonumber(os.getenv('VMCS_HOVER_LINE')), tonumber(os.getenv('VMCS_HOVER_COL'))
local out = { steps = {} }

local function run()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({
    name = 'vmcs',
    cmd = { 'node', cli, 'lsp', '--stdio', '--source', 'profile:coffeelake-i7-9750h' },
    root_dir = vim.fn.fnamemodify(file, ':h'),
  })
  vim.lsp.buf_attach_client(buf, id)
  table.insert(out.steps, 'attached')
  out.diagnosed = vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  out.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(out.diagnostics, { lnum = d.lnum, col = d.col, message = d.message, severity = d.severity })
  end
  local params = { textDocument = vim.lsp.util.make_text_document_params(buf), position = { line = hover_line, character = hover_col } }
  for _, r in pairs(vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 15000) or {}) do
    if r.result and r.result.contents then out.hover = r.result.contents.value end
  end
  table.insert(out.steps, 'hovered')
  local warning
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.severity == vim.diagnostic.severity.WARN and not warning then warning = d end
  end
  if warning then
    out.fixed_line = warning.lnum
    local range = { start = { line = warning.lnum, character = warning.col }, ['end'] = { line = warning.end_lnum, character = warning.end_col } }
    local actions = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', { textDocument = params.textDocument, range = range, context = { diagnostics = {} } }, 15000) or {}
    for _, r in pairs(actions) do
      for _, a in ipairs(r.result or {}) do
        if a.isPreferred and not out.action then
          out.action = a.title
          vim.lsp.util.apply_workspace_edit(a.edit, 'utf-16')
        end
      end
    end
    out.line_after = vim.api.nvim_buf_get_lines(buf, warning.lnum, warning.lnum + 1, false)[1]
    out.cleared = vim.wait(30000, function()
      for _, d in ipairs(vim.diagnostic.get(buf)) do
        if d.lnum == warning.lnum and d.severity == vim.diagnostic.severity.WARN then return false end
      end
      return true
    end, 50)
  end
  table.insert(out.steps, 'fixed')
  vim.lsp.stop_client(id)
end

local ok, err = pcall(run)
if not ok then out.error = tostring(err) end
vim.fn.writefile({ vim.fn.json_encode(out) }, out_file)
vim.cmd('qa!')
