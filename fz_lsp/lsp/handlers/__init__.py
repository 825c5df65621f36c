"""The request and notification handlers, one module per group, registered by
fz_lsp.lsp.server (which imports `lifecycle` and `text_sync` at start and every other module
on its first request).

Each handler finds the document (`ls.document`), converts the position
(`Converter.code_point`, fz_lsp.lsp.from_lsp), calls a pure function of fz_lsp.features and
converts its answer (fz_lsp.lsp.to_lsp); none builds an lsprotocol value itself or
analyses FlowZap.

May import: fz_lsp.lsp (session, convert, from_lsp, to_lsp, window, publishing), the layers below.
"""
