" Vim syntax file
" Language:    FlowZap Code (.fz diagrams)
" Maintainer:  fz-lsp
"
" Lanes        Developer { # Developer        ... }
" Nodes        n1: rectangle label:"Text" owner:"x"
" Edges        n1.handle(right) -> Lane.n2.handle(left) [label="Text"]
" Loops        loop [condition text] n1 n2
" Comments     // a line comment

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match

" Node ids: `n<int>` anywhere, or any word used as an edge endpoint (`start.handle`).
syn match   flowzapNodeId        "\<n\d\+\>"
syn match   flowzapNodeId        "\<\a\w*\ze\s*\.\s*handle\>"
" A node declaration `nX: shape ...` (the id at the start of the line).
syn match   flowzapNodeDecl      "^\s*\zs\a\w*\ze\s*:"

" Lane header `LaneId {`, lane prefix `Lane.` of an edge target, braces.
syn match   flowzapLaneId        "^\s*\zs\a\w*\ze\s*{"
syn match   flowzapLanePrefix    "\<\a\w*\ze\.\a\w*\s*\.\s*handle\>"
syn match   flowzapLanePrefix    "->\s*\zs\a\w*\ze\.\%(\a\w*\)\=\s*$"
syn match   flowzapBrace         "[{}]"

" Display label `# Label` (after `{`, or on its own line in the old style); runs to EOL.
syn match   flowzapLaneLabel     "#.*$" contains=@Spell

" Shapes and attribute keys.
syn keyword flowzapShape         circle rectangle diamond taskbox
syn match   flowzapAttrKey       "\<\%(label\|owner\|description\|system\)\ze\s*[:=]"
syn match   flowzapDelimiter     "[:=]"

" Strings (no escapes are defined; `\"` and `\\` are accepted). `|` separates taskbox items.
syn region  flowzapString        start=+"+ skip=+\\\\\|\\"+ end=+"+ oneline contains=flowzapStringSep,@Spell
syn match   flowzapStringSep     "|" contained

" Handles: `.handle(dir)`; a direction other than left/right/top/bottom is an error.
syn match   flowzapHandle        "\<handle\ze\s*("
syn match   flowzapBadDirection  "\%(\<handle\s*(\s*\)\@<=[^ \t)]\+"
syn match   flowzapDirection     "\%(\<handle\s*(\s*\)\@<=\%(left\|right\|top\|bottom\)\ze\s*)"

" Arrows. Mermaid look-alikes (`-->`, `->>`, `==>`) are not FlowZap.
syn match   flowzapArrow         "->"
syn match   flowzapMermaidArrow  "-->\|->>\|==>\|-\.->"

" Edge label `[label="Text"]`.
syn region  flowzapEdgeLabel     matchgroup=flowzapBracket start="\[\ze\s*label\>" end="\]" oneline keepend contains=flowzapAttrKey,flowzapDelimiter,flowzapEdgeLabelText
syn region  flowzapEdgeLabelText start=+"+ skip=+\\\\\|\\"+ end=+"+ oneline contained contains=@Spell

" Loops: `loop [condition] n1 n2 ...`
syn match   flowzapLoop          "^\s*loop\>.*$" contains=flowzapLoopKeyword,flowzapLoopCondition,flowzapNodeId,flowzapComment
syn match   flowzapLoopKeyword   "\<loop\>" contained
syn region  flowzapLoopCondition matchgroup=flowzapBracket start="\[" end="\]" oneline contained contains=@Spell

" Comments: lines starting with `//`.
syn keyword flowzapTodo          TODO FIXME XXX NOTE contained
syn match   flowzapComment       "^\s*//.*$" contains=flowzapTodo,@Spell

hi def link flowzapComment       Comment
hi def link flowzapTodo          Todo
hi def link flowzapLaneId        Structure
hi def link flowzapLanePrefix    Structure
hi def link flowzapLaneLabel     Title
hi def link flowzapBrace         Delimiter
hi def link flowzapNodeId        Identifier
hi def link flowzapNodeDecl      Function
hi def link flowzapShape         Type
hi def link flowzapAttrKey       Keyword
hi def link flowzapDelimiter     Delimiter
hi def link flowzapString        String
hi def link flowzapStringSep     SpecialChar
hi def link flowzapHandle        Function
hi def link flowzapDirection     Constant
hi def link flowzapBadDirection  Error
hi def link flowzapArrow         Operator
hi def link flowzapMermaidArrow  Error
hi def link flowzapBracket       Delimiter
hi def link flowzapEdgeLabelText String
hi def link flowzapLoopKeyword   Repeat
hi def link flowzapLoopCondition Conditional

let b:current_syntax = 'flowzap'

let &cpo = s:cpo_save
unlet s:cpo_save
