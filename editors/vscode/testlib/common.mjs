// Shared helpers for the tests in ../test (kept out of test/ so that `node --test test/`
// does not count them as test files).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  InitializeRequest,
  InitializedNotification,
  DidOpenTextDocumentNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  ExitNotification,
} from 'vscode-languageserver-protocol/node';
import { extractZip } from './zip.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = join(ROOT, '..', '..');
export const CORPUS = process.env.FZ_CORPUS || join(REPO, '..', 'shared', 'corpus');
/** The project's own GitOps example (4 lanes, 21 nodes): every test but the corpus ones reads it, so they pass from a plain clone. */
export const GITOPS = join(REPO, 'examples', 'gitops.fz');
export const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
export const VSIX = join(ROOT, `${PKG.name}-${PKG.version}.vsix`);
export const ARTIFACTS = join(ROOT, 'test-artifacts');

const require = createRequire(import.meta.url);

/** The compiled launch module (out/launch.cjs, built by scripts/build.mjs). */
export function loadLaunch() {
  const file = join(ROOT, 'out', 'launch.cjs');
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run bundle\` (or scripts/ci.sh) first`);
  return require(file);
}

export function loadTemplate() {
  const file = join(ROOT, 'out', 'template.cjs');
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run bundle\` (or scripts/ci.sh) first`);
  return require(file);
}

export function requireVsix() {
  if (!existsSync(VSIX)) throw new Error(`${VSIX} is missing: run scripts/ci.sh (or npm run package) first`);
  return VSIX;
}

/** Unpack the .vsix into a fresh temp dir; returns {dir, extensionPath, cleanup}. */
export function unpackVsix() {
  requireVsix();
  const dir = mkdtempSync(join(tmpdir(), 'fz-vsix-'));
  extractZip(VSIX, dir);
  return {
    dir,
    extensionPath: join(dir, 'extension'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The interpreter setting the tests use: $FZ_PYTHON as `flowzap.python.path`, except
 * the default `python3`, which is left unset so that the PATH lookup runs as it would
 * for a user with no settings.
 */
export function pythonSetting() {
  const py = process.env.FZ_PYTHON || '';
  return py === 'python3' ? '' : py;
}

/** The settings the extension sends as initializationOptions (package.json defaults). */
export function defaultServerSettings() {
  const props = PKG.contributes.configuration.properties;
  const flowzap = {};
  for (const key of ['diagnostics.delayMs', 'diagnostics.sequenceRules', 'diagnostics.strict', 'diagnostics.maxLabelLength', 'format.indent', 'inlayHints.labels', 'preview.theme']) {
    const [group, name] = key.split('.');
    (flowzap[group] ??= {})[name] = props[`flowzap.${key}`].default;
  }
  return { flowzap };
}

export function fileUri(path) {
  return pathToFileURL(path).href;
}

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]);
}

/**
 * Start the server from an unpacked extension exactly as src/extension.ts does:
 * resolveLaunch() from the compiled launch module, then spawn(command, args, {env, cwd})
 * like vscode-languageclient (no transport, so no extra arguments). Then initialize.
 */
export async function startServer(extensionPath, { settings = defaultServerSettings(), launchInputs = {} } = {}) {
  const { resolveLaunch, describePlan } = loadLaunch();
  const result = await resolveLaunch({
    extensionPath,
    serverCommand: [],
    pythonPath: pythonSetting(),
    env: process.env,
    ...launchInputs,
  });
  if (!result.ok) throw new Error(`resolveLaunch failed: ${JSON.stringify(result.error, null, 2)}`);
  const plan = result.plan;
  const proc = spawn(plan.command, plan.args, { env: plan.env, cwd: plan.cwd });
  let stderr = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  proc.on('error', (err) => {
    stderr += `\n[spawn error] ${err.message}`;
  });

  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const diagnostics = new Map();
  const waiters = [];
  const logs = [];
  conn.onNotification(PublishDiagnosticsNotification.type, (params) => {
    diagnostics.set(params.uri, params);
    for (const w of [...waiters]) {
      if (w.uri === params.uri && w.predicate(params)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(params);
      }
    }
  });
  conn.onNotification('window/logMessage', (p) => logs.push(p));
  conn.onNotification('window/showMessage', (p) => logs.push(p));
  // Answer the requests VS Code would answer.
  conn.onRequest('workspace/configuration', (params) => params.items.map((item) => (item.section === 'flowzap' ? settings.flowzap : item.section?.startsWith('flowzap.') ? undefined : null)));
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('client/unregisterCapability', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('workspace/inlayHint/refresh', () => null);
  conn.onRequest('workspace/semanticTokens/refresh', () => null);
  conn.onRequest('workspace/diagnostic/refresh', () => null);
  conn.onRequest('workspace/codeLens/refresh', () => null);
  conn.listen();

  const describe = () => `${describePlan(plan)}\n--- server stderr ---\n${stderr}`;
  let init;
  try {
    init = await withTimeout(
      conn.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        clientInfo: { name: 'fz-lsp vscode tests', version: PKG.version },
        rootUri: null,
        workspaceFolders: null,
        initializationOptions: settings,
        capabilities: {
          general: { positionEncodings: ['utf-16'] },
          workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, workspaceFolders: true, applyEdit: true },
          window: { workDoneProgress: true, showMessage: {} },
          textDocument: {
            synchronization: { didSave: true, dynamicRegistration: true },
            publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true, dataSupport: true, versionSupport: true, tagSupport: { valueSet: [1, 2] } },
            completion: {
              completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'], labelDetailsSupport: true, insertReplaceSupport: true, resolveSupport: { properties: ['documentation', 'detail'] } },
              contextSupport: true,
            },
            hover: { contentFormat: ['markdown', 'plaintext'] },
            codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'source', 'source.renumberNodes'] } }, dataSupport: true, resolveSupport: { properties: ['edit'] } },
            inlayHint: {},
          },
        },
      }),
      30000,
      'initialize',
    );
  } catch (err) {
    proc.kill();
    throw new Error(`${err.message}\n${describe()}`);
  }
  await conn.sendNotification(InitializedNotification.type, {});

  return {
    plan,
    proc,
    conn,
    init,
    logs,
    diagnostics,
    get stderr() {
      return stderr;
    },
    describe,
    async open(uri, text, version = 1) {
      await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'flowzap', version, text } });
    },
    waitForDiagnostics(uri, predicate = () => true, ms = 15000) {
      const have = diagnostics.get(uri);
      if (have && predicate(have)) return Promise.resolve(have);
      return withTimeout(new Promise((resolve) => waiters.push({ uri, predicate, resolve })), ms, `diagnostics for ${uri}`);
    },
    async stop() {
      try {
        await withTimeout(conn.sendRequest(ShutdownRequest.type), 5000, 'shutdown');
        await conn.sendNotification(ExitNotification.type);
        await withTimeout(exited, 5000, 'server exit');
      } catch {
        proc.kill('SIGKILL');
      } finally {
        conn.dispose();
      }
    },
  };
}
