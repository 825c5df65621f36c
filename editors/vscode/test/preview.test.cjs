// The preview manager (src/preview.ts, compiled to out/preview.cjs) driven with a stubbed
// `vscode` module and a fake language client: the page it builds, the flowzap.preview
// requests it sends (debounced while typing, stale answers dropped), and what it does with
// the page's messages (reveal a node, a lane or an arrow's edges, switch view, export SVG,
// open in FlowZap).
const assert = require('node:assert/strict');
const { join } = require('node:path');
const { test, beforeEach } = require('node:test');
const { makeVscode, requireWithVscode, Uri } = require('../testlib/vscode-stub.cjs');

const ROOT = join(__dirname, '..');
const DOC_PATH = '/work/diagrams/flow.fz';
const DOC_TEXT = [
  'User { # User',
  'n1: circle label:"Start"',
  '  n2: rectangle label:"Step"',
  'n1.handle(right) -> n2.handle(left)',
  '}',
].join('\n');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A fake LanguageClient: records requests, answers with a numbered SVG after `delay` ms. */
function fakeClient() {
  const client = {
    running: true,
    requests: [],
    delays: [],
    isRunning: () => client.running,
    async sendRequest(type, params) {
      const n = client.requests.push({ method: type.method, params });
      const delay = client.delays.shift() ?? 0;
      if (delay) await sleep(delay);
      if (client.fail) throw new Error(client.fail);
      const arg = params.arguments[0];
      if (params.command === 'flowzap.sourceRanges') {
        return client.sourceAnswer;
      }
      if (params.command === 'flowzap.shareUrl') {
        return client.shareAnswer ?? { url: `https://flowzap.xyz/playground?code=${Buffer.from(DOC_TEXT).toString('base64url')}` };
      }
      if (params.command === 'flowzap.export') {
        if (client.exportFail) throw new Error(client.exportFail);
        const body = arg.format === 'png' ? `PNG n=${n} view=${arg.view} theme=${arg.theme} scale=${arg.scale}` : `<svg data-request="${n}" data-view="${arg.view}" data-theme="${arg.theme}"></svg>`;
        return { format: arg.format, view: arg.view, theme: arg.theme, base64: Buffer.from(body).toString('base64') };
      }
      return { svg: `<svg data-request="${n}" data-view="${arg.view}" data-theme="${arg.theme}"></svg>`, view: arg.view, version: n };
    },
  };
  return client;
}

let env;
let settings; // what getConfiguration answers (a test may set keys before opening a preview)
let client;
let manager;
let uri;

beforeEach(() => {
  uri = Uri.file(DOC_PATH);
  settings = {};
  env = makeVscode({ settings, documents: { [uri.toString()]: DOC_TEXT } });
  const mod = requireWithVscode(join(ROOT, 'out', 'preview.cjs'), env.stub);
  client = fakeClient();
  const context = { subscriptions: [], extensionPath: ROOT, extensionUri: Uri.file(ROOT) };
  manager = new mod.PreviewManager(context, () => client);
  env.stub.window.activeTextEditor = { document: { languageId: 'flowzap', uri } };
});

async function openReady(toSide = true) {
  await manager.open(undefined, toSide);
  const panel = env.calls.panels.at(-1);
  panel.receive({ type: 'ready' });
  await sleep(20);
  return panel;
}

test('the page is the media template with a nonce, the webview CSP source and resource URIs', async () => {
  await manager.open(undefined, true);
  const [panel] = env.calls.panels;
  assert.equal(panel.viewType, 'flowzap.previewPanel');
  assert.equal(panel.title, 'Preview flow.fz');
  assert.deepEqual(panel.showOptions, { viewColumn: -2, preserveFocus: true });
  assert.equal(panel.options.enableScripts, true);
  assert.deepEqual(panel.options.localResourceRoots.map((u) => u.fsPath), [join(ROOT, 'media')]);
  const html = panel.webview.html;
  assert.doesNotMatch(html, /\{\{/);
  const nonce = /'nonce-([^']+)'/.exec(html)[1];
  assert.ok(nonce.length >= 16);
  assert.ok(html.includes(`<script nonce="${nonce}" src="https://stub.vscode-cdn.net${join(ROOT, 'media', 'preview.js')}"></script>`), html);
  assert.match(html, /style-src https:\/\/stub\.vscode-cdn\.net 'nonce-/);
});

test('ready -> init + one flowzap.preview request with uri, view and theme -> render', async () => {
  const panel = await openReady();
  assert.equal(client.requests.length, 1);
  const req = client.requests[0];
  assert.equal(req.method, 'workspace/executeCommand');
  assert.equal(req.params.command, 'flowzap.preview');
  assert.deepEqual(req.params.arguments, [{ uri: uri.toString(), view: 'workflow', theme: 'light', sequenceOrder: 'causal' }]);
  assert.deepEqual(panel.posted[0], { type: 'init', uri: uri.toString(), view: 'workflow' });
  const render = panel.posted.find((m) => m.type === 'render');
  assert.equal(render.svg, '<svg data-request="1" data-view="workflow" data-theme="light"></svg>');
  assert.equal(render.version, 1);
});

test('the sequence order is sent from flowzap.preview.sequenceOrder (causal unless it says document)', async () => {
  settings['flowzap.preview.sequenceOrder'] = 'document';
  await openReady();
  assert.equal(client.requests[0].params.arguments[0].sequenceOrder, 'document');
  settings['flowzap.preview.sequenceOrder'] = 'chronological'; // not a value: the default
  await manager.refreshAll();
  await sleep(20);
  assert.equal(client.requests.at(-1).params.arguments[0].sequenceOrder, 'causal');
});

test('the theme follows the setting, or the color theme when it is auto', async () => {
  env.stub.window.activeColorTheme.kind = 2; // dark
  const panel = await openReady();
  assert.equal(client.requests[0].params.arguments[0].theme, 'dark');
  env.stub.window.activeColorTheme.kind = 1;
  env.events.changeTheme.fire({ kind: 1 });
  await sleep(20);
  assert.equal(client.requests[1].params.arguments[0].theme, 'light');
  assert.equal(panel.posted.filter((m) => m.type === 'render').length, 2);
});

test('typing is debounced to one request ~200 ms after the last change', async () => {
  const panel = await openReady();
  const doc = await env.stub.workspace.openTextDocument(uri);
  for (let i = 0; i < 5; i++) {
    env.events.changeText.fire({ document: doc, contentChanges: [] });
    await sleep(20);
  }
  assert.equal(client.requests.length, 1, 'nothing sent while typing');
  await sleep(450);
  assert.equal(client.requests.length, 2, 'one request after the pause');
  // Other documents do not trigger this preview.
  env.events.changeText.fire({ document: { uri: Uri.file('/elsewhere.fz') }, contentChanges: [] });
  await sleep(300);
  assert.equal(client.requests.length, 2);
  assert.equal(panel.posted.filter((m) => m.type === 'render').length, 2);
});

test('a slow, stale answer is dropped in favour of the newer one', async () => {
  const panel = await openReady();
  client.delays.push(400, 0); // request 2 is slow (answers after request 3), request 3 is fast
  const doc = await env.stub.workspace.openTextDocument(uri);
  env.events.changeText.fire({ document: doc, contentChanges: [] });
  await sleep(230); // request 2 sent, still pending
  env.events.changeText.fire({ document: doc, contentChanges: [] });
  await sleep(550);
  const renders = panel.posted.filter((m) => m.type === 'render').map((m) => m.version);
  assert.deepEqual(renders, [1, 3]);
});

test('server errors and a stopped server become error messages in the page', async () => {
  const panel = await openReady();
  client.fail = 'boom from server';
  env.events.changeText.fire({ document: await env.stub.workspace.openTextDocument(uri), contentChanges: [] });
  await sleep(450);
  assert.deepEqual(panel.posted.at(-1), { type: 'error', message: 'boom from server' });
  client.fail = undefined;
  client.running = false;
  manager.refreshAll();
  await sleep(20);
  assert.equal(panel.posted.at(-1).type, 'error');
  assert.match(panel.posted.at(-1).message, /not running/);
});

test('setView re-renders with the sequence view, then the architecture view', async () => {
  const panel = await openReady();
  panel.receive({ type: 'setView', view: 'sequence' });
  await sleep(20);
  assert.equal(client.requests.at(-1).params.arguments[0].view, 'sequence');
  assert.equal(panel.posted.at(-1).view, 'sequence');
  panel.receive({ type: 'setView', view: 'architecture' });
  await sleep(20);
  assert.equal(client.requests.at(-1).params.arguments[0].view, 'architecture');
  assert.equal(panel.posted.at(-1).view, 'architecture');
  assert.equal(client.requests.length, 3);
  panel.receive({ type: 'setView', view: 'bogus' });
  await sleep(20);
  assert.equal(client.requests.length, 3, 'unknown views are ignored');
});

/** An LSP range as the server sends it. */
const R = (sl, sc, el, ec) => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });

test('a click asks the server what to select and puts the cursor there', async () => {
  const panel = await openReady();
  client.sourceAnswer = { ranges: [R(2, 2, 2, 4)] };
  panel.receive({ type: 'reveal', node: 'n2', line: 2 });
  await sleep(20);
  const asked = client.requests.at(-1);
  assert.equal(asked.params.command, 'flowzap.sourceRanges');
  assert.deepEqual(asked.params.arguments, [{ uri: uri.toString(), target: { node: 'n2', lane: undefined, line: 2, lines: undefined } }]);
  const { editor, opts } = env.calls.shown.at(-1);
  assert.equal(editor.document.uri.toString(), uri.toString());
  assert.equal(opts.viewColumn, 1, 'the editor opens beside the preview column');
  assert.deepEqual({ ...editor.selection.start }, { line: 2, character: 2 });
  assert.deepEqual({ ...editor.selection.end }, { line: 2, character: 4 });
  assert.equal(editor.revealed.length, 1);
  // A malformed message's fields are dropped before they reach the server; a non-message is ignored.
  const sent = client.requests.length;
  panel.receive({ type: 'reveal', node: 42, line: 'x', lines: ['x', -1] });
  panel.receive(null);
  await sleep(20);
  assert.equal(client.requests.length, sent + 1);
  assert.deepEqual(client.requests.at(-1).params.arguments[0].target, { node: undefined, lane: undefined, line: undefined, lines: undefined });
});

test('an arrow selects every range the server answers; nothing, junk or a failure shows nothing', async () => {
  const panel = await openReady();
  client.sourceAnswer = { ranges: [R(3, 0, 3, 35), R(2, 2, 2, 28)] };
  panel.receive({ type: 'reveal', lines: [3, 2], line: 3 });
  await sleep(20);
  const editor = env.calls.shown.at(-1).editor;
  assert.deepEqual(editor.selections.map((s) => [s.start.line, s.start.character, s.end.line, s.end.character]), [[3, 0, 3, 35], [2, 2, 2, 28]]);
  assert.equal(editor.revealed[0].range.start.line, 3);
  const before = env.calls.shown.length;
  for (const answer of [{ ranges: [] }, null, { ranges: 'x' }, { ranges: [R(-1, 0, 0, 0), { start: {} }] }, { ranges: [R(99, 0, 99, 1)] }]) {
    client.sourceAnswer = answer;
    panel.receive({ type: 'reveal', node: 'n9', line: 1 });
    await sleep(20);
  }
  client.fail = 'server gone';
  panel.receive({ type: 'reveal', node: 'n1', line: 1 });
  await sleep(20);
  client.fail = undefined;
  assert.equal(env.calls.shown.length, before);
});

test('Open in FlowZap opens the server\'s playground URL in the browser, and nothing else', async () => {
  const panel = await openReady();
  panel.receive({ type: 'openInFlowZap' });
  await sleep(30);
  const share = client.requests.find((r) => r.params.command === 'flowzap.shareUrl');
  assert.deepEqual(share.params.arguments, [{ uri: uri.toString() }]);
  assert.equal(env.calls.opened.length, 1);
  assert.equal(env.calls.opened[0].toString(), `https://flowzap.xyz/playground?code=${Buffer.from(DOC_TEXT).toString('base64url')}`);
  // From the command palette (no argument): the active .fz editor's document.
  assert.equal(await manager.openInFlowZap(), env.calls.opened[1].toString());
  // An answer that is not a playground URL is never opened.
  client.shareAnswer = { url: 'javascript:alert(1)' };
  assert.equal(await manager.openInFlowZap(uri), undefined);
  assert.equal(env.calls.opened.length, 2);
  assert.match(env.calls.errors.at(-1).message, /no FlowZap link/);
  // No server: an error message, nothing opened.
  client.shareAnswer = undefined;
  client.running = false;
  assert.equal(await manager.openInFlowZap(uri), undefined);
  assert.match(env.calls.errors.at(-1).message, /not running/);
  assert.equal(env.calls.opened.length, 2);
});

test('the executeCommand middleware runs Open in FlowZap itself and passes the rest on', async () => {
  const mod = requireWithVscode(join(ROOT, 'out', 'preview.cjs'), env.stub);
  const forwarded = [];
  const middleware = mod.commandMiddleware(() => manager);
  const next = async (command, args) => forwarded.push([command, args]);
  // From the command palette: no argument, the active .fz editor's document.
  const url = await middleware('flowzap.openInFlowZap', [], next);
  assert.match(url, /^https:\/\/flowzap\.xyz\/playground\?code=/);
  assert.deepEqual(env.calls.opened.map(String), [url]);
  assert.deepEqual(client.requests.at(-1).params, { command: 'flowzap.shareUrl', arguments: [{ uri: uri.toString() }] });
  // With a {uri} argument (as another extension or a keybinding may pass it).
  await middleware('flowzap.openInFlowZap', [{ uri: uri.toString() }], next);
  assert.equal(env.calls.opened.length, 2);
  assert.deepEqual(forwarded, []);
  await middleware('flowzap.preview', [{ uri: 'file:///x.fz' }], next);
  assert.deepEqual(forwarded, [['flowzap.preview', [{ uri: 'file:///x.fz' }]]]);
});

test('export asks for a file next to the document and writes the SVG or the PNG the server draws', async () => {
  const panel = await openReady();
  panel.receive({ type: 'setView', view: 'sequence' });
  await sleep(20);
  env.stub.window.saveDialogResult = Uri.file('/work/diagrams/out.svg');
  panel.receive({ type: 'export', view: 'sequence', format: 'svg' });
  await sleep(30);
  assert.equal(env.calls.saveDialogs.length, 1);
  assert.equal(env.calls.saveDialogs[0].defaultUri.fsPath, '/work/diagrams/flow.sequence.svg');
  assert.deepEqual(env.calls.saveDialogs[0].filters, { 'SVG image': ['svg'] });
  assert.equal(env.calls.saveDialogs[0].saveLabel, 'Export SVG');
  assert.equal(env.calls.written.length, 1);
  assert.equal(env.calls.written[0].uri.fsPath, '/work/diagrams/out.svg');
  assert.match(env.calls.written[0].text, /^<svg data-request="\d+" data-view="sequence" data-theme="light"/);
  const asked = client.requests.filter((r) => r.params.command === 'flowzap.export').map((r) => r.params.arguments[0]);
  assert.deepEqual(asked, [{ uri: uri.toString(), view: 'sequence', theme: 'light', format: 'svg', scale: 1, sequenceOrder: 'causal' }]);
  // PNG from the page's other button: twice the SVG's size, the bytes as the server sent them
  env.stub.window.saveDialogResult = Uri.file('/work/diagrams/out.png');
  panel.receive({ type: 'export', view: 'sequence', format: 'png' });
  await sleep(30);
  assert.equal(env.calls.saveDialogs.at(-1).defaultUri.fsPath, '/work/diagrams/flow.sequence.png');
  assert.deepEqual(env.calls.saveDialogs.at(-1).filters, { 'PNG image': ['png'] });
  assert.match(env.calls.written.at(-1).text, /^PNG n=\d+ view=sequence theme=light scale=2$/);
  // The palette commands: the architecture view's file name says so.
  await manager.exportSvg(uri, 'architecture');
  assert.equal(env.calls.saveDialogs.at(-1).defaultUri.fsPath, '/work/diagrams/flow.architecture.svg');
  await manager.exportPng(uri, 'workflow');
  assert.equal(env.calls.saveDialogs.at(-1).defaultUri.fsPath, '/work/diagrams/flow.png');
  assert.equal(env.calls.written.length, 4);
  // Cancelling the dialog writes nothing.
  env.stub.window.saveDialogResult = undefined;
  await manager.exportSvg(uri, 'workflow');
  assert.equal(env.calls.written.length, 4);
  // The server's refusal is shown, and no dialog is opened.
  client.exportFail = "fz-lsp: PNG export needs the resvg-py package: pip install 'fz-lsp[png]'";
  const dialogs = env.calls.saveDialogs.length;
  await manager.exportPng(uri, 'workflow');
  assert.equal(env.calls.saveDialogs.length, dialogs);
  assert.match(env.calls.errors.at(-1).message, /^FlowZap: could not export the diagram as PNG: fz-lsp: PNG export needs the resvg-py package/);
});

test('opening the same document again reveals the existing preview; closing forgets it', async () => {
  const panel = await openReady();
  await manager.open(uri, false);
  assert.equal(env.calls.panels.length, 1);
  assert.equal(panel.revealed.length, 1);
  panel.dispose();
  await manager.open(uri, false);
  assert.equal(env.calls.panels.length, 2);
});

test('a restored panel (after reload) attaches to its document and view', async () => {
  const panel = env.stub.window.createWebviewPanel('flowzap.previewPanel', 'old', {}, {});
  await manager.deserializeWebviewPanel(panel, { uri: uri.toString(), view: 'architecture' });
  assert.match(panel.webview.html, /Content-Security-Policy/);
  panel.receive({ type: 'ready' });
  await sleep(20);
  assert.equal(client.requests.at(-1).params.arguments[0].view, 'architecture');
  const orphan = env.stub.window.createWebviewPanel('flowzap.previewPanel', 'old', {}, {});
  await manager.deserializeWebviewPanel(orphan, undefined);
  assert.equal(orphan.isDisposed, true);
});

test('no .fz editor and no argument: a friendly message, no panel', async () => {
  env.stub.window.activeTextEditor = undefined;
  await manager.open(undefined, false);
  assert.equal(env.calls.panels.length, 0);
  assert.match(env.calls.infos[0].message, /open a \.fz file/);
});
