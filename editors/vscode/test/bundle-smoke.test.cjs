// (6) Load the production bundle dist/extension.js under plain Node with a stubbed
// `vscode` module: it must load (bundling/resolution errors show up here), export
// activate/deactivate, register exactly the declared commands, and turn a missing or
// too-old Python into ONE error notification with an "Open Settings" button.
const assert = require('node:assert/strict');
const { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { test, after } = require('node:test');

const ROOT = join(__dirname, '..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const BUNDLE = join(ROOT, 'dist', 'extension.js');

/** A constructible, callable stand-in for any API the bundle touches at load time. */
function anything(name) {
  const fn = function () {};
  return new Proxy(fn, {
    get(target, prop) {
      if (prop === 'prototype') return target.prototype;
      if (prop === Symbol.toPrimitive) return () => `[stub ${name}]`;
      if (prop === 'then') return undefined;
      return anything(`${name}.${String(prop)}`);
    },
    apply() {
      return anything(`${name}()`);
    },
    construct() {
      return {};
    },
  });
}

class Disposable {
  constructor(fn) {
    this.fn = fn;
  }
  dispose() {
    this.fn?.();
  }
  static from(...items) {
    return new Disposable(() => items.forEach((i) => i?.dispose?.()));
  }
}

class EventEmitter {
  constructor() {
    this.listeners = [];
    this.event = (l) => {
      this.listeners.push(l);
      return new Disposable(() => {});
    };
  }
  fire(e) {
    this.listeners.forEach((l) => l(e));
  }
  dispose() {}
}

class Uri {
  constructor(fsPath) {
    this.scheme = 'file';
    this.fsPath = fsPath;
    this.path = fsPath;
  }
  static file(p) {
    return new Uri(p);
  }
  static joinPath(base, ...parts) {
    return new Uri(join(base.fsPath, ...parts));
  }
  static parse(s) {
    return new Uri(s.replace(/^file:\/\//, ''));
  }
  toString() {
    return `file://${this.fsPath}`;
  }
}

function makeVscode(settings) {
  const calls = { commands: [], errors: [], infos: [], serializers: [], outputs: [], log: [] };
  const event = () => () => new Disposable(() => {});
  const api = {
    Disposable,
    EventEmitter,
    Uri,
    ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2 },
    ColorThemeKind: { Light: 1, Dark: 2, HighContrast: 3, HighContrastLight: 4 },
    TextEditorRevealType: { InCenterIfOutsideViewport: 2 },
    version: '1.91.0',
    env: { language: 'en', appName: 'stub' },
    commands: {
      registerCommand(id, fn) {
        calls.commands.push(id);
        return new Disposable(() => {});
      },
      executeCommand: async (...args) => {
        calls.log.push(['executeCommand', ...args]);
      },
    },
    window: {
      createOutputChannel(name, opts) {
        calls.outputs.push({ name, opts });
        const ch = { name, logLevel: 2, onDidChangeLogLevel: event() };
        for (const m of ['info', 'warn', 'error', 'debug', 'trace', 'append', 'appendLine', 'replace', 'clear', 'show', 'hide', 'dispose']) {
          ch[m] = (...a) => calls.log.push([`output.${m}`, ...a]);
        }
        return ch;
      },
      showErrorMessage: async (message, ...items) => {
        calls.errors.push({ message, items });
        return undefined;
      },
      showInformationMessage: async (message, ...items) => {
        calls.infos.push({ message, items });
        return undefined;
      },
      showWarningMessage: async () => undefined,
      registerWebviewPanelSerializer(viewType, s) {
        calls.serializers.push(viewType);
        return new Disposable(() => {});
      },
      onDidChangeActiveColorTheme: event(),
      onDidChangeActiveTextEditor: event(),
      onDidChangeVisibleTextEditors: event(),
      activeColorTheme: { kind: 2 },
      activeTextEditor: undefined,
      visibleTextEditors: [],
    },
    workspace: {
      isTrusted: true,
      workspaceFolders: undefined,
      textDocuments: [],
      getConfiguration(section) {
        const get = (key, def) => {
          const full = `${section}.${key}`;
          return Object.prototype.hasOwnProperty.call(settings, full) ? settings[full] : def;
        };
        return { get, has: (k) => get(k) !== undefined, inspect: (k) => ({ globalValue: get(k) }), update: async () => {} };
      },
      onDidChangeConfiguration: event(),
      onDidGrantWorkspaceTrust: event(),
      onDidChangeTextDocument: event(),
      onDidOpenTextDocument: event(),
      onDidCloseTextDocument: event(),
      onDidSaveTextDocument: event(),
    },
    extensions: { getExtension: () => undefined },
    languages: {},
  };
  const stub = new Proxy(api, {
    get(target, prop) {
      if (prop === '__esModule') return true;
      if (prop in target) return target[prop];
      return anything(`vscode.${String(prop)}`);
    },
  });
  return { stub, calls };
}

function loadBundle(vscodeStub) {
  const originalLoad = Module._load;
  Module._load = function (request, parent, isMain) {
    if (request === 'vscode') return vscodeStub;
    return originalLoad.call(this, request, parent, isMain);
  };
  try {
    delete require.cache[require.resolve(BUNDLE)];
    return require(BUNDLE);
  } finally {
    Module._load = originalLoad;
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'fz-smoke-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function context() {
  return { subscriptions: [], extensionPath: ROOT, extensionUri: Uri.file(ROOT), globalState: { get: () => undefined, update: async () => {} } };
}

test('the bundle loads and exports activate/deactivate', () => {
  const { stub } = makeVscode({});
  const ext = loadBundle(stub);
  assert.equal(typeof ext.activate, 'function');
  assert.equal(typeof ext.deactivate, 'function');
  const size = readFileSync(BUNDLE).length;
  assert.ok(size < 1.5 * 1024 * 1024, `bundle is ${size} bytes`);
});

async function activateWith(settings) {
  const { stub, calls } = makeVscode(settings);
  const ext = loadBundle(stub);
  const ctx = context();
  await ext.activate(ctx);
  await ext.whenStarted();
  return { ext, ctx, calls };
}

test('activation registers the declared commands and the preview serializer', async () => {
  const { ext, calls, ctx } = await activateWith({ 'flowzap.python.path': join(tmp, 'missing-python') });
  const declared = PKG.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual([...calls.commands].sort(), declared);
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
