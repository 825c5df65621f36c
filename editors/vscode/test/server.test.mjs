// (2) The language server bundled in the .vsix, unpacked to a temp folder and started
// exactly as the extension starts it (compiled launch module -> spawn), driven over stdio
// with vscode-languageserver-protocol: initialize, diagnostics, completion, hover, preview.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CompletionRequest, ExecuteCommandRequest, HoverRequest } from 'vscode-languageserver-protocol/node';
import { GITOPS, defaultServerSettings, fileUri, startServer, unpackVsix, withTimeout } from '../testlib/common.mjs';

const gitopsText = readFileSync(GITOPS, 'utf8');
const gitopsLines = gitopsText.split('\n');

let unpacked;
let server;

before(async () => {
  unpacked = unpackVsix();
  server = await startServer(unpacked.extensionPath);
});

after(async () => {
  await server?.stop();
  unpacked?.cleanup();
});

test('the server runs from the unpacked vsix with the bundled libraries', () => {
  assert.equal(server.plan.bundled, true);
  assert.equal(server.plan.args.at(-1), join(unpacked.extensionPath, 'bundled', 'tool', 'server.py'));
  // The server's start-up line says where fz_lsp was imported from: the unpacked bundle,
  // not the interpreter's own site-packages (even when that has an fz-lsp installed). It
  // is an Info log message: standard error (which VS Code shows as errors) stays empty.
  const line = server.logs.find((m) => m.type === 3 && /^fz-lsp \S+: Python /.test(m.message));
  assert.ok(line, `${JSON.stringify(server.logs)}\n${server.describe()}`);
  assert.equal(/ fz_lsp from (.+)$/.exec(line.message)[1], join(unpacked.extensionPath, 'bundled', 'libs', 'fz_lsp'));
  assert.equal(server.stderr, '', 'nothing on stderr in a normal start');
});

test('initialize advertises the contract features', () => {
  const caps = server.init.capabilities;
  assert.ok(caps.completionProvider, 'completion');
  const triggers = caps.completionProvider.triggerCharacters ?? [];
  for (const ch of ['.', '(', ':', '[', ' ']) assert.ok(triggers.includes(ch), `trigger ${JSON.stringify(ch)}`);
  assert.ok(caps.hoverProvider, 'hover');
  assert.ok(caps.executeCommandProvider?.commands?.includes('flowzap.preview'), JSON.stringify(caps.executeCommandProvider));
  const kinds = caps.codeActionProvider?.codeActionKinds ?? [];
  assert.ok(kinds.some((k) => k === 'source.renumberNodes' || k === 'source'), `code action kinds ${JSON.stringify(kinds)}`);
});

const BROKEN = [
  'User { # User',
  'n1: circle label:"Start"',
  'n2: rectangle label:"Step"',
  'n1.handle(rigth) -> n2.handle(left)',
  'n2.handle(right) -> n7.handle(left)',
  'loop [🚀 retry] n1 n9',
  '}',
  '',
].join('\n');

test('diagnostics for a broken file: exact code and range', async () => {
  const uri = fileUri('/tmp/fz-vscode-test/broken.fz');
  await server.open(uri, BROKEN);
  const params = await server.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0);
  const diags = params.diagnostics;
  for (const d of diags) assert.equal(d.source, 'flowzap', JSON.stringify(d));
  const find = (code, line) => diags.find((d) => d.code === code && d.range.start.line === line);

  const handle = find('bad-handle', 3);
  assert.ok(handle, JSON.stringify(diags, null, 1));
  assert.deepEqual(handle.range, { start: { line: 3, character: 10 }, end: { line: 3, character: 15 } }, 'the range is `rigth`');
  assert.equal(handle.severity, 1);
  assert.match(handle.message, /right/, 'suggests the nearest direction');

  const undef = find('undefined-node', 4);
  assert.ok(undef, JSON.stringify(diags, null, 1));
  assert.deepEqual(undef.range, { start: { line: 4, character: 20 }, end: { line: 4, character: 22 } }, 'the range is `n7`');
  assert.equal(undef.severity, 1);

  // After an emoji (two UTF-16 code units) the range is in UTF-16 units.
  const loopUndef = find('undefined-node', 5);
  assert.ok(loopUndef, JSON.stringify(diags, null, 1));
  assert.deepEqual(loopUndef.range, { start: { line: 5, character: 19 }, end: { line: 5, character: 21 } }, 'the range is `n9` in UTF-16 units');
});

test('a syntax error is reported on its own line and does not hide the rest', async () => {
  const uri = fileUri('/tmp/fz-vscode-test/syntax.fz');
  const text = 'User { # User\nn1: circle label:"Start"\nn2 ??? oops\nn1.handle(right) -> n5.handle(left)\n}\n';
  await server.open(uri, text);
  const { diagnostics } = await server.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0);
  const syntax = diagnostics.find((d) => d.code === 'syntax-error');
  assert.ok(syntax, JSON.stringify(diagnostics, null, 1));
  assert.equal(syntax.range.start.line, 2);
  assert.ok(diagnostics.some((d) => d.code === 'undefined-node' && d.range.start.line === 3), 'the next line is still checked');
});

const EXPECTED_CI = [
  ['n7', 'Run unit tests and lint'],
  ['n8', 'Checks green?'],
  ['n9', 'Build and sign image'],
  ['n10', 'Push image to registry'],
  ['n11', 'Bump image tag in config repo'],
];

function completionItems(result) {
  return Array.isArray(result) ? result : result?.items ?? [];
}

test('completion after `CI.` in an edge target lists exactly that lane\'s nodes', async () => {
  const uri = fileUri(GITOPS);
  await server.open(uri, gitopsText);
  const line = gitopsLines.findIndex((l) => l.includes('-> CI.n7'));
  const character = gitopsLines[line].indexOf('CI.') + 'CI.'.length;
  const result = await withTimeout(
    server.conn.sendRequest(CompletionRequest.type, {
      textDocument: { uri },
      position: { line, character },
      context: { triggerKind: 2, triggerCharacter: '.' },
    }),
    10000,
    'completion',
  );
  const items = completionItems(result);
  assert.deepEqual(items.map((i) => [i.label, i.detail]), EXPECTED_CI);
});

test('completion while typing a new edge to `CI.`', async () => {
  const uri = fileUri('/tmp/fz-vscode-test/typing.fz');
  const lines = [...gitopsLines];
  const at = lines.indexOf('}'); // end of the Developer lane
  lines.splice(at, 0, 'n4.handle(right) -> CI.');
  await server.open(uri, lines.join('\n'));
  const result = await withTimeout(
    server.conn.sendRequest(CompletionRequest.type, {
      textDocument: { uri },
      position: { line: at, character: 'n4.handle(right) -> CI.'.length },
      context: { triggerKind: 2, triggerCharacter: '.' },
    }),
    10000,
    'completion',
  );
  assert.deepEqual(completionItems(result).map((i) => [i.label, i.detail]), EXPECTED_CI);
});

test('hover on a node shows its label as Markdown', async () => {
  const uri = fileUri(GITOPS);
  const line = gitopsLines.findIndex((l) => l.startsWith('n7.handle'));
  const hover = await server.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: 1 } });
  assert.ok(hover, 'a hover');
  const contents = hover.contents;
  const value = typeof contents === 'string' ? contents : Array.isArray(contents) ? contents.map((c) => c.value ?? c).join('\n') : contents.value;
  if (typeof contents === 'object' && !Array.isArray(contents) && contents.kind) assert.equal(contents.kind, 'markdown');
  assert.match(value, /Run unit tests and lint/);
});

async function preview(uri, view, theme = 'light') {
  return withTimeout(
    server.conn.sendRequest(ExecuteCommandRequest.type, { command: 'flowzap.preview', arguments: [{ uri, view, theme }] }),
    20000,
    `flowzap.preview ${view}`,
  );
}

test('flowzap.preview returns an SVG with the 21 nodes of the gitops diagram', async () => {
  const uri = fileUri(GITOPS);
  const result = await preview(uri, 'workflow');
  assert.equal(typeof result?.svg, 'string', JSON.stringify(result)?.slice(0, 300));
  assert.match(result.svg, /^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/);
  assert.equal(result.view, 'workflow');
  assert.ok(result.version === null || Number.isInteger(result.version));
  const ids = [...result.svg.matchAll(/data-node="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(ids.length, 21, `data-node elements: ${ids.join(' ')}`);
  assert.deepEqual([...new Set(ids)].sort(), Array.from({ length: 21 }, (_, i) => `n${i + 1}`).sort());
  // data-line is the 0-based declaration line.
  const n5 = /<[^>]*data-node="n5"[^>]*>/.exec(result.svg)[0];
  const line = Number(/data-line="(\d+)"/.exec(n5)?.[1]);
  assert.equal(line, gitopsLines.findIndex((l) => l.startsWith('n5:')));
  const edges = [...result.svg.matchAll(/data-edge="(\d+)"/g)].length;
  assert.equal(edges, gitopsLines.filter((l) => l.includes('->')).length);
});

test('flowzap.preview renders the sequence view and the dark theme', async () => {
  const uri = fileUri(GITOPS);
  const seq = await preview(uri, 'sequence', 'dark');
  assert.equal(seq.view, 'sequence');
  assert.match(seq.svg, /<svg[\s>]/);
  const light = await preview(uri, 'workflow', 'light');
  const dark = await preview(uri, 'workflow', 'dark');
  assert.notEqual(light.svg, dark.svg, 'the theme changes the drawing');
});

test('flowzap.preview uses the current unsaved text', async () => {
  const uri = fileUri('/tmp/fz-vscode-test/unsaved.fz');
  await server.open(uri, 'A { # A\nn1: circle label:"Only"\nn2: circle label:"Two"\nn1.handle(right) -> n2.handle(left)\n}\n', 7);
  const result = await preview(uri, 'workflow');
  assert.equal([...result.svg.matchAll(/data-node="/g)].length, 2);
  assert.ok(result.version === null || result.version === 7);
});

test('settings in the shape the extension sends them reach the server', async () => {
  // src/extension.ts sends {flowzap: {diagnostics: {maxLabelLength: …}, …}} as
  // initializationOptions and answers workspace/configuration for "flowzap" the same way.
  const settings = defaultServerSettings();
  settings.flowzap.diagnostics.maxLabelLength = 5;
  const strict = await startServer(unpacked.extensionPath, { settings });
  try {
    const text = 'A { # A\nn1: circle label:"A long label"\nn2: circle label:"Ok"\nn1.handle(right) -> n2.handle(left)\n}\n';
    const uri = fileUri('/tmp/fz-vscode-test/settings.fz');
    await strict.open(uri, text);
    const { diagnostics } = await strict.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'long-label'));
    assert.deepEqual(diagnostics.filter((d) => d.code === 'long-label').map((d) => d.range.start.line), [1]);
    // The default (50) does not flag it.
    await server.open(uri, text);
    const plain = await server.waitForDiagnostics(uri);
    assert.equal(plain.diagnostics.filter((d) => d.code === 'long-label').length, 0);
  } finally {
    await strict.stop();
  }
});
