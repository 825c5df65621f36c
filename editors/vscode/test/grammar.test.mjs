// (4) The TextMate grammar: vscode-tmgrammar-test assertions in test/grammar/*.fz, a
// check that those assertions cover every scope the grammar can produce, and a pass over
// the real corpus with vscode-textmate (no `invalid` token on any valid real file).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { CORPUS, ROOT } from '../testlib/common.mjs';

const require = createRequire(import.meta.url);
const GRAMMAR_PATH = join(ROOT, 'syntaxes', 'flowzap.tmLanguage.json');
const grammarJson = JSON.parse(readFileSync(GRAMMAR_PATH, 'utf8'));
const testDir = join(ROOT, 'test', 'grammar');
const testFiles = readdirSync(testDir).filter((f) => f.endsWith('.fz'));

test('vscode-tmgrammar-test assertions pass', () => {
  assert.ok(testFiles.length >= 3);
  const bin = join(ROOT, 'node_modules', 'vscode-tmgrammar-test', 'dist', 'unit.js');
  const r = spawnSync(process.execPath, [bin, '--config', 'package.json', 'test/grammar/*.fz'], { cwd: ROOT, encoding: 'utf8' });
  const out = `${r.stdout}\n${r.stderr}`;
  assert.equal(r.status, 0, out);
  for (const f of testFiles) {
    assert.match(out, new RegExp(`${f.replace('.', '\\.')} run successfuly`), out);
  }
});

function collectScopes(node, into = new Set()) {
  if (Array.isArray(node)) {
    node.forEach((n) => collectScopes(n, into));
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'name' && typeof v === 'string') into.add(v);
      else collectScopes(v, into);
    }
  }
  return into;
}

test('the assertions cover every scope the grammar defines', () => {
  const scopes = collectScopes(grammarJson.repository);
  const asserted = testFiles.map((f) => readFileSync(join(testDir, f), 'utf8'))
    .join('\n')
    .split('\n')
    .filter((l) => /^\s*\/\/\s*(\^|<-)/.test(l))
    .join('\n');
  const missing = [...scopes].filter((s) => !asserted.includes(s));
  assert.deepEqual(missing, [], 'scopes without a test assertion');
  // The token kinds the extension promises.
  for (const kind of ['entity.name.type.lane', 'string.unquoted.lane-label', 'entity.name.function.node', 'variable.other.node',
    'support.type.shape', 'entity.other.attribute-name', 'string.quoted.double', 'constant.language.direction',
    'keyword.operator.arrow', 'meta.edge.label', 'keyword.control.loop', 'comment.line.double-slash']) {
    assert.ok([...scopes].some((s) => s.startsWith(kind)), kind);
  }
});

test('a unicode test line exists (CJK and emoji labels)', () => {
  const text = readFileSync(join(testDir, 'unicode.fz'), 'utf8');
  assert.match(text, /[\u4e00-\u9fff]/);
  assert.match(text, /\p{Extended_Pictographic}/u);
});

async function loadGrammar() {
  const oniguruma = require('vscode-oniguruma');
  const textmate = require('vscode-textmate');
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p) => new oniguruma.OnigScanner(p), createOnigString: (s) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scope) => (scope === 'source.flowzap' ? textmate.parseRawGrammar(readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH) : null),
  });
  return { grammar: await registry.loadGrammar('source.flowzap'), textmate };
}

test('real corpus files tokenize without invalid tokens', async (t) => {
  if (!existsSync(CORPUS)) {
    t.skip(`corpus not found at ${CORPUS}`);
    return;
  }
  const { grammar, textmate } = await loadGrammar();
  // The placeholder skeleton uses `shapeType` on purpose (it is not a real shape).
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.fz') && !f.includes('placeholder'));
  assert.ok(files.length >= 10, `corpus has ${files.length} files`);
  let nodes = 0;
  for (const f of files) {
    let state = textmate.INITIAL;
    const lines = readFileSync(join(CORPUS, f), 'utf8').split(/\r\n|\r|\n/);
    lines.forEach((line, i) => {
      const r = grammar.tokenizeLine(line, state);
      state = r.ruleStack;
      for (const tok of r.tokens) {
        const bad = tok.scopes.find((s) => s.startsWith('invalid'));
        assert.equal(bad, undefined, `${f}:${i + 1}: "${line.slice(tok.startIndex, tok.endIndex)}" got ${bad}`);
        if (tok.scopes.includes('entity.name.function.node.flowzap')) nodes++;
      }
      // Every edge line gets its arrow and both endpoints.
      if (line.includes('->')) {
        const scopes = r.tokens.flatMap((tk) => tk.scopes);
        assert.ok(scopes.includes('keyword.operator.arrow.flowzap'), `${f}:${i + 1} arrow`);
        assert.ok(scopes.filter((s) => s === 'constant.language.direction.flowzap').length >= 2, `${f}:${i + 1} handles`);
      }
    });
  }
  assert.ok(nodes > 50, `${nodes} node declarations found`);
});
