// (1) What the packaged .vsix contains: the bundled server (with its grammar file), the
// TextMate grammar, the webview page, and nothing from the development tree.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { test } from 'node:test';
import { PKG, requireVsix } from '../testlib/common.mjs';
import { listZip, readEntry } from '../testlib/zip.mjs';

const MAX_VSIX_BYTES = 3 * 1024 * 1024; // compressed; 0.6 MB at the time of writing
const MAX_UNPACKED_BYTES = 12 * 1024 * 1024;

const vsix = requireVsix();
const buf = readFileSync(vsix);
const entries = listZip(buf);
const names = entries.map((e) => e.name);
const files = new Map(entries.filter((e) => !e.name.endsWith('/')).map((e) => [e.name, e]));
const text = (name) => {
  const e = files.get(name);
  assert.ok(e, `${name} is in the vsix`);
  return readEntry(buf, e).toString('utf8');
};

test('vsix has the extension, grammar, snippets and webview page', () => {
  for (const name of [
    'extension.vsixmanifest',
    'extension/package.json',
    'extension/readme.md',
    'extension/LICENSE.txt',
    'extension/dist/extension.js',
    'extension/language-configuration.json',
    'extension/syntaxes/flowzap.tmLanguage.json',
    'extension/snippets/flowzap.json',
    'extension/media/preview.html',
    'extension/media/preview.js',
    'extension/media/preview.css',
  ]) {
    assert.ok(files.has(name), `missing ${name}`);
  }
  const grammar = JSON.parse(text('extension/syntaxes/flowzap.tmLanguage.json'));
  assert.equal(grammar.scopeName, 'source.flowzap');
  const html = text('extension/media/preview.html');
  assert.match(html, /\{\{nonce\}\}/, 'the page is shipped as a template');
});

test('vsix bundles the language server and its pure-Python dependencies', () => {
  for (const name of [
    'extension/bundled/tool/server.py',
    'extension/bundled/libs/fz_lsp/__init__.py',
    'extension/bundled/libs/fz_lsp/__main__.py',
    'extension/bundled/libs/fz_lsp/syntax/flowzap.lark',
    'extension/bundled/libs/pygls/__init__.py',
    'extension/bundled/libs/lsprotocol/types.py',
    'extension/bundled/libs/lark/__init__.py',
    'extension/bundled/libs/cattrs/__init__.py',
    'extension/bundled/libs/attrs/__init__.py',
    'extension/bundled/libs/typing_extensions.py',
    'extension/bundled/libs/exceptiongroup/__init__.py',
  ]) {
    assert.ok(files.has(name), `missing ${name}`);
  }
  assert.ok(text('extension/bundled/libs/fz_lsp/syntax/flowzap.lark').length > 100, 'grammar file has content');
  const version = (dist) => {
    const meta = names.find((n) => new RegExp(`^extension/bundled/libs/${dist}-[^/]+\\.dist-info/METADATA$`).test(n));
    assert.ok(meta, `${dist} dist-info present`);
    return /^Version: (.+)$/m.exec(text(meta))[1].trim();
  };
  assert.match(version('pygls'), /^2\.1\./);
  assert.equal(version('lsprotocol'), '2025.0.0');
  assert.match(version('lark'), /^1\.3\./);
  assert.equal(version('fz_lsp'), PKG.version, 'wheel version matches the extension version');
  // Pure Python only: nothing platform-specific.
  const binaries = names.filter((n) => /\.(so|pyd|dylib|dll|exe)$/i.test(n));
  assert.deepEqual(binaries, []);
});

test('vsix has no development junk', () => {
  const topLevel = new Set(names.filter((n) => n.startsWith('extension/')).map((n) => n.split('/')[1]));
  assert.deepEqual(
    [...topLevel].sort(),
    ['LICENSE.txt', 'bundled', 'changelog.md', 'dist', 'language-configuration.json', 'media', 'package.json', 'readme.md', 'snippets', 'syntaxes'].sort(),
  );
  const junk = names.filter((n) =>
    /(^|\/)(node_modules|src|test|testlib|scripts|out|build|__pycache__|\.vscode|\.git)\//.test(n.replace(/^extension\/bundled\/libs\/.*/, '')) ||
    /__pycache__\//.test(n) ||
    /\.(pyc|pyo|map|ts|tsbuildinfo|vsix|log)$/.test(n) ||
    /(^|\/)(tsconfig[^/]*\.json|package-lock\.json|\.gitignore|\.vscodeignore|ci\.sh)$/.test(n) ||
    n.startsWith('extension/bundled/libs/bin/'),
  );
  assert.deepEqual(junk, []);
  assert.doesNotMatch(text('extension/dist/extension.js'), /sourceMappingURL/, 'production bundle has no source map reference');
});

test('vsix size is reasonable', () => {
  const size = statSync(vsix).size;
  assert.ok(size < MAX_VSIX_BYTES, `vsix is ${size} bytes (limit ${MAX_VSIX_BYTES})`);
  const unpacked = entries.reduce((sum, e) => sum + e.size, 0);
  assert.ok(unpacked < MAX_UNPACKED_BYTES, `unpacked ${unpacked} bytes (limit ${MAX_UNPACKED_BYTES})`);
});

test('packaged package.json points at files that exist in the vsix', () => {
  const pkg = JSON.parse(text('extension/package.json'));
  const has = (rel) => files.has(`extension/${rel.replace(/^\.\//, '')}`);
  assert.ok(has(pkg.main), `main ${pkg.main}`);
  for (const g of pkg.contributes.grammars) assert.ok(has(g.path), g.path);
  for (const s of pkg.contributes.snippets) assert.ok(has(s.path), s.path);
  for (const l of pkg.contributes.languages) assert.ok(has(l.configuration), l.configuration);
  assert.equal(pkg.engines.vscode, PKG.engines.vscode);
  const manifest = text('extension.vsixmanifest');
  assert.match(manifest, new RegExp(`Version="${PKG.version.replace(/\./g, '\\.')}"`));
});
