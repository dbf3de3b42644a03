-- *.news is Newsmark. (setup() also registers this, with vim.filetype.add on
-- Neovim 0.8+; this file covers plugin managers that only source ftdetect/.)
if vim.filetype and vim.filetype.add and vim.fn.has('nvim-0.8') == 1 then
  vim.filetype.add({ extension = { news = 'newsmark' } })
else
  vim.cmd('autocmd BufRead,BufNewFile *.news setfiletype newsmark')
end
