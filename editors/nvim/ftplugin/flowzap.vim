" Filetype settings for FlowZap Code (.fz)
if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

" `//` lines are comments (the FlowZap editor ignores them; fz-lsp hints they are not portable).
setlocal commentstring=//\ %s
setlocal comments=://
setlocal formatoptions-=t formatoptions+=croql
setlocal suffixesadd=.fz

let b:undo_ftplugin = 'setlocal commentstring< comments< formatoptions< suffixesadd<'
