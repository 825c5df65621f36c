// The DOT language peer of benchmarks/bench_peers.py: dot-language-support (the library
// behind nikeee's dot-language-server) as a language server over stdio, on
// vscode-languageserver. Full text sync; on every open or change the document is parsed
// once and its diagnostics published; completion, hover and definition answer from that
// parse. Run: node server.js --stdio
import { createService } from "dot-language-support";
import { TextDocument } from "vscode-languageserver-textdocument";
import {
	createConnection,
	StreamMessageReader,
	StreamMessageWriter,
	TextDocuments,
	TextDocumentSyncKind,
} from "vscode-languageserver/node";

const service = createService();
const connection = createConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
const documents = new TextDocuments(TextDocument);
const parsed = new Map(); // uri -> SourceFile of the document's current text

connection.onInitialize(() => ({
	capabilities: {
		textDocumentSync: TextDocumentSyncKind.Full,
		completionProvider: { triggerCharacters: ["="] },
		hoverProvider: true,
		definitionProvider: true,
	},
	serverInfo: { name: "dot-language-support peer", version: "4.3.1" },
}));

documents.onDidChangeContent(({ document }) => {
	const sourceFile = service.parseDocument(document);
	parsed.set(document.uri, sourceFile);
	connection.sendDiagnostics({
		uri: document.uri,
		version: document.version,
		diagnostics: service.validateDocument(document, sourceFile),
	});
});

documents.onDidClose(({ document }) => {
	parsed.delete(document.uri);
	connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
});

// (document, parse) of an open document, or undefined
function opened(uri) {
	const document = documents.get(uri);
	const sourceFile = parsed.get(uri);
	return document && sourceFile ? [document, sourceFile] : undefined;
}

connection.onCompletion(({ textDocument, position }) => {
	const found = opened(textDocument.uri);
	return found ? service.getCompletions(found[0], found[1], position) : null;
});

connection.onHover(({ textDocument, position }) => {
	const found = opened(textDocument.uri);
	return found ? (service.hover(found[0], found[1], position) ?? null) : null;
});

connection.onDefinition(({ textDocument, position }) => {
	const found = opened(textDocument.uri);
	return found ? (service.findDefinition(found[0], found[1], position) ?? null) : null;
});

documents.listen(connection);
connection.listen();
