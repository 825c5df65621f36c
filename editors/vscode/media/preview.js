// FlowZap preview page script. Runs inside the VS Code webview (or any browser, given an
// `acquireVsCodeApi` stub). Plain ES2020, no build step, no remote resources.
// Pan and zoom are FlowZapZoom's (media/zoom.js, loaded before this script: a copy of the
// Python package's fz_lsp/render/zoom.js that every preview page shares); this script keeps
// what is VS Code's: the messages, the view switcher, export, click to source, the SVG
// sanitiser, errors, and the state kept across reloads (vscode.setState).
//
// Messages from the extension:
//   {type: 'init', uri, view}                      remember the document (for restore)
//   {type: 'render', svg, view, version, theme}    show a new diagram
//   {type: 'error', message}                       show a problem, keep the last diagram
// Messages to the extension:
//   {type: 'ready'}                                the page is listening
//   {type: 'reveal', node, line}                   a node (or a step of a component) was clicked
//   {type: 'reveal', lane, line}                   an architecture component was clicked
//   {type: 'reveal', lines, line}                  an architecture arrow was clicked (its edges' lines)
//   {type: 'setView', view}                        the user picked workflow / sequence / architecture
//   {type: 'export', view, format}                 the user asked for an SVG or a PNG file
//   {type: 'openInFlowZap'}                        the user asked to open the text in FlowZap
(function () {
  'use strict';

  const vscode = acquireVsCodeApi();
  const script = document.currentScript;
  const nonce = (script && (script.nonce || script.getAttribute('nonce'))) || '';

  const viewport = document.getElementById('viewport');
  const canvas = document.getElementById('canvas');
  const placeholder = document.getElementById('placeholder');
  const errorBox = document.getElementById('error');
  const statusEl = document.getElementById('status');
  const zoomLabel = document.getElementById('zoom-level');

  const VIEWS = ['workflow', 'sequence', 'architecture'];
  const isView = (v) => VIEWS.includes(v);
  // What a click reveals in the source: a node, an architecture component, an arrow's edges,
  // and in the sequence view a participant (its lane), a message (its edge), a frame.
  const CLICKABLE =
    '[data-node], .fz-component[data-lane], .fz-dependency[data-lines], .fz-participant[data-lane], ' +
    '.fz-message[data-lines], .fz-frame[data-lines]';

  const saved = vscode.getState() || {};
  const state = {
    uri: saved.uri || null,
    view: isView(saved.view) ? saved.view : 'workflow',
  };
  let shown = { scale: 1, x: 0, y: 0, fitted: true }; // FlowZapZoom's last state
  // Until the user pans or zooms, every new diagram is fitted to the window.
  const zoom = FlowZapZoom.attach(viewport, {
    canvas,
    label: zoomLabel,
    controls: document.getElementById('toolbar'),
    state: saved.userMoved ? { scale: saved.scale, x: saved.x, y: saved.y, fitted: false } : undefined,
    onChange: (now) => {
      shown = now;
      persist();
    },
  });
  let hasDiagram = false;

  function persist() {
    vscode.setState({ uri: state.uri, view: state.view, scale: shown.scale, x: shown.x, y: shown.y, userMoved: !shown.fitted });
  }

  // ---------------------------------------------------------------- SVG handling

  const DROP_ELEMENTS = new Set(['script', 'foreignobject', 'iframe', 'object', 'embed', 'audio', 'video', 'animate', 'set', 'animatemotion', 'animatetransform']);

  /** Parse the server's SVG into a detached, cleaned element (or throw). */
  function parseSvg(text) {
    // The parsed document inherits this page's CSP, so its <style> elements need the
    // nonce already while parsing (otherwise Chromium reports a violation).
    const withNonce = nonce ? text.replace(/<style(?=[\s>\/])/g, `<style nonce="${nonce}"`) : text;
    const doc = new DOMParser().parseFromString(withNonce, 'image/svg+xml');
    const root = doc.documentElement;
    if (!root || root.nodeName.toLowerCase() !== 'svg' || doc.getElementsByTagName('parsererror').length > 0) {
      throw new Error('The server returned something that is not a valid SVG document.');
    }
    const inlineStyles = [];
    const walk = (el) => {
      for (const child of Array.from(el.children)) {
        const name = child.localName.toLowerCase();
        if (DROP_ELEMENTS.has(name)) {
          child.remove();
          continue;
        }
        walk(child);
      }
      for (const attr of Array.from(el.attributes)) {
        const an = attr.name.toLowerCase();
        if (an.startsWith('on')) {
          el.removeAttribute(attr.name);
        } else if ((an === 'href' || an === 'xlink:href') && !attr.value.trim().startsWith('#')) {
          el.removeAttribute(attr.name);
        } else if (an === 'style') {
          // Style attributes are blocked by the CSP; re-apply them through the CSSOM.
          inlineStyles.push([el, attr.value]);
          el.removeAttribute(attr.name);
        }
      }
    };
    walk(root);
    // <style> elements of the SVG are allowed by giving them this page's nonce.
    for (const styleEl of Array.from(root.getElementsByTagName('style'))) {
      styleEl.setAttribute('nonce', nonce);
    }
    const svg = document.importNode(root, true);
    // importNode copies the tree; map the saved inline styles onto the copy by path.
    if (inlineStyles.length > 0) {
      const originals = [root, ...root.querySelectorAll('*')];
      const copies = [svg, ...svg.querySelectorAll('*')];
      for (const [el, css] of inlineStyles) {
        const i = originals.indexOf(el);
        if (i >= 0 && copies[i]) {
          copies[i].style.cssText = css;
        }
      }
    }
    return svg;
  }

  function render(msg) {
    let svg;
    try {
      svg = parseSvg(String(msg.svg || ''));
    } catch (err) {
      showError(err && err.message ? err.message : String(err));
      return;
    }
    canvas.replaceChildren(svg);
    hasDiagram = true;
    placeholder.hidden = true;
    hideError();
    if (isView(msg.view)) {
      state.view = msg.view;
    }
    updateViewButtons();
    zoom.contentChanged();
    const plural = (n, word, words) => `${n} ${n === 1 ? word : words}`;
    let counts;
    if (svg.querySelector('.fz-component')) {
      counts = plural(canvas.querySelectorAll('.fz-component').length, 'component', 'components') + ', ' +
        plural(canvas.querySelectorAll('.fz-dependency').length, 'dependency', 'dependencies');
    } else {
      counts = plural(canvas.querySelectorAll('[data-node]').length, 'node', 'nodes') + ', ' +
        plural(canvas.querySelectorAll('[data-edge]').length, 'edge', 'edges');
    }
    statusEl.textContent = counts + (typeof msg.version === 'number' ? ` \u00b7 v${msg.version}` : '');
    document.body.dataset.rendered = String((Number(document.body.dataset.rendered) || 0) + 1);
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    if (!hasDiagram) {
      placeholder.textContent = 'No diagram to show.';
      placeholder.hidden = false;
    }
  }

  function hideError() {
    errorBox.hidden = true;
    errorBox.textContent = '';
  }

  function updateViewButtons() {
    for (const btn of document.querySelectorAll('[data-action="view"]')) {
      btn.setAttribute('aria-checked', String(btn.dataset.view === state.view));
    }
  }

  // ---------------------------------------------------------------- click to source

  // (The click that ends a drag never gets here: FlowZapZoom stops it.)
  viewport.addEventListener('click', (e) => {
    const target = e.target instanceof Element ? e.target.closest(CLICKABLE) : null;
    if (!target || !canvas.contains(target)) {
      return;
    }
    const parsed = parseInt(target.getAttribute('data-line') || '', 10);
    const line = Number.isFinite(parsed) ? parsed : null;
    if (target.hasAttribute('data-node')) {
      vscode.postMessage({ type: 'reveal', node: target.getAttribute('data-node'), line });
    } else if (target.hasAttribute('data-lines')) {
      const lines = (target.getAttribute('data-lines') || '').split(/\s+/).map((v) => parseInt(v, 10)).filter(Number.isFinite);
      vscode.postMessage({ type: 'reveal', lines, line });
    } else {
      vscode.postMessage({ type: 'reveal', lane: target.getAttribute('data-lane'), line });
    }
  });

  // ---------------------------------------------------------------- toolbar

  document.getElementById('toolbar').addEventListener('click', (e) => {
    const btn = e.target instanceof Element ? e.target.closest('button[data-action]') : null;
    if (!btn) {
      return;
    }
    switch (btn.dataset.action) {
      case 'view': {
        const view = isView(btn.dataset.view) ? btn.dataset.view : 'workflow';
        if (view !== state.view) {
          state.view = view;
          updateViewButtons();
          zoom.fit(); // the other view's diagram opens fitted (this persists the state)
          vscode.postMessage({ type: 'setView', view });
        }
        break;
      }
      case 'export':
        vscode.postMessage({ type: 'export', view: state.view, format: btn.dataset.format === 'png' ? 'png' : 'svg' });
        break;
      case 'open-flowzap':
        vscode.postMessage({ type: 'openInFlowZap' });
        break;
    }
  });

  // ---------------------------------------------------------------- messages

  window.addEventListener('message', (event) => {
    const msg = event.data;
    if (!msg || typeof msg !== 'object') {
      return;
    }
    switch (msg.type) {
      case 'init':
        state.uri = typeof msg.uri === 'string' ? msg.uri : state.uri;
        if (isView(msg.view)) {
          state.view = msg.view;
        }
        updateViewButtons();
        persist();
        break;
      case 'render':
        render(msg);
        break;
      case 'error':
        showError(String(msg.message || 'Unknown error'));
        break;
    }
  });

  updateViewButtons();
  persist();
  vscode.postMessage({ type: 'ready' });
})();
