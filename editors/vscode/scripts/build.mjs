// Bundles the extension with esbuild, compiles the vscode-free modules that the tests load
// under plain Node (out/launch.cjs, out/template.cjs), and copies the pan and zoom script
// into the webview's folder (media/zoom.js, see below).
//   node scripts/build.mjs         production bundle (minified, no source maps)
//   node scripts/build.mjs --dev   unminified with source maps
import { build } from 'esbuild';
import { copyFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dev = process.argv.includes('--dev');

rmSync(join(root, 'dist'), { recursive: true, force: true });
rmSync(join(root, 'out'), { recursive: true, force: true });

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  logLevel: 'warning',
};

const started = Date.now();

// The webview pans and zooms with the same script as fz-lsp's HTML pages, which the Python
// package ships as fz_lsp/render/zoom.js. A copy in media/ (git-ignored, made here, on every
// build, so it can never lag behind) rather than loading bundled/libs/fz_lsp/render/zoom.js:
// this step is the one every way of running the extension goes through (F5 from the
// repository, `vsce package`), while bundled/libs exists only once build-server.sh ran and
// is not needed at all with flowzap.server.command; and the webview's resource root stays
// media/ alone. test/template.test.mjs and test/vsix.test.mjs check the copy is the source.
copyFileSync(join(root, '..', '..', 'fz_lsp', 'render', 'zoom.js'), join(root, 'media', 'zoom.js'));
await build({
  ...common,
  entryPoints: ['src/extension.ts'],
  outfile: 'dist/extension.js',
  external: ['vscode'],
  minify: !dev,
  sourcemap: dev,
  metafile: false,
});

// Test builds: same sources, no `vscode` anywhere (the build fails if one sneaks in).
await build({
  ...common,
  entryPoints: { launch: 'src/launch.ts', template: 'src/template.ts' },
  outdir: 'out',
  outExtension: { '.js': '.cjs' },
  external: [],
  plugins: [{
    name: 'no-vscode',
    setup(b) {
      b.onResolve({ filter: /^vscode$/ }, (args) => ({
        errors: [{ text: `${args.importer} imports 'vscode'; the launch and template modules must stay vscode-free` }],
      }));
    },
  }],
});
// The preview manager and the trace channel on their own (vscode stays external) for
// test/preview.test.cjs and test/trace.test.cjs, which drive them with a stubbed `vscode`.
await build({
  ...common,
  entryPoints: { preview: 'src/preview.ts', trace: 'src/trace.ts' },
  outdir: 'out',
  outExtension: { '.js': '.cjs' },
  external: ['vscode'],
});
console.log(`build: dist/extension.js, media/zoom.js, out/launch.cjs, out/template.cjs, out/preview.cjs, out/trace.cjs (${Date.now() - started} ms${dev ? ', dev' : ''})`);
