// (6) Load the production bundle dist/extension.js under plain Node with a stubbed
// `vscode` module: it must load (bundling/resolution errors show up here), export
// activate/deactivate, register exactly the declared commands, and turn a missing or
// too-old Python into ONE error notification with an "Open Settings" button.
const assert = require('node:assert/strict');
const { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { test, after } = require('node:test');
const { makeVscode, requireWithVscode, Uri } = require('../testlib/vscode-stub.cjs');

const ROOT = join(__dirname, '..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const BUNDLE = join(ROOT, 'dist', 'extension.js');

const tmp = mkdtempSync(join(tmpdir(), 'fz-smoke-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function context() {
  return { subscriptions: [], extensionPath: ROOT, extensionUri: Uri.file(ROOT), globalState: { get: () => undefined, update: async () => {} } };
}

test('the bundle loads and exports activate/deactivate', () => {
  const { stub } = makeVscode();
  const ext = requireWithVscode(BUNDLE, stub);
  assert.equal(typeof ext.activate, 'function');
  assert.equal(typeof ext.deactivate, 'function');
  const size = readFileSync(BUNDLE).length;
  assert.ok(size < 1.5 * 1024 * 1024, `bundle is ${size} bytes`);
});

async function activateWith(settings) {
  const { stub, calls, events } = makeVscode({ settings });
  const ext = requireWithVscode(BUNDLE, stub);
  const ctx = context();
  await ext.activate(ctx);
  await ext.whenStarted();
  return { ext, ctx, calls, events };
}

test('activation registers the declared commands and the preview serializer', async () => {
  const { ext, calls, ctx } = await activateWith({ 'flowzap.python.path': join(tmp, 'missing-python') });
  const declared = PKG.contributes.commands.map((c) => c.command).sort();
  // flowzap.openInFlowZap is a server command: vscode-languageclient registers it once the
  // server runs (the extension's middleware runs it), so the extension must not.
  assert.deepEqual([...calls.commands].sort(), declared.filter((c) => c !== 'flowzap.openInFlowZap'));
  assert.ok(!calls.commands.includes('flowzap.openInFlowZap'));
  assert.ok(!calls.commands.includes('flowzap.preview'), 'the server command is left to vscode-languageclient');
  assert.deepEqual(calls.serializers, ['flowzap.previewPanel']);
  assert.equal(calls.outputs.length, 1);
  assert.equal(calls.outputs[0].opts?.log, true, 'a log output channel');
  assert.ok(ctx.subscriptions.length >= 6);
  await ext.deactivate();
});

test('a missing python.path gives exactly one notification with Open Settings', async () => {
  const { ext, calls } = await activateWith({ 'flowzap.python.path': join(tmp, 'missing-python') });
  assert.equal(calls.errors.length, 1, JSON.stringify(calls.errors));
  assert.match(calls.errors[0].message, /flowzap\.python\.path/);
  assert.match(calls.errors[0].message, /not found/);
  assert.ok(calls.errors[0].items.includes('Open Settings'));
  assert.doesNotMatch(calls.errors[0].message, /\n\s+at /);
  await ext.deactivate();
});

test('a too-old Python gives exactly one notification naming its version', async () => {
  const py = join(tmp, 'python3.8');
  writeFileSync(py, '#!/bin/sh\necho 3.8.18\necho /usr/bin/python3.8\n');
  chmodSync(py, 0o755);
  const { ext, calls } = await activateWith({ 'flowzap.python.path': py });
  assert.equal(calls.errors.length, 1, JSON.stringify(calls.errors));
  assert.match(calls.errors[0].message, /Python 3\.10 or newer/);
  assert.match(calls.errors[0].message, /3\.8\.18/);
  assert.deepEqual(calls.errors[0].items, ['Open Settings', 'Show Output']);
  await ext.deactivate();
});

test('changing the interpreter setting restarts (and re-reports) once per change', async () => {
  const { ext, calls, events } = await activateWith({ 'flowzap.python.path': join(tmp, 'missing-python') });
  assert.equal(calls.errors.length, 1);
  events.changeConfig.fire({ affectsConfiguration: (k) => k === 'flowzap.python.path' });
  await new Promise((r) => setTimeout(r, 50));
  await ext.whenStarted();
  assert.equal(calls.errors.length, 2);
  events.changeConfig.fire({ affectsConfiguration: (k) => k === 'flowzap.diagnostics.delayMs' });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(calls.errors.length, 2, 'a server-side setting does not restart the server');
  await ext.deactivate();
});
