// A small stand-in for the `vscode` module, enough to load the bundled extension and to
// drive the preview manager under plain Node. Unknown members resolve to a callable,
// constructible placeholder so that vscode-languageclient can load.
const Module = require('node:module');
const path = require('node:path');

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
    const fn = this.fn;
    this.fn = undefined;
    fn?.();
  }
  static from(...items) {
    return new Disposable(() => items.forEach((i) => i?.dispose?.()));
  }
}

/** An event source whose listeners the test can fire. */
class EventEmitter {
  constructor() {
    this.listeners = new Set();
    this.event = (listener) => {
      this.listeners.add(listener);
      return new Disposable(() => this.listeners.delete(listener));
    };
  }
  fire(e) {
    for (const l of [...this.listeners]) l(e);
  }
  dispose() {
    this.listeners.clear();
  }
}

class Uri {
  constructor(scheme, fsPath) {
    this.scheme = scheme;
    this.fsPath = fsPath;
    this.path = fsPath.split(path.sep).join('/');
  }
  static file(p) {
    return new Uri('file', p);
  }
  static joinPath(base, ...parts) {
    return new Uri(base.scheme, path.join(base.fsPath, ...parts));
  }
  static parse(s) {
    const m = /^([a-z][a-z0-9+.-]*):(?:\/\/)?(.*)$/i.exec(s);
    return m ? new Uri(m[1], decodeURIComponent(m[2])) : new Uri('file', s);
  }
  toString() {
    return `${this.scheme}://${this.path}`;
  }
}

class Position {
  constructor(line, character) {
    this.line = line;
    this.character = character;
  }
}

class Range {
  constructor(a, b, c, d) {
    if (a instanceof Position) {
      this.start = a;
      this.end = b;
    } else {
      this.start = new Position(a, b);
      this.end = new Position(c, d);
    }
  }
}

class Selection extends Range {
  constructor(anchor, active) {
    super(anchor, active);
    this.anchor = anchor;
    this.active = active;
  }
}

/** A text document over a string. */
function makeDocument(uri, text, languageId = 'flowzap') {
  const lines = text.split('\n');
  return {
    uri,
    languageId,
    version: 1,
    get lineCount() {
      return lines.length;
    },
    lineAt: (i) => ({ text: lines[i], lineNumber: i }),
    getText: () => text,
  };
}

/**
 * Build a stub. `settings` maps full keys ("flowzap.python.path") to values; `documents`
 * maps uri strings to text for openTextDocument.
 */
function makeVscode({ settings = {}, documents = {} } = {}) {
  const calls = {
    commands: [],
    executed: [],
    errors: [],
    infos: [],
    serializers: [],
    outputs: [],
    log: [],
    panels: [],
    shown: [],
    saveDialogs: [],
    written: [],
    opened: [],
  };
  const events = {
    changeText: new EventEmitter(),
    changeTheme: new EventEmitter(),
    changeConfig: new EventEmitter(),
    grantTrust: new EventEmitter(),
    openText: new EventEmitter(),
    closeText: new EventEmitter(),
  };
  const docs = new Map();
  const openTextDocument = async (uriOrPath) => {
    const uri = typeof uriOrPath === 'string' ? Uri.file(uriOrPath) : uriOrPath;
    const key = uri.toString();
    if (!docs.has(key)) {
      if (!(key in documents)) throw new Error(`stub: no document ${key}`);
      docs.set(key, makeDocument(uri, documents[key]));
    }
    return docs.get(key);
  };
  const noEvent = () => new Disposable(() => {});
  const window = {
    createOutputChannel(name, opts) {
      calls.outputs.push({ name, opts });
      const ch = { name, logLevel: 2, onDidChangeLogLevel: noEvent };
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
    registerWebviewPanelSerializer(viewType) {
      calls.serializers.push(viewType);
      return new Disposable(() => {});
    },
    createWebviewPanel(viewType, title, showOptions, options) {
      const received = new EventEmitter();
      const disposed = new EventEmitter();
      const panel = {
        viewType,
        title,
        showOptions,
        options,
        viewColumn: 2,
        active: true,
        posted: [],
        revealed: [],
        isDisposed: false,
        webview: {
          options: {},
          html: '',
          cspSource: 'https://stub.vscode-cdn.net',
          asWebviewUri: (u) => ({ toString: () => `https://stub.vscode-cdn.net${u.path}` }),
          postMessage: async (m) => {
            panel.posted.push(m);
            return true;
          },
          onDidReceiveMessage: received.event,
        },
        onDidDispose: disposed.event,
        reveal: (col, preserveFocus) => panel.revealed.push({ col, preserveFocus }),
        dispose: () => {
          if (!panel.isDisposed) {
            panel.isDisposed = true;
            disposed.fire();
          }
        },
        /** Test helper: a message from the page. */
        receive: (m) => received.fire(m),
      };
      calls.panels.push(panel);
      return panel;
    },
    showTextDocument: async (doc, opts) => {
      const editor = {
        document: doc,
        viewColumn: opts?.viewColumn,
        selection: undefined,
        revealed: [],
        revealRange(range, type) {
          this.revealed.push({ range, type });
        },
      };
      calls.shown.push({ editor, opts });
      return editor;
    },
    showSaveDialog: async (opts) => {
      calls.saveDialogs.push(opts);
      return window.saveDialogResult;
    },
    saveDialogResult: undefined,
    onDidChangeActiveColorTheme: events.changeTheme.event,
    onDidChangeActiveTextEditor: noEvent,
    onDidChangeVisibleTextEditors: noEvent,
    activeColorTheme: { kind: 1 },
    activeTextEditor: undefined,
    visibleTextEditors: [],
  };
  const workspace = {
    isTrusted: true,
    workspaceFolders: undefined,
    textDocuments: [],
    getConfiguration(section) {
      const get = (key, def) => {
        const full = section ? `${section}.${key}` : key;
        return Object.prototype.hasOwnProperty.call(settings, full) ? settings[full] : def;
      };
      return { get, has: (k) => get(k) !== undefined, inspect: (k) => ({ globalValue: get(k) }), update: async () => {} };
    },
    openTextDocument,
    fs: {
      writeFile: async (uri, bytes) => {
        calls.written.push({ uri, text: Buffer.from(bytes).toString('utf8') });
      },
    },
    onDidChangeConfiguration: events.changeConfig.event,
    onDidGrantWorkspaceTrust: events.grantTrust.event,
    onDidChangeTextDocument: events.changeText.event,
    onDidOpenTextDocument: events.openText.event,
    onDidCloseTextDocument: events.closeText.event,
    onDidSaveTextDocument: noEvent,
  };
  const api = {
    Disposable,
    EventEmitter,
    Uri,
    Position,
    Range,
    Selection,
    ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2, Three: 3 },
    LogLevel: { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 },
    ColorThemeKind: { Light: 1, Dark: 2, HighContrast: 3, HighContrastLight: 4 },
    TextEditorRevealType: { Default: 0, InCenter: 1, InCenterIfOutsideViewport: 2, AtTop: 3 },
    version: '1.91.0',
    env: {
      language: 'en',
      appName: 'stub',
      openExternalResult: true,
      async openExternal(target) {
        calls.opened.push(target);
        return api.env.openExternalResult;
      },
    },
    commands: {
      registerCommand(id) {
        calls.commands.push(id);
        return new Disposable(() => {});
      },
      executeCommand: async (...args) => {
        calls.executed.push(args);
      },
    },
    window,
    workspace,
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
  return { stub, calls, events, docs };
}

/** require() a file with `vscode` resolved to the stub. */
function requireWithVscode(file, stub) {
  const originalLoad = Module._load;
  Module._load = function (request, parent, isMain) {
    if (request === 'vscode') return stub;
    return originalLoad.call(this, request, parent, isMain);
  };
  try {
    delete require.cache[require.resolve(file)];
    return require(file);
  } finally {
    Module._load = originalLoad;
  }
}

module.exports = { makeVscode, requireWithVscode, Uri, Range, Selection, Position, EventEmitter, Disposable };
