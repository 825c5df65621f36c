// (3) The launch module (src/launch.ts, compiled to out/launch.cjs): setting precedence,
// Python version checks, and the error objects the extension turns into one notification.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadLaunch } from '../testlib/common.mjs';

const launch = loadLaunch();
const { resolveLaunch, probePython, expandVariables, pathCandidates, findExecutable, isSupportedVersion, describePlan } = launch;

let tmp;
let ext; // a fake extension folder with bundled/tool/server.py and bundled/libs/fz_lsp
let emptyExt; // an extension folder without the bundle
let bin; // fake interpreters

/** A fake `python` that prints what the probe script prints. */
function fakePython(dir, name, version, { exitCode = 0 } = {}) {
  const file = join(dir, name);
  const body = exitCode === 0
    ? `#!/bin/sh\necho ${version}\necho ${file}\n`
    : `#!/bin/sh\necho "Fatal Python error: init_fs_encoding" >&2\nexit ${exitCode}\n`;
  writeFileSync(file, body);
  chmodSync(file, 0o755);
  return file;
}

function pathDir(...dirs) {
  return dirs.join(delimiter);
}

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'fz-launch-'));
  ext = join(tmp, 'ext');
  mkdirSync(join(ext, 'bundled', 'tool'), { recursive: true });
  mkdirSync(join(ext, 'bundled', 'libs', 'fz_lsp'), { recursive: true });
  writeFileSync(join(ext, 'bundled', 'tool', 'server.py'), '# launcher\n');
  emptyExt = join(tmp, 'empty-ext');
  mkdirSync(emptyExt);
  bin = {
    new: join(tmp, 'new'), // python3 3.12.1, python 3.11.0
    old: join(tmp, 'old'), // python3 3.8.10
    onlyPython: join(tmp, 'only-python'), // python 3.10.0 (no python3)
    broken: join(tmp, 'broken'), // python3 crashes
    empty: join(tmp, 'empty'),
    extras: join(tmp, 'extras'),
  };
  for (const d of Object.values(bin)) mkdirSync(d);
  fakePython(bin.new, 'python3', '3.12.1');
  fakePython(bin.new, 'python', '3.11.0');
  fakePython(bin.old, 'python3', '3.8.10');
  fakePython(bin.old, 'python', '2.7.18');
  fakePython(bin.onlyPython, 'python', '3.10.0');
  fakePython(bin.broken, 'python3', '', { exitCode: 1 });
  fakePython(bin.extras, 'py39', '3.9.18');
  fakePython(bin.extras, 'py313', '3.13.0');
  fakePython(bin.extras, 'venv-python', '3.11.4');
  fakePython(bin.extras, 'old-venv-python', '3.7.17');
});

after(() => rmSync(tmp, { recursive: true, force: true }));

const env = (PATH) => ({ ...process.env, PATH });

describe('precedence', () => {
  test('flowzap.server.command wins over everything and is used verbatim', async () => {
    const r = await resolveLaunch({
      extensionPath: emptyExt, // no bundle needed for a custom command
      serverCommand: [process.execPath, '--stdio', '--flag with space'],
      pythonPath: join(bin.extras, 'py39'), // would be an error on its own
      pythonExtensionPath: join(bin.extras, 'venv-python'),
      env: env(bin.new),
    });
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.plan.source, 'server.command');
    assert.equal(r.plan.command, process.execPath);
    assert.deepEqual(r.plan.args, ['--stdio', '--flag with space']);
    assert.equal(r.plan.bundled, false);
    assert.equal(r.plan.python, undefined, 'no Python probing for a full command line');
    assert.equal(r.plan.env.PATH, bin.new, 'inherits the host environment');
  });

  test('an empty server.command is "not set"', async () => {
    const r = await resolveLaunch({ extensionPath: ext, serverCommand: ['', ''], env: env(bin.new) });
    assert.equal(r.ok, true);
    assert.equal(r.plan.source, 'path');
  });

  test('flowzap.python.path comes next, ahead of the Python extension and PATH', async () => {
    const py = join(bin.extras, 'py313');
    const r = await resolveLaunch({ extensionPath: ext, pythonPath: py, pythonExtensionPath: join(bin.extras, 'venv-python'), env: env(bin.new) });
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.plan.source, 'python.path');
    assert.equal(r.plan.command, py);
    assert.deepEqual(r.plan.args, [join(ext, 'bundled', 'tool', 'server.py')]);
    assert.equal(r.plan.bundled, true);
    assert.equal(r.plan.python.version, '3.13.0');
  });

  test("then the Python extension's active environment", async () => {
    const venv = join(bin.extras, 'venv-python');
    const r = await resolveLaunch({ extensionPath: ext, pythonPath: '  ', pythonExtensionPath: venv, env: env(bin.new) });
    assert.equal(r.ok, true);
    assert.equal(r.plan.source, 'python-extension');
    assert.equal(r.plan.command, venv);
    assert.equal(r.plan.python.version, '3.11.4');
  });

  test('a too-old Python-extension environment falls back to PATH, with a note', async () => {
    const r = await resolveLaunch({ extensionPath: ext, pythonExtensionPath: join(bin.extras, 'old-venv-python'), env: env(bin.new) });
    assert.equal(r.ok, true);
    assert.equal(r.plan.source, 'path');
    assert.equal(r.plan.command, 'python3');
    assert.ok(r.plan.notes.some((n) => n.includes('3.7.17')), r.plan.notes.join('\n'));
  });

  test('then python3 on PATH', async () => {
    const r = await resolveLaunch({ extensionPath: ext, env: env(bin.new) });
    assert.equal(r.ok, true);
    assert.equal(r.plan.source, 'path');
    assert.equal(r.plan.command, 'python3');
    assert.equal(r.plan.python.version, '3.12.1');
    assert.equal(r.plan.python.executable, join(bin.new, 'python3'));
  });

  test('then python on PATH when there is no python3', async () => {
    const r = await resolveLaunch({ extensionPath: ext, env: env(bin.onlyPython) });
    assert.equal(r.ok, true);
    assert.equal(r.plan.command, 'python');
    assert.equal(r.plan.python.version, '3.10.0');
  });

  test('a crashing python3 on PATH is skipped for a working python later on PATH', async () => {
    const r = await resolveLaunch({ extensionPath: ext, env: env(pathDir(bin.broken, bin.onlyPython)) });
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.plan.command, 'python');
  });

  test('Windows tries python, then the py launcher', () => {
    assert.deepEqual(pathCandidates('win32'), [['python'], ['py', '-3']]);
    assert.deepEqual(pathCandidates('linux'), [['python3'], ['python']]);
    assert.deepEqual(pathCandidates('darwin'), [['python3'], ['python']]);
  });
});

describe('errors are clear objects, not exceptions', () => {
  const assertUserFacing = (error) => {
    assert.equal(typeof error.message, 'string');
    assert.doesNotMatch(error.message, /\n\s+at /, 'no stack trace');
    assert.doesNotMatch(error.message, /undefined|\[object/);
    assert.ok(error.message.length < 400, 'short enough for a notification');
  };

  test('python.path too old', async () => {
    const py = join(bin.extras, 'py39');
    const r = await resolveLaunch({ extensionPath: ext, pythonPath: py, env: env(bin.new) });
    assert.equal(r.ok, false);
    assert.equal(r.error.kind, 'python-too-old');
    assert.equal(r.error.setting, 'flowzap.python.path');
    assert.equal(r.error.version, '3.9.18');
    assert.equal(r.error.candidate, py);
    assert.match(r.error.message, /Python 3\.10 or newer/);
    assert.match(r.error.message, /3\.9\.18/);
    assert.match(r.error.message, /flowzap\.python\.path/);
    assert.deepEqual(r.error.tried, [py], 'an explicit setting is not silently replaced by PATH');
    assertUserFacing(r.error);
  });

  test('only too-old Pythons on PATH', async () => {
    const r = await resolveLaunch({ extensionPath: ext, env: env(bin.old) });
    assert.equal(r.ok, false);
    assert.equal(r.error.kind, 'python-too-old');
    assert.equal(r.error.version, '3.8.10');
    assert.deepEqual(r.error.tried, ['python3', 'python']);
    assertUserFacing(r.error);
  });

  test('python.path that does not exist', async () => {
    const py = join(tmp, 'nope', 'python3');
    const r = await resolveLaunch({ extensionPath: ext, pythonPath: py, env: env(bin.new) });
    assert.equal(r.ok, false);
    assert.equal(r.error.kind, 'python-not-found');
    assert.equal(r.error.setting, 'flowzap.python.path');
    assert.match(r.error.message, /was not found/);
    assertUserFacing(r.error);
  });

  test('no Python at all', async () => {
    const r = await resolveLaunch({ extensionPath: ext, env: env(bin.empty) });
    assert.equal(r.ok, false);
    assert.equal(r.error.kind, 'python-not-found');
    assert.equal(r.error.setting, 'flowzap.python.path');
    assert.deepEqual(r.error.tried, ['python3', 'python']);
    assert.match(r.error.message, /none was found/);
    assertUserFacing(r.error);
  });

  test('a Python that crashes', async () => {
    const r = await resolveLaunch({ extensionPath: ext, env: env(bin.broken) });
    assert.equal(r.ok, false);
    assert.equal(r.error.kind, 'python-failed');
    assert.match(r.error.message, /Fatal Python error/);
    assertUserFacing(r.error);
  });

  test('server.command that does not exist', async () => {
    const r = await resolveLaunch({ extensionPath: ext, serverCommand: ['fz-lsp-does-not-exist', '--stdio'], env: env(bin.new) });
    assert.equal(r.ok, false);
    assert.equal(r.error.kind, 'command-not-found');
    assert.equal(r.error.setting, 'flowzap.server.command');
    assertUserFacing(r.error);
  });

  test('extension without the bundled server', async () => {
    const r = await resolveLaunch({ extensionPath: emptyExt, env: env(bin.new) });
    assert.equal(r.ok, false);
    assert.equal(r.error.kind, 'bundle-missing');
    assert.equal(r.error.setting, 'flowzap.server.command');
    assertUserFacing(r.error);
  });
});

describe('helpers', () => {
  test('the server environment inherits the host and adds Python switches', async () => {
    const r = await resolveLaunch({ extensionPath: ext, env: { ...env(bin.new), FZ_MARKER: 'x' } });
    assert.equal(r.plan.env.FZ_MARKER, 'x');
    assert.equal(r.plan.env.PYTHONUNBUFFERED, '1');
    assert.equal(r.plan.env.PYTHONIOENCODING, 'utf-8');
    assert.equal(r.plan.env.PYTHONNOUSERSITE, '1');
  });

  test('variables in settings are expanded', async () => {
    const inputs = { env: { FZ_HOME: '/opt/fz' }, workspaceFolder: '/ws' };
    assert.equal(expandVariables('~/venv/bin/python', inputs), join(homedir(), 'venv/bin/python'));
    assert.equal(expandVariables('${workspaceFolder}/.venv/bin/python', inputs), '/ws/.venv/bin/python');
    assert.equal(expandVariables('${env:FZ_HOME}/bin/fz-lsp', inputs), '/opt/fz/bin/fz-lsp');
    assert.equal(expandVariables('${userHome}/x', inputs), `${homedir()}/x`);
    const r = await resolveLaunch({ extensionPath: ext, pythonPath: '${env:FZ_BIN}/py313', env: { ...env(bin.new), FZ_BIN: bin.extras } });
    assert.equal(r.plan.command, join(bin.extras, 'py313'));
  });

  test('version rule and executable lookup', () => {
    assert.equal(isSupportedVersion(3, 10), true);
    assert.equal(isSupportedVersion(3, 9), false);
    assert.equal(isSupportedVersion(4, 0), true);
    assert.equal(isSupportedVersion(2, 7), false);
    assert.equal(findExecutable('python3', env(bin.new)), join(bin.new, 'python3'));
    assert.equal(findExecutable('python3', env(bin.empty)), undefined);
    assert.equal(findExecutable(process.execPath, {}), process.execPath);
  });

  test('the real interpreter on this machine probes fine', async () => {
    const py = process.env.FZ_PYTHON || 'python3';
    const r = await probePython([py], process.env);
    assert.equal(r.status, 'ok', JSON.stringify(r));
    assert.ok(isSupportedVersion(r.major, r.minor), `${py} is ${r.version}`);
    const expected = execFileSync(py, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
    assert.equal(r.executable, expected);
  });

  test('describePlan names the source and the command', async () => {
    const r = await resolveLaunch({ extensionPath: ext, env: env(bin.new) });
    const line = describePlan(r.plan);
    assert.match(line, /\[path\]/);
    assert.match(line, /Python 3\.12\.1/);
    assert.match(line, /server\.py/);
  });
});
