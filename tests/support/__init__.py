"""What more than one test module uses, imported by name (`from support.paths import FIXTURES`).

conftest.py holds pytest's hooks and the shared fixtures only; their machinery lives here.

- paths: the checkout, the examples, the fixtures, the real-world corpus, `read_exact`;
- commands: how tests run fz-lsp (the session's environment, the server and CLI commands,
  `run_cli`);
- installed_wheel: fz-lsp's wheel installed alone in a fresh venv (the `installed_wheel`
  fixture builds it once per session);
- lsp: the pytest-lsp side (initialize params, `Session`, `R`, `eventually`);
- lsp_process: `LspProcess`, a real server behind a raw JSON-RPC client that can send
  anything, and the raw requests of every document method;
- client_text: the text as an LSP client holds it (columns in the negotiated encoding),
  checks that an answer's positions lie inside it, edits applied as a client applies them,
  the diagnostics a fresh analysis expects;
- chromium: headless Chromium (a DevTools client over a pipe, screenshots, PNG decoding);
- mcp_client: a real `fz-lsp mcp` process behind the MCP SDK's own client;
- diagnostic_cases, slips, fixture_verdicts: the tables several suites share (one document
  per diagnostic code, single-mistake variants of a valid document, what fz-lsp says about
  each fixture);
- published_diagnostics: what a server published as the tests compare it (`triples`,
  `errors`) and the rule for a file cut off part-way;
- edit_properties, position_properties, incremental_analysis, statement_agreement,
  shape_cache_probe, document_disposal: the properties a feature keeps on any document,
  checked by its own test module on the fixtures and by the corpus suite
  (test_corpus_*.py) on the corpus;
- models, workflow_checks, sequence_checks: a file's model, and what every workflow and
  sequence view must satisfy, checked against it;
- layout_quality, architecture_quality: the SVG checkers of the layout tests and benchmarks.

No test module imports another one, nor conftest.py: what two of them share is here.
"""
