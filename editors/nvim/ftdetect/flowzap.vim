" FlowZap Code diagrams: *.fz -> filetype flowzap
" (a .vim ftdetect file: Neovim 0.7 sources it from filetype.vim, 0.8+ from filetype.lua)
autocmd BufNewFile,BufRead *.fz setfiletype flowzap
