"""The floor: a pygls 2 server that does nothing but publish an empty diagnostics list on
didOpen (and answer completion with an empty list, the baseline round trip of a request
answered without work). Any server built on pygls + lsprotocol starts no faster."""

from lsprotocol import types
from pygls.lsp.server import LanguageServer

server = LanguageServer("fz-bench-floor", "1")


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: LanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))


@server.feature(types.TEXT_DOCUMENT_COMPLETION)
def completion(ls: LanguageServer, params: types.CompletionParams) -> list[types.CompletionItem]:
    return []


if __name__ == "__main__":
    server.start_io()
