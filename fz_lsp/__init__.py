"""fz-lsp: the language server for FlowZap Code (.fz diagram files)."""

__version__ = "0.1.0"
