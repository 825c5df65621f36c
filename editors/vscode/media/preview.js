// FlowZap preview page script. Runs inside the VS Code webview (or any browser, given an
// `acquireVsCodeApi` stub). Plain ES2020, no build step, no remote resources.
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

  const MIN_SCALE = 0.1;
  const MAX_SCALE = 8;
  const STEP = 1.2;

  const saved = vscode.getState() || {};
  const state = {
    uri: saved.uri || null,
    view: isView(saved.view) ? saved.view : 'workflow',
    scale: typeof saved.scale === 'number' ? saved.scale : 1,
    x: typeof saved.x === 'number' ? saved.x : 0,
    y: typeof saved.y === 'number' ? saved.y : 0,
    // Until the user pans or zooms, every new diagram is fitted to the window.
    userMoved: !!saved.userMoved,
  };
  let svgSize = { width: 0, height: 0 };
  let hasDiagram = false;

  function persist() {
    vscode.setState({
      uri: state.uri,
      view: state.view,
      scale: state.scale,
      x: state.x,
      y: state.y,
      userMoved: state.userMoved,
    });
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

  function measure(svg) {
    const num = (v) => {
      const n = parseFloat(v || '');
      return Number.isFinite(n) && n > 0 ? n : 0;
    };
    let width = num(svg.getAttribute('width'));
    let height = num(svg.getAttribute('height'));
    const vb = (svg.getAttribute('viewBox') || '').trim().split(/[\s,]+/).map(Number);
    if ((!width || !height) && vb.length === 4 && vb.every(Number.isFinite)) {
      width = width || vb[2];
      height = height || vb[3];
    }
    if (!width || !height) {
      width = width || 800;
      height = height || 600;
    }
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(height));
    return { width, height };
  }

  function render(msg) {
    let svg;
    try {
      svg = parseSvg(String(msg.svg || ''));
    } catch (err) {
      showError(err && err.message ? err.message : String(err));
      return;
    }
    svgSize = measure(svg);
    canvas.replaceChildren(svg);
    hasDiagram = true;
    placeholder.hidden = true;
    hideError();
    if (isView(msg.view)) {
      state.view = msg.view;
    }
    updateViewButtons();
    if (!state.userMoved) {
      fit();
    } else {
      applyTransform();
    }
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

  // ---------------------------------------------------------------- pan & zoom

  function clampScale(s) {
    return Math.min(MAX_SCALE, Math.max(MIN_SCALE, s));
  }

  function applyTransform() {
    canvas.style.transform = `translate(${state.x}px, ${state.y}px) scale(${state.scale})`;
    zoomLabel.textContent = `${Math.round(state.scale * 100)}%`;
    persist();
  }

  /** Zoom by `factor` keeping the point (cx, cy) of the viewport still. */
  function zoomAt(factor, cx, cy) {
    const next = clampScale(state.scale * factor);
    const k = next / state.scale;
    state.x = cx - (cx - state.x) * k;
    state.y = cy - (cy - state.y) * k;
    state.scale = next;
    state.userMoved = true;
    applyTransform();
  }

  function zoomCenter(factor) {
    const r = viewport.getBoundingClientRect();
    zoomAt(factor, r.width / 2, r.height / 2);
  }

  /**
   * Fit the diagram to the window's width (a wide workflow shrinks until it is whole from
   * left to right; a small one stays at its own size), centred, or at the top when it is
   * taller than the window (drag or arrow keys pan down).
   */
  function fit() {
    const r = viewport.getBoundingClientRect();
    if (!svgSize.width || !svgSize.height || r.width < 2 || r.height < 2) {
      state.scale = 1;
      state.x = 0;
      state.y = 0;
    } else {
      const pad = 16;
      const s = clampScale(Math.min((r.width - 2 * pad) / svgSize.width, 1));
      state.scale = s;
      state.x = (r.width - svgSize.width * s) / 2;
      const height = svgSize.height * s;
      state.y = height + 2 * pad <= r.height ? (r.height - height) / 2 : pad;
    }
    state.userMoved = false;
    applyTransform();
  }

  /** The diagram at its own size, the point at the window's centre kept still. */
  function actualSize() {
    const r = viewport.getBoundingClientRect();
    zoomAt(1 / state.scale, r.width / 2, r.height / 2);
  }

  viewport.addEventListener('wheel', (e) => {
    e.preventDefault();
    const r = viewport.getBoundingClientRect();
    // Pixel, line and page deltas all map to a smooth exponential zoom.
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
    const factor = Math.exp(-e.deltaY * unit * 0.0015);
    zoomAt(factor, e.clientX - r.left, e.clientY - r.top);
  }, { passive: false });

  let drag = null;
  let suppressClick = false;

  viewport.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) {
      return;
    }
    viewport.focus({ preventScroll: true });
    drag = { id: e.pointerId, sx: e.clientX, sy: e.clientY, x: state.x, y: state.y, moved: false };
  });

  viewport.addEventListener('pointermove', (e) => {
    if (!drag || e.pointerId !== drag.id) {
      return;
    }
    const dx = e.clientX - drag.sx;
    const dy = e.clientY - drag.sy;
    if (!drag.moved && Math.hypot(dx, dy) < 4) {
      return;
    }
    if (!drag.moved) {
      drag.moved = true;
      viewport.classList.add('panning');
      try {
        viewport.setPointerCapture(e.pointerId);
      } catch (_) {
        /* ignore */
      }
    }
    state.x = drag.x + dx;
    state.y = drag.y + dy;
    state.userMoved = true;
    applyTransform();
  });

  function endDrag(e) {
    if (!drag || (e && e.pointerId !== drag.id)) {
      return;
    }
    suppressClick = drag.moved;
    drag = null;
    viewport.classList.remove('panning');
  }
  viewport.addEventListener('pointerup', endDrag);
  viewport.addEventListener('pointercancel', endDrag);

  viewport.addEventListener('click', (e) => {
    if (suppressClick) {
      suppressClick = false;
      return;
    }
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

  window.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) {
      return;
    }
    const t = e.target;
    if (t instanceof HTMLElement && t.tagName === 'BUTTON' && (e.key === ' ' || e.key === 'Enter')) {
      return;
    }
    switch (e.key) {
      case '+':
      case '=':
        zoomCenter(STEP);
        break;
      case '-':
      case '_':
        zoomCenter(1 / STEP);
        break;
      case '0':
        fit();
        break;
      case '1':
        actualSize();
        break;
      case 'ArrowLeft':
        state.x += 40; state.userMoved = true; applyTransform();
        break;
      case 'ArrowRight':
        state.x -= 40; state.userMoved = true; applyTransform();
        break;
      case 'ArrowUp':
        state.y += 40; state.userMoved = true; applyTransform();
        break;
      case 'ArrowDown':
        state.y -= 40; state.userMoved = true; applyTransform();
        break;
      default:
        return;
    }
    e.preventDefault();
  });

  window.addEventListener('resize', () => {
    if (!state.userMoved && hasDiagram) {
      fit();
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
          state.userMoved = false;
          updateViewButtons();
          persist();
          vscode.postMessage({ type: 'setView', view });
        }
        break;
      }
      case 'zoom-in':
        zoomCenter(STEP);
        break;
      case 'zoom-out':
        zoomCenter(1 / STEP);
        break;
      case 'fit':
        fit();
        break;
      case 'actual':
        actualSize();
        break;
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
  applyTransform();
  vscode.postMessage({ type: 'ready' });
})();
