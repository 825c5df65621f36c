// (5) The preview page (media/preview.html + .js + .css from the packaged .vsix, filled in
// by the compiled template module exactly as the extension does) in headless Chromium,
// with a real SVG from the bundled server's flowzap.preview and a stubbed acquireVsCodeApi:
// the diagram is visible, a click posts the reveal message, pan/zoom/keyboard work, the
// view switcher reaches the Architecture view (whose components, steps and arrows map back
// to source), and the Content-Security-Policy blocks scripts that do not carry the nonce.
//
// Debugging aid: FZ_WEBVIEW_SVG=<file.svg> uses that file instead of asking the server.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { after, before, test } from 'node:test';
import puppeteer from 'puppeteer-core';
import { ExecuteCommandRequest } from 'vscode-languageserver-protocol/node';
import { ARTIFACTS, GITOPS, fileUri, loadTemplate, startServer, unpackVsix, withTimeout } from '../testlib/common.mjs';

const CHROMIUM = process.env.FZ_CHROMIUM || '/usr/bin/chromium';
const gitopsLines = readFileSync(GITOPS, 'utf8').split('\n');
const N5_LINE = gitopsLines.findIndex((l) => l.startsWith('n5:'));
const NODES = gitopsLines.filter((l) => /^\s*n\d+\s*:/.test(l)).length; // 21 in examples/gitops.fz

let unpacked;
const LANES = gitopsLines.filter((l) => /^\s*[A-Za-z]\w*\s*\{/.test(l)).length;
let svgs; // {workflow, sequence, architecture}
let http;
let origin;
let browser;
let page;
let userDataDir;
const pageErrors = [];

async function waitForFile(file, ms) {
  const end = Date.now() + ms;
  while (!existsSync(file)) {
    if (Date.now() > end) throw new Error(`${file} not found (is chromium installed? apt-get install -y chromium)`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

async function renderSvgs() {
  if (process.env.FZ_WEBVIEW_SVG) {
    const svg = readFileSync(process.env.FZ_WEBVIEW_SVG, 'utf8');
    return { workflow: svg, sequence: svg, architecture: svg };
  }
  const server = await startServer(unpacked.extensionPath);
  try {
    const uri = fileUri(GITOPS);
    await server.open(uri, readFileSync(GITOPS, 'utf8'));
    const call = (view) => withTimeout(
      server.conn.sendRequest(ExecuteCommandRequest.type, { command: 'flowzap.preview', arguments: [{ uri, view, theme: 'light' }] }),
      20000,
      `flowzap.preview ${view}`,
    );
    const workflow = await call('workflow');
    const sequence = await call('sequence');
    const architecture = await call('architecture');
    assert.equal(architecture.view, 'architecture');
    return { workflow: workflow.svg, sequence: sequence.svg, architecture: architecture.svg };
  } finally {
    await server.stop();
  }
}

const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html' };

function servePage(mediaDir) {
  const { renderTemplate, makeNonce } = loadTemplate();
  const template = readFileSync(join(mediaDir, 'preview.html'), 'utf8');
  return new Promise((resolve) => {
    const srv = createServer((req, res) => {
      const url = new URL(req.url, 'http://x');
      if (url.pathname === '/') {
        const base = `http://${req.headers.host}`;
        let html = renderTemplate(template, {
          nonce: makeNonce(),
          cspSource: base,
          scriptUri: `${base}/media/preview.js`,
          styleUri: `${base}/media/preview.css`,
        });
        // Hostile additions without the nonce: none of them may run.
        html = html.replace('</body>', '<script>window.__inlineRan = true;</script>\n<img src="/missing.png" onerror="window.__handlerRan = true">\n</body>');
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(html);
        return;
      }
      if (url.pathname.startsWith('/media/')) {
        const file = normalize(join(mediaDir, url.pathname.slice('/media/'.length)));
        if (file.startsWith(mediaDir) && existsSync(file)) {
          res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
          res.end(readFileSync(file));
          return;
        }
      }
      res.writeHead(404);
      res.end();
    });
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
}

before(async () => {
  await waitForFile(CHROMIUM, 300000);
  unpacked = unpackVsix();
  svgs = await renderSvgs();
  http = await servePage(join(unpacked.extensionPath, 'media'));
  origin = `http://127.0.0.1:${http.address().port}`;
  userDataDir = mkdtempSync(join(tmpdir(), 'fz-chromium-'));
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 700 });
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  await page.evaluateOnNewDocument(() => {
    window.__posted = [];
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
    });
    let state;
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
      getState: () => state,
      setState: (s) => {
        state = s;
      },
    });
  });
  await page.goto(`${origin}/`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'), { timeout: 10000 });
});

after(async () => {
  await browser?.close();
  await new Promise((r) => (http ? http.close(r) : r()));
  unpacked?.cleanup();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

async function render(svg, view = 'workflow', version = 1) {
  const before = await page.evaluate(() => Number(document.body.dataset.rendered || 0));
  await page.evaluate((msg) => window.postMessage(msg, '*'), { type: 'render', svg, view, version, theme: 'light' });
  await page.waitForFunction((n) => Number(document.body.dataset.rendered || 0) > n, { timeout: 10000 }, before);
}

const posted = () => page.evaluate(() => window.__posted);
const clearPosted = () => page.evaluate(() => {
  window.__posted.length = 0;
});
const transform = () => page.$eval('#canvas', (el) => el.style.transform);
const zoomText = () => page.$eval('#zoom-level', (el) => el.textContent);

async function nodeCenter(id) {
  return page.$eval(`#canvas [data-node="${id}"]`, (el) => {
    const r = el.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2, w: r.width, h: r.height };
  });
}

test('the server SVG renders in the page and is visible', async () => {
  await render(svgs.workflow);
  assert.equal(await page.$$eval('#canvas [data-node]', (els) => els.length), NODES);
  const box = await page.$eval('#canvas svg', (el) => {
    const r = el.getBoundingClientRect();
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height };
  });
  const viewport = await page.$eval('#viewport', (el) => el.getBoundingClientRect().toJSON());
  assert.ok(box.width > 200 && box.height > 30, JSON.stringify(box));
  // Fitted to the window's width on first render: the wide workflow fills it from side to side.
  assert.ok(box.left >= viewport.left - 1 && box.right <= viewport.right + 1, `${JSON.stringify(box)} in ${JSON.stringify(viewport)}`);
  const natural = await page.$eval('#canvas svg', (el) => parseFloat(el.getAttribute('width')));
  assert.ok(natural > viewport.width, `the gitops workflow (${natural} px) is wider than the window`);
  assert.ok(box.width >= viewport.width - 2 * 16 - 2, `fitted to the width: ${box.width} of ${viewport.width}`);
  assert.ok(Number((await zoomText()).replace('%', '')) < 100);
  // The node is really on top at its center (not hidden behind something).
  const c = await nodeCenter('n5');
  assert.ok(c.w > 5 && c.h > 5);
  const hit = await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.closest('[data-node]')?.getAttribute('data-node'), c);
  assert.equal(hit, 'n5');
  // The SVG's own <style> applies (it got the nonce): edge lines are not filled.
  const fill = await page.$eval('#canvas [data-edge] path, #canvas [data-edge] line, #canvas [data-edge] polyline', (el) => getComputedStyle(el).fill);
  assert.equal(fill, 'none');
  assert.equal(await page.$eval('#placeholder', (el) => el.hidden), true);
  assert.match(await page.$eval('#status', (el) => el.textContent), new RegExp(`${NODES} nodes`));
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'preview-workflow.png') });
});

test('1:1 shows the diagram at its own size, Fit brings back the window width', async () => {
  await page.click('button[data-action="actual"]');
  assert.equal(await zoomText(), '100%');
  const width = await page.$eval('#canvas svg', (el) => el.getBoundingClientRect().width);
  const natural = await page.$eval('#canvas svg', (el) => parseFloat(el.getAttribute('width')));
  assert.ok(Math.abs(width - natural) < 1, `${width} vs ${natural}`);
  await page.click('button[data-action="fit"]');
  assert.ok(Number((await zoomText()).replace('%', '')) < 100);
});

test('clicking a node posts the reveal message with its id and line', async () => {
  await clearPosted();
  const c = await nodeCenter('n5');
  await page.mouse.click(c.x, c.y);
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'reveal'), { timeout: 5000 });
  const msgs = (await posted()).filter((m) => m.type === 'reveal');
  assert.deepEqual(msgs, [{ type: 'reveal', node: 'n5', line: N5_LINE }]);
});

test('scripts without the nonce do not run (CSP)', async () => {
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__dynamicRan = true;';
    document.body.appendChild(s);
  });
  const flags = await page.evaluate(() => ({ inline: window.__inlineRan === true, handler: window.__handlerRan === true, dynamic: window.__dynamicRan === true }));
  assert.deepEqual(flags, { inline: false, handler: false, dynamic: false });
  const violations = await page.evaluate(() => window.__violations);
  assert.ok(violations.filter((v) => v.directive.startsWith('script-src')).length >= 3, JSON.stringify(violations));
  // Styles are not blocked: the page's stylesheet and the SVG's nonce'd <style> both load.
  assert.deepEqual(violations.filter((v) => !v.directive.startsWith('script-src')), []);
  // The page's own nonce'd script did run.
  assert.ok(Number(await page.evaluate(() => document.body.dataset.rendered)) >= 1);
  const csp = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.content);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-[A-Za-z0-9+/_-]{16,}'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:\/\/(?!127\.0\.0\.1)/);
});

test('zoom with keys, buttons and the wheel; pan by dragging', async () => {
  await page.focus('#viewport');
  await page.keyboard.press('0');
  const fitted = await zoomText();
  const pct = (s) => Number(s.replace('%', ''));
  await page.keyboard.type('+');
  assert.ok(pct(await zoomText()) > pct(fitted), `${fitted} -> ${await zoomText()}`);
  await page.keyboard.type('-');
  await page.keyboard.type('-');
  assert.ok(pct(await zoomText()) < pct(fitted));
  await page.keyboard.press('0');
  assert.equal(await zoomText(), fitted);
  await page.click('button[data-action="zoom-in"]');
  assert.ok(pct(await zoomText()) > pct(fitted));
  await page.click('button[data-action="fit"]');
  assert.equal(await zoomText(), fitted);

  const vp = await page.$eval('#viewport', (el) => el.getBoundingClientRect().toJSON());
  await page.mouse.move(vp.left + vp.width / 2, vp.top + vp.height / 2);
  await page.mouse.wheel({ deltaY: -300 });
  await page.waitForFunction((f) => document.getElementById('zoom-level').textContent !== f, { timeout: 3000 }, fitted);
  assert.ok(pct(await zoomText()) > pct(fitted));

  // Dragging pans, and a drag that starts on a node is not a click.
  await page.keyboard.press('0');
  await clearPosted();
  const before = await transform();
  const c = await nodeCenter('n1');
  await page.mouse.move(c.x, c.y);
  await page.mouse.down();
  await page.mouse.move(c.x + 60, c.y + 30, { steps: 5 });
  await page.mouse.move(c.x + 120, c.y + 40, { steps: 5 });
  await page.mouse.up();
  const afterDrag = await transform();
  assert.notEqual(afterDrag, before);
  assert.deepEqual((await posted()).filter((m) => m.type === 'reveal'), []);
  await page.keyboard.press('0');
});

test('view switch and export post messages to the extension', async () => {
  await clearPosted();
  await page.click('#view-sequence');
  await page.click('button[data-action="export"][data-format="svg"]');
  await page.click('button[data-action="export"][data-format="png"]');
  const msgs = await posted();
  assert.deepEqual(msgs, [
    { type: 'setView', view: 'sequence' },
    { type: 'export', view: 'sequence', format: 'svg' },
    { type: 'export', view: 'sequence', format: 'png' },
  ]);
  assert.deepEqual(await page.$$eval('button[data-action="export"]', (bs) => bs.map((b) => b.textContent)), ['Export SVG…', 'Export PNG…']);
  assert.equal(await page.$eval('#view-sequence', (b) => b.getAttribute('aria-checked')), 'true');
  await render(svgs.sequence, 'sequence', 2);
  assert.ok((await page.$$eval('#canvas svg', (els) => els.length)) === 1);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'preview-sequence.png') });
  await page.click('#view-workflow');
  await render(svgs.workflow, 'workflow', 3);
});

/** The centre of the first element matching `selector` in the diagram (page coordinates). */
async function centreOf(selector) {
  return page.$eval(`#canvas ${selector}`, (el) => {
    const r = el.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  });
}

async function clickReveal(selector) {
  await clearPosted();
  const c = await centreOf(selector);
  await page.mouse.click(c.x, c.y);
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'reveal'), { timeout: 5000 });
  return (await posted()).filter((m) => m.type === 'reveal');
}

test('the Architecture view: switched to, drawn, and every element maps back to source', async () => {
  await clearPosted();
  await page.click('#view-architecture');
  assert.deepEqual(await posted(), [{ type: 'setView', view: 'architecture' }]);
  assert.equal(await page.$eval('#view-architecture', (b) => b.getAttribute('aria-checked')), 'true');
  assert.equal(await page.$eval('#view-workflow', (b) => b.getAttribute('aria-checked')), 'false');
  await render(svgs.architecture, 'architecture', 6);
  await page.focus('#viewport');
  await page.keyboard.press('0');
  const components = await page.$$eval('#canvas .fz-component', (els) => els.map((el) => ({ lane: el.dataset.lane, line: Number(el.dataset.line) })));
  assert.equal(components.length, LANES);
  for (const c of components) {
    assert.match(gitopsLines[c.line], new RegExp(`^\\s*${c.lane}\\s*\\{`), `component ${c.lane} points at its header`);
  }
  const arrows = await page.$$eval('#canvas .fz-dependency', (els) => els.map((el) => ({ lines: el.dataset.lines.split(' ').map(Number), count: Number(el.dataset.count) })));
  assert.ok(arrows.length >= 1);
  for (const a of arrows) {
    assert.equal(a.lines.length, a.count);
    for (const line of a.lines) assert.match(gitopsLines[line], /->/, `line ${line} is an edge`);
  }
  assert.equal(await page.$eval('#status', (el) => el.textContent), `${LANES} components, ${arrows.length} ${arrows.length === 1 ? 'dependency' : 'dependencies'} \u00b7 v6`);
  // The SVG's own <style> applies: the component boxes are filled, arrows are not.
  assert.notEqual(await page.$eval('#canvas .fz-component-box', (el) => getComputedStyle(el).fill), 'none');
  assert.equal(await page.$eval('#canvas .fz-dependency .fz-edge-line', (el) => getComputedStyle(el).fill), 'none');
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'preview-architecture.png') });

  // A component's title goes to its lane's header, a step to its node, an arrow to its edges.
  assert.deepEqual(await clickReveal('.fz-component .fz-component-title'), [{ type: 'reveal', lane: components[0].lane, line: components[0].line }]);
  const step = await page.$eval('#canvas .fz-step', (el) => ({ node: el.dataset.node, line: Number(el.dataset.line) }));
  assert.match(gitopsLines[step.line], new RegExp(`^\\s*${step.node}\\s*:`));
  assert.deepEqual(await clickReveal('.fz-step .fz-step-label'), [{ type: 'reveal', node: step.node, line: step.line }]);
  const labelled = await page.$eval('#canvas .fz-dependency .fz-edge-label', (el) => el.closest('.fz-dependency').dataset.lines.split(' ').map(Number));
  assert.deepEqual(await clickReveal('.fz-dependency .fz-edge-label'), [{ type: 'reveal', lines: labelled, line: labelled[0] }]);

  // Open in FlowZap asks the extension (which asks the server for the URL).
  await clearPosted();
  await page.click('button[data-action="open-flowzap"]');
  assert.deepEqual(await posted(), [{ type: 'openInFlowZap' }]);
  await page.click('#view-workflow');
  await render(svgs.workflow, 'workflow', 7);
});

test('the Sequence view: participants, steps, messages and frames map back to source', async () => {
  await page.click('#view-sequence');
  await render(svgs.sequence, 'sequence', 8);
  await page.focus('#viewport');
  await page.keyboard.press('1'); // actual size
  const participant = await page.$eval('#canvas .fz-participant[data-lane]', (el) => ({ lane: el.dataset.lane, line: Number(el.dataset.line) }));
  assert.match(gitopsLines[participant.line], new RegExp(`^\\s*${participant.lane}\\s*\\{`));
  assert.deepEqual(await clickReveal('.fz-participant .fz-participant-header'), [{ type: 'reveal', ...participant }]);
  const step = await page.$eval('#canvas .fz-seq-step', (el) => ({ node: el.dataset.node, line: Number(el.dataset.line) }));
  assert.deepEqual(await clickReveal('.fz-seq-step .fz-node-shape'), [{ type: 'reveal', node: step.node, line: step.line }]);
  const message = await page.$eval('#canvas .fz-message .fz-edge-label', (el) => Number(el.closest('.fz-message').dataset.lines));
  assert.match(gitopsLines[message], /->/, 'a message points at its edge');
  assert.deepEqual(await clickReveal('.fz-message .fz-edge-label'), [{ type: 'reveal', lines: [message], line: message }]);
  const frame = await page.$eval('#canvas .fz-frame-tabs .fz-frame', (el) => el.dataset.lines.split(' ').map(Number));
  assert.deepEqual(await clickReveal('.fz-frame-tabs .fz-frame .fz-frame-label'), [{ type: 'reveal', lines: frame, line: frame[0] }]);
  await page.keyboard.press('0');
  await page.click('#view-workflow');
  await render(svgs.workflow, 'workflow', 9);
});

test('state survives a reload (pan/zoom and view are kept with setState)', async () => {
  const state = await page.evaluate(() => window.acquireVsCodeApi && true);
  assert.ok(state);
  await page.keyboard.type('+');
  const zoom = await zoomText();
  // The stub keeps state in the page; check what the page stored.
  const stored = await page.evaluate(() => {
    const api = window.acquireVsCodeApi();
    return api.getState();
  });
  assert.equal(stored.view, 'workflow');
  assert.equal(`${Math.round(stored.scale * 100)}%`, zoom);
  assert.equal(stored.userMoved, true);
});

test('hostile SVG content is dropped and does not run', async () => {
  const hostile = '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200"><script>window.__svgScript = true;</script>'
    + '<g data-node="n1" data-line="0" onclick="window.__svgClick = true"><rect x="10" y="10" width="120" height="60" fill="#ccc" onload="window.__svgLoad = true"/></g>'
    + '<foreignObject x="0" y="0" width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>'
    + '<a href="javascript:window.__svgHref = true"><text x="10" y="100">link</text></a></svg>';
  await render(hostile, 'workflow', 4);
  await page.focus('#viewport');
  await page.keyboard.press('0');
  await clearPosted();
  const c = await nodeCenter('n1');
  await page.mouse.click(c.x, c.y);
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'reveal'), { timeout: 5000 });
  const flags = await page.evaluate(() => [window.__svgScript, window.__svgClick, window.__svgLoad, window.__svgHref].map((v) => v === true));
  assert.deepEqual(flags, [false, false, false, false]);
  assert.equal(await page.$$eval('#canvas script, #canvas foreignObject, #canvas [onclick], #canvas [onload]', (els) => els.length), 0);
  assert.deepEqual((await posted()).filter((m) => m.type === 'reveal'), [{ type: 'reveal', node: 'n1', line: 0 }]);
});

test('an error keeps the last diagram and shows a message', async () => {
  await render(svgs.workflow, 'workflow', 5);
  await page.evaluate(() => window.postMessage({ type: 'error', message: 'The FlowZap language server is not running.' }, '*'));
  await page.waitForFunction(() => !document.getElementById('error').hidden, { timeout: 3000 });
  assert.match(await page.$eval('#error', (e) => e.textContent), /not running/);
  assert.equal(await page.$$eval('#canvas [data-node]', (els) => els.length), NODES);
  await page.evaluate(() => window.postMessage({ type: 'render', svg: 'not svg at all', view: 'workflow' }, '*'));
  await page.waitForFunction(() => /not a valid SVG/.test(document.getElementById('error').textContent), { timeout: 3000 });
  assert.equal(await page.$$eval('#canvas [data-node]', (els) => els.length), NODES);
  assert.deepEqual(pageErrors, []);
});
