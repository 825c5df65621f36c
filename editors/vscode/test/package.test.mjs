// The extension manifest: pinned versions that fit each other, settings mirroring the
// server's, commands declared and registered consistently, snippets and language
// configuration well-formed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PKG, ROOT } from '../testlib/common.mjs';

const read = (rel) => readFileSync(join(ROOT, rel), 'utf8');

test('dependency versions are exact and fit each other', () => {
  const all = { ...PKG.dependencies, ...PKG.devDependencies };
  for (const [name, version] of Object.entries(all)) {
    assert.match(version, /^\d+\.\d+\.\d+$/, `${name} is pinned exactly (got ${version})`);
  }
  assert.equal(PKG.dependencies['vscode-languageclient'], '11.0.0');
  assert.equal(PKG.engines.vscode, '^1.91.0', 'vscode-languageclient 11 needs VS Code 1.91');
  assert.equal(PKG.devDependencies['@types/vscode'], '1.91.0', '@types/vscode must not be newer than engines.vscode');
  const lock = JSON.parse(read('package-lock.json'));
  assert.equal(lock.packages['node_modules/vscode-languageclient'].version, '11.0.0');
  assert.equal(lock.packages['node_modules/vscode-languageserver-protocol'].version, PKG.devDependencies['vscode-languageserver-protocol'],
    'the tests speak the same protocol version as the bundled client');
});

test('`vsce package` alone builds what the .vsix needs, and leaves node_modules out', () => {
  // vsce runs vscode:prepublish before packaging: the esbuild bundle, then the bundled server
  assert.equal(PKG.scripts['vscode:prepublish'], 'node scripts/build.mjs && bash scripts/build-server.sh');
  assert.deepEqual(PKG.vsce, { dependencies: false, allowMissingRepository: true });
  assert.match(read('scripts/ci.sh'), /^npx vsce package --out "\$vsix"$/m, 'ci.sh packages exactly that way');
  // the lock file pins the same versions package.json names
  const lock = JSON.parse(read('package-lock.json'));
  for (const [name, version] of Object.entries({ ...PKG.dependencies, ...PKG.devDependencies })) {
    assert.equal(lock.packages[`node_modules/${name}`]?.version, version, `${name} in package-lock.json`);
  }
});

test('the manifest names its repository (vsce and the Marketplace link to it)', () => {
  assert.equal(PKG.repository.type, 'git');
  assert.match(PKG.repository.url, /^https:\/\/\S+\.git$/);
  assert.equal(PKG.repository.directory, 'editors/vscode', 'the extension lives in a folder of the repository');
});

test('settings mirror the server contract plus the client-only ones', () => {
  const props = PKG.contributes.configuration.properties;
  const expected = {
    'flowzap.diagnostics.delayMs': ['integer', 150],
    'flowzap.diagnostics.sequenceRules': ['boolean', false],
    'flowzap.diagnostics.strict': ['boolean', false],
    'flowzap.diagnostics.maxLabelLength': ['integer', 50],
    'flowzap.format.indent': ['integer', 0],
    'flowzap.inlayHints.labels': ['boolean', true],
    'flowzap.preview.theme': ['string', 'auto'],
    'flowzap.preview.sequenceOrder': ['string', 'causal'],
    'flowzap.locale': ['string', 'auto'],
    'flowzap.server.command': ['array', []],
    'flowzap.python.path': ['string', ''],
    'flowzap.trace.server': ['string', 'off'],
  };
  assert.deepEqual(Object.keys(props).sort(), Object.keys(expected).sort());
  for (const [key, [type, def]] of Object.entries(expected)) {
    assert.equal(props[key].type, type, `${key} type`);
    assert.deepEqual(props[key].default, def, `${key} default`);
    assert.ok(props[key].description || props[key].markdownDescription, `${key} is documented`);
  }
  assert.deepEqual(props['flowzap.preview.theme'].enum, ['auto', 'light', 'dark']);
  assert.deepEqual(props['flowzap.preview.sequenceOrder'].enum, ['causal', 'document']);
  assert.deepEqual(props['flowzap.trace.server'].enum, ['off', 'messages', 'verbose']);
  assert.deepEqual(props['flowzap.locale'].enum, ['auto', 'en', 'zh-CN', 'fr'], 'the languages of fz_lsp/base/i18n.py');
  assert.deepEqual(PKG.capabilities.untrustedWorkspaces.restrictedConfigurations.sort(), ['flowzap.python.path', 'flowzap.server.command']);
});

test('commands are declared, registered, and never clash with server commands', () => {
  const declared = PKG.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual(declared, ['flowzap.exportPng', 'flowzap.exportSvg', 'flowzap.openInFlowZap', 'flowzap.openPreview', 'flowzap.openPreviewToSide', 'flowzap.restartServer', 'flowzap.showOutput']);
  const titles = Object.fromEntries(PKG.contributes.commands.map((c) => [c.command, `${c.category}: ${c.title}`]));
  assert.equal(titles['flowzap.openPreview'], 'FlowZap: Open Preview');
  assert.equal(titles['flowzap.openPreviewToSide'], 'FlowZap: Open Preview to the Side');
  assert.equal(titles['flowzap.restartServer'], 'FlowZap: Restart Server');
  assert.equal(titles['flowzap.exportSvg'], 'FlowZap: Export SVG…');
  assert.equal(titles['flowzap.exportPng'], 'FlowZap: Export PNG…');
  assert.equal(titles['flowzap.openInFlowZap'], 'FlowZap: Open in FlowZap');
  const palette = PKG.contributes.menus.commandPalette.map((m) => m.command);
  assert.ok(palette.includes('flowzap.openInFlowZap'));
  assert.ok(palette.includes('flowzap.exportSvg') && palette.includes('flowzap.exportPng'));
  const src = read('src/extension.ts');
  const registered = [...src.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]).sort();
  // flowzap.openInFlowZap is the server's command: vscode-languageclient registers it, and
  // the extension's executeCommand middleware runs it (shareUrl + vscode.env.openExternal).
  assert.deepEqual(registered, declared.filter((c) => c !== 'flowzap.openInFlowZap'));
  assert.match(src, /middleware: \{ executeCommand: commandMiddleware\(/);
  assert.match(read('src/preview.ts'), /OPEN_IN_FLOWZAP_COMMAND = 'flowzap\.openInFlowZap'/);
  // vscode-languageclient registers the server's commands itself.
  assert.ok(!declared.includes('flowzap.preview'));
  assert.match(read('src/preview.ts'), /ExecuteCommandRequest\.type/);
});

test('language, grammar, snippets and language configuration', () => {
  const [lang] = PKG.contributes.languages;
  assert.equal(lang.id, 'flowzap');
  assert.deepEqual(lang.extensions, ['.fz']);
  assert.equal(PKG.contributes.grammars[0].scopeName, 'source.flowzap');
  const conf = JSON.parse(read('language-configuration.json'));
  assert.equal(conf.comments.lineComment, '//');
  const opens = conf.autoClosingPairs.map((p) => p.open).sort();
  assert.deepEqual(opens, ['"', '(', '[', '{']);
  assert.deepEqual(conf.brackets, [['{', '}'], ['[', ']'], ['(', ')']]);
  const snippets = JSON.parse(read('snippets/flowzap.json'));
  const prefixes = Object.values(snippets).flatMap((s) => [].concat(s.prefix));
  for (const p of ['lane', 'node', 'edge', 'decision', 'loop']) {
    assert.ok(prefixes.includes(p), `snippet prefix ${p}`);
  }
  for (const [name, s] of Object.entries(snippets)) {
    assert.ok(Array.isArray(s.body) && s.body.length > 0, `${name} has a body`);
    assert.ok(s.description, `${name} has a description`);
  }
  // The decision snippet expands to valid FlowZap: a diamond and two labelled branches.
  const decision = snippets['Decision branch'].body.join('\n').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$0/g, '');
  assert.match(decision, /^n2: diamond label:"OK\?"$/m);
  assert.match(decision, /^n2\.handle\(right\) -> n3\.handle\(left\) \[label="Yes"\]$/m);
  assert.match(decision, /^n2\.handle\(bottom\) -> n4\.handle\(top\) \[label="No"\]$/m);
});
