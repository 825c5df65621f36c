// The webview page template and its filling-in (src/template.ts -> out/template.cjs):
// strict CSP with a nonce, no remote resources, no placeholder left behind; and media/zoom.js,
// which scripts/build.mjs copies from the Python package, is that file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadTemplate, REPO, ROOT } from '../testlib/common.mjs';

const { renderTemplate, makeNonce } = loadTemplate();
const media = (f) => readFileSync(join(ROOT, 'media', f), 'utf8');
const values = (nonce = makeNonce()) => ({ nonce, cspSource: 'https://x.vscode-cdn.net', scriptUri: 'https://x.vscode-cdn.net/media/preview.js', zoomScriptUri: 'https://x.vscode-cdn.net/media/zoom.js', styleUri: 'https://x.vscode-cdn.net/media/preview.css' });

test('nonces are fresh and long enough', () => {
  const a = makeNonce();
  const b = makeNonce();
  assert.notEqual(a, b);
  assert.match(a, /^[A-Za-z0-9+/]{22}$/);
});

test('the page fills in completely, with a strict CSP', () => {
  const v = values();
  const html = renderTemplate(media('preview.html'), v);
  assert.doesNotMatch(html, /\{\{|\}\}/);
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)[1];
  const directives = Object.fromEntries(csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
    const [name, ...rest] = d.split(/\s+/);
    return [name, rest];
  }));
  assert.deepEqual(directives['default-src'], ["'none'"]);
  assert.deepEqual(directives['script-src'], [`'nonce-${v.nonce}'`]);
  assert.deepEqual(directives['style-src'], [v.cspSource, `'nonce-${v.nonce}'`]);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|unsafe-hashes|\s\*(\s|;)/);
  // Every script carries the nonce and comes from the extension: pan and zoom first.
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  assert.deepEqual(scripts, [`<script nonce="${v.nonce}" src="${v.zoomScriptUri}">`, `<script nonce="${v.nonce}" src="${v.scriptUri}">`]);
  assert.match(html, new RegExp(`<link rel="stylesheet" href="${v.styleUri.replace(/[.]/g, '\\.')}"`));
});

test('the template refuses unknown placeholders and weak nonces', () => {
  assert.throws(() => renderTemplate('{{nonce}} {{typo}}', values()), /unknown placeholder/);
  assert.throws(() => renderTemplate('{{nonce}}', values('short')), /nonce/);
  assert.throws(() => renderTemplate('{{nonce}}', values('"><script>alert(1)</script>')), /nonce/);
  assert.equal(renderTemplate('<a href="{{scriptUri}}">', { ...values(), scriptUri: 'x"onload="y' }), '<a href="x&quot;onload=&quot;y">');
});

test('the page, script and style load nothing remote', () => {
  for (const f of ['preview.html', 'preview.js', 'preview.css', 'zoom.js']) {
    const text = media(f);
    assert.doesNotMatch(text, /(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i, `${f} references a remote resource`);
    assert.doesNotMatch(text, /@import|url\(\s*["']?(?:https?:)?\/\//i, `${f} imports remote CSS`);
    assert.doesNotMatch(text, /\b(?:fetch|XMLHttpRequest|WebSocket|eval|new Function)\s*\(/, `${f} makes requests or evaluates code`);
  }
  assert.match(media('preview.js'), /acquireVsCodeApi\(\)/);
});

test('media/zoom.js is the pan and zoom script of the Python package (fz_lsp/render/zoom.js)', () => {
  const source = readFileSync(join(REPO, 'fz_lsp', 'render', 'zoom.js'), 'utf8');
  assert.equal(media('zoom.js'), source, 'media/zoom.js differs from fz_lsp/render/zoom.js: run node scripts/build.mjs');
  assert.match(source, /global\.FlowZapZoom = /);
  assert.match(media('preview.js'), /FlowZapZoom\.attach\(viewport, /);
});
