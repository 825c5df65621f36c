// The bundled server from the .vsix on every Python this machine has: 3.10+ must start it
// with no packages installed (bundled/libs was resolved for 3.10, so e.g. exceptiongroup
// must be there), and older ones must be turned away with a clear message, both by the
// launch module and by bundled/tool/server.py itself.
//
// Interpreters: $FZ_TEST_PYTHONS (colon-separated), or else whatever is found in
// ~/.pyenv/versions/*/bin and /usr/bin/python3.*; the test is skipped when there is none.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileUri, loadLaunch, startServer, unpackVsix } from '../testlib/common.mjs';

function discover() {
  if (process.env.FZ_TEST_PYTHONS) return process.env.FZ_TEST_PYTHONS.split(':').filter(Boolean);
  const found = [];
  const pyenv = join(homedir(), '.pyenv', 'versions');
  if (existsSync(pyenv)) {
    for (const v of readdirSync(pyenv).sort()) {
      for (const name of ['python3', 'python']) {
        const exe = join(pyenv, v, 'bin', name);
        if (existsSync(exe)) {
          found.push(exe);
          break;
        }
      }
    }
  }
  if (existsSync('/usr/bin')) {
    for (const f of readdirSync('/usr/bin').sort()) {
      if (/^python3\.\d+$/.test(f)) found.push(join('/usr/bin', f));
    }
  }
  return found;
}

function versionOf(exe) {
  const r = spawnSync(exe, ['-c', 'import sys; print("%d.%d.%d" % tuple(sys.version_info[:3]))'], { encoding: 'utf8', timeout: 10000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const pythons = discover()
  .map((exe) => ({ exe, version: versionOf(exe) }))
  .filter((p) => p.version);
const { isSupportedVersion, resolveLaunch } = loadLaunch();
const supported = (p) => {
  const [maj, min] = p.version.split('.').map(Number);
  return isSupportedVersion(maj, min);
};

let unpacked;
before(() => {
  unpacked = unpackVsix();
});
after(() => unpacked?.cleanup());

const BROKEN = 'User { # User\nn1: circle label:"Start"\nn1.handle(right) -> n2.handle(left)\n}\n';

describe('bundled server on each available Python', { skip: pythons.length === 0 ? 'no interpreters found' : false }, () => {
  for (const py of pythons.filter(supported)) {
    test(`Python ${py.version} (${py.exe}) runs the bundled server`, async () => {
      const server = await startServer(unpacked.extensionPath, { launchInputs: { pythonPath: py.exe } });
      try {
        assert.equal(server.plan.python.version, py.version);
        const uri = fileUri(`/tmp/fz-py-${py.version}.fz`);
        await server.open(uri, BROKEN);
        const { diagnostics } = await server.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0);
        assert.ok(diagnostics.some((d) => d.code === 'undefined-node'), JSON.stringify(diagnostics));
      } finally {
        await server.stop();
      }
    });
  }

  for (const py of pythons.filter((p) => !supported(p))) {
    test(`Python ${py.version} (${py.exe}) is refused with a clear message`, async () => {
      const r = await resolveLaunch({ extensionPath: unpacked.extensionPath, pythonPath: py.exe, env: process.env });
      assert.equal(r.ok, false);
      assert.equal(r.error.kind, 'python-too-old');
      assert.equal(r.error.version, py.version);
      // The launcher script guards itself too (for server.command setups that run it directly).
      const direct = spawnSync(py.exe, [join(unpacked.extensionPath, 'bundled', 'tool', 'server.py')], { encoding: 'utf8', timeout: 10000, input: '' });
      assert.equal(direct.status, 2, direct.stderr);
      assert.match(direct.stderr, /^fz-lsp: Python 3\.10 or newer is required, but .* is Python \d/m);
      assert.doesNotMatch(direct.stderr, /Traceback/);
    });
  }
});
