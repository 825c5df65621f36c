// Real VS Code for test-code-server/: code-server (VS Code 1.100.3 in the browser, with its
// real extension host) with the packaged .vsix installed, driven through headless Chromium
// by puppeteer-core, the way a user drives it: keyboard shortcuts, the command palette,
// the Problems panel, the suggest widget, hovers, the quick-fix menu and the preview webview.
//
// Everything lives in a fresh temp folder (extensions, user data, code-server's config,
// the workspace), so nothing is read from or written to the user's own VS Code or
// code-server set-up. scripts/code-server-test.sh installs code-server and builds the .vsix.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

export const CHROMIUM = process.env.FZ_CHROMIUM || '/usr/bin/chromium';
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Poll `probe` (sync or async) until it returns something truthy; fail after `ms` with `what`. */
export async function waitFor(probe, ms, what) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (last error: ${last.message})` : ''}`);
    await sleep(250);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Start code-server on a workspace holding `files` ({name: text}) with `settings` as the
 * user settings, the .vsix installed; open it in Chromium. Returns the session (see below).
 */
export async function startCodeServer({ entry, vsix, files, settings }) {
  const dir = mkdtempSync(join(tmpdir(), 'fz-code-server-'));
  const extensions = join(dir, 'extensions');
  const userData = join(dir, 'user-data');
  const workspace = join(dir, 'workspace');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(workspace, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(workspace, name), text);
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const common = ['--extensions-dir', extensions, '--user-data-dir', userData, '--config', join(dir, 'config.yaml')];

  const install = spawnSync(process.execPath, [entry, ...common, '--install-extension', vsix], { encoding: 'utf8', timeout: 120000 });
  if (install.status !== 0 || !/successfully installed/.test(install.stdout)) {
    throw new Error(`installing ${vsix} failed (${install.status}):\n${install.stdout}\n${install.stderr}`);
  }

  const port = await freePort();
  let serverLog = '';
  const proc = spawn(
    process.execPath,
    [entry, ...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', workspace],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  proc.stdout.on('data', (d) => (serverLog += d));
  proc.stderr.on('data', (d) => (serverLog += d));
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  const origin = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    if (proc.exitCode !== null) throw new Error(`code-server exited (${proc.exitCode}):\n${serverLog}`);
    const res = await fetch(`${origin}/healthz`).catch(() => undefined);
    return res?.ok;
  }, 60000, `code-server on ${origin}`);

  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: 'new',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--window-size=1400,900'],
    defaultViewport: { width: 1400, height: 900 },
    userDataDir: join(dir, 'chromium'),
  });
  const page = await browser.newPage();
  const consoleErrors = [];
  page.on('pageerror', (err) => consoleErrors.push(String(err)));

  const session = new CodeServerSession({ dir, extensions, userData, workspace, origin, proc, exited, browser, page, consoleErrors, serverLog: () => serverLog });
  return session;
}

export class CodeServerSession {
  constructor(fields) {
    Object.assign(this, fields);
  }

  // -- lifecycle ---------------------------------------------------------------------------

  /** Load the workbench on the workspace folder. */
  async openWorkbench() {
    await this.page.goto(`${this.origin}/?folder=${encodeURIComponent(this.workspace)}`, { waitUntil: 'domcontentloaded' });
    await this.page.waitForSelector('.monaco-workbench .part.editor', { timeout: 90000 });
    // the status bar is the last part to come up; after it, keyboard shortcuts work
    await this.page.waitForSelector('.part.statusbar', { visible: true, timeout: 60000 });
    await sleep(1500);
  }

  async close() {
    await this.browser?.close().catch(() => undefined);
    if (this.proc.exitCode === null) {
      try {
        process.kill(-this.proc.pid, 'SIGTERM'); // code-server and the extension host it started
      } catch {
        // already gone
      }
      const timer = sleep(10000).then(() => 'timeout');
      if ((await Promise.race([this.exited, timer])) === 'timeout') {
        try {
          process.kill(-this.proc.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  // -- keyboard ------------------------------------------------------------------------------

  /** Press a chord such as 'Control+Shift+KeyP'. */
  async chord(combo) {
    const keys = combo.split('+');
    const last = keys.pop();
    for (const k of keys) await this.page.keyboard.down(k);
    await this.page.keyboard.press(last);
    for (const k of keys.reverse()) await this.page.keyboard.up(k);
  }

  async type(text) {
    await this.page.keyboard.type(text, { delay: 25 });
  }

  /** Run a command from the command palette by its full title ("FlowZap: Open Preview"). */
  async command(title) {
    await this.chord('Control+Shift+KeyP');
    await this.page.waitForSelector('.quick-input-widget .quick-input-box input', { visible: true, timeout: 15000 });
    await this.type(title);
    await waitFor(
      () => this.page.$$eval('.quick-input-list .monaco-list-row', (rows, t) => rows.some((r) => (r.getAttribute('aria-label') || '').startsWith(t)), title),
      15000,
      `the command "${title}" in the palette`,
    );
    const first = await this.page.$eval('.quick-input-list .monaco-list-row.focused', (r) => r.getAttribute('aria-label') || '');
    if (!first.startsWith(title)) throw new Error(`the palette's first match for "${title}" is "${first}"`);
    await this.page.keyboard.press('Enter');
    await sleep(300);
  }

  /** Open a workspace file with Quick Open. */
  async openFile(name) {
    await this.chord('Control+KeyP');
    await this.page.waitForSelector('.quick-input-widget .quick-input-box input', { visible: true, timeout: 15000 });
    await this.type(name);
    await waitFor(
      () => this.page.$$eval('.quick-input-list .monaco-list-row', (rows, n) => rows.some((r) => (r.getAttribute('aria-label') || '').startsWith(n)), name),
      15000,
      `${name} in Quick Open`,
    );
    await this.page.keyboard.press('Enter');
    await waitFor(() => this.activeTab().then((t) => t === name), 15000, `the editor of ${name}`);
    await this.page.waitForSelector('.editor-instance .monaco-editor .view-lines', { visible: true, timeout: 15000 });
  }

  activeTab() {
    return this.page.$eval('.tabs-container .tab.active', (t) => t.getAttribute('aria-label')?.split(',')[0] ?? '').catch(() => '');
  }

  /** Put the cursor at a 1-based line and column (Go to Line). */
  async goto(line, column) {
    await this.chord('Control+KeyG');
    await this.page.waitForSelector('.quick-input-widget .quick-input-box input', { visible: true, timeout: 15000 });
    await this.type(`${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await waitFor(() => this.cursor().then((c) => c?.line === line && c?.column === column), 10000, `the cursor at ${line}:${column}`);
  }

  /** The cursor position shown in the status bar ("Ln 8, Col 1"). */
  async cursor() {
    const text = await this.page.$eval('.statusbar-item[id="status.editor.selection"]', (e) => e.textContent).catch(() => '');
    const m = /Ln (\d+), Col (\d+)/.exec(text);
    return m ? { line: Number(m[1]), column: Number(m[2]) } : undefined;
  }

  /** Save the active editor and wait until the file on disk has changed. */
  async save(name) {
    const file = join(this.workspace, name);
    const before = statSync(file).mtimeMs;
    const text = readFileSync(file, 'utf8');
    await this.chord('Control+KeyS');
    await waitFor(() => statSync(file).mtimeMs !== before || readFileSync(file, 'utf8') !== text, 15000, `${name} saved`);
    return readFileSync(file, 'utf8');
  }

  // -- what the workbench shows ----------------------------------------------------------------

  statusBarTexts() {
    return this.page.$$eval('.part.statusbar .statusbar-item', (items) => items.map((i) => i.textContent.trim()));
  }

  /** Rows of the visible suggest widget: {label, description, descriptionVisible, focused}. */
  suggestRows() {
    return this.page.$$eval('.suggest-widget.visible .monaco-list-row', (rows) =>
      rows.map((r) => {
        const details = r.querySelector('.details-label');
        const style = details ? getComputedStyle(details) : undefined;
        return {
          label: r.querySelector('.label-name')?.textContent ?? '',
          description: details?.textContent ?? '',
          descriptionVisible: !!details && style.display !== 'none' && style.visibility !== 'hidden' && details.getBoundingClientRect().width > 0,
          focused: r.classList.contains('focused'),
        };
      }),
    );
  }

  hoverTexts() {
    return this.page.$$eval('.monaco-hover', (els) => els.map((e) => e.innerText.replace(/\u00a0/g, ' ')).filter((t) => t.trim()));
  }

  /** Rows of the Problems panel: {text (as shown), label (as read out)}. */
  problemRows() {
    return this.page.$$eval('.markers-panel .monaco-list-row', (rows) =>
      rows.map((r) => ({ text: r.innerText.replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim(), label: r.getAttribute('aria-label') || '' })),
    );
  }

  /** Items of the open code action menu (quick fix), without its headers. */
  codeActionItems() {
    return this.page.$$eval('.action-widget .monaco-list-row.action', (rows) => rows.map((r) => r.getAttribute('aria-label') || r.innerText));
  }

  /** The preview webview's inner document (code-server nests it: iframe.webview -> #active-frame). */
  async previewFrame() {
    for (const frame of this.page.frames()) {
      const has = await frame.$('#diagram, svg').catch(() => null);
      if (has && /webview/.test(frame.url()) && /fake\.html|index\.html/.test(frame.url())) {
        const svg = await frame.$('svg').catch(() => null);
        if (svg) return frame;
      }
    }
    return undefined;
  }

  async screenshot(file) {
    await this.page.screenshot({ path: file });
  }

  // -- the extension's output channel ----------------------------------------------------------

  /**
   * The text of the "FlowZap Language Server" output channel. A log output channel is
   * backed by a file in the window's log folder: USER_DATA/logs/<session>/exthost<N>/
   * fz-lsp.fz-lsp/FlowZap Language Server.log (the newest extension host's).
   */
  outputChannel() {
    const logs = join(this.userData, 'logs');
    if (!existsSync(logs)) return '';
    let newest;
    for (const session of readdirSync(logs)) {
      const sessionDir = join(logs, session);
      if (!statSync(sessionDir).isDirectory()) continue;
      for (const host of readdirSync(sessionDir)) {
        const file = join(sessionDir, host, 'fz-lsp.fz-lsp', 'FlowZap Language Server.log');
        if (existsSync(file) && (!newest || statSync(file).mtimeMs > statSync(newest).mtimeMs)) newest = file;
      }
    }
    return newest ? readFileSync(newest, 'utf8') : '';
  }
}
