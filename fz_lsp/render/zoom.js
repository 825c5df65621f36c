/*
 * FlowZapZoom: pan and zoom for a FlowZap diagram, the one script every page that shows
 * one uses: the standalone HTML page (`fz-lsp render -o x.html`) and the live browser
 * preview inline it (fz_lsp/render/html.py), the VS Code webview loads a copy of this
 * file (editors/vscode/scripts/build.mjs copies it to media/zoom.js). Plain browser
 * JavaScript: no dependency, no build step, it loads nothing and adds no element.
 *
 *   const zoom = FlowZapZoom.attach(viewport, {canvas, label, controls, keys, state, onChange});
 *
 * `viewport` is the element the diagram is seen through (its size is the page's business;
 * the script makes it clip), `canvas` the element inside it that holds the <svg>, moved and
 * scaled with a CSS transform. Optional: `label` shows the scale ("125%"); in `controls`,
 * buttons with data-zoom="in", "out", "fit" or "actual" do what the keys do; `keys` is where
 * key presses are heard (document by default, null for nowhere); `state` is a state() saved
 * earlier; `onChange(state)` is called after every change.
 *
 * What the user gets:
 * - the diagram opens fitted: as wide as the viewport (never enlarged past its own size),
 *   centred, at the top when taller than the viewport; it stays fitted when the viewport is
 *   resized or the diagram replaced, until the user zooms or pans;
 * - `+` (or `=`) and `-` zoom around the viewport's centre, `0` fits, `1` shows the actual
 *   size, the arrow keys pan;
 * - Ctrl+wheel (what a touchpad pinch sends) zooms around the pointer; the wheel alone pans
 *   (Shift+wheel sideways);
 * - dragging pans, and a drag (a press that moved 4 px or more) is no click: the click that
 *   ends it is stopped before it reaches the diagram; two fingers pinch to zoom;
 * - the scale stays within 5% .. 800%, and at least 48 px of the diagram stay in view.
 * The viewport carries data-zoom (the scale, 3 decimals) and data-fitted ("yes" or "no").
 *
 * The controller: fit(), actualSize(), zoomBy(factor) (around the centre), zoomAt(factor,
 * x, y) (x, y in px from the viewport's top-left corner), panBy(dx, dy), state() ->
 * {scale, x, y, fitted}, restore(state), contentChanged() (call it after replacing the
 * <svg>), onChange(listener) -> a function that removes the listener.
 */
(function (global) {
  'use strict';

  const MIN_SCALE = 0.05;
  const MAX_SCALE = 8;
  const STEP = 1.25; // one button press, one + or -
  const PADDING = 16; // around a fitted diagram
  const PAN_STEP = 40; // one arrow key
  const KEEP_VISIBLE = 48; // px of the diagram that stay in the viewport
  const DRAG_THRESHOLD = 4; // px a press moves before it is a drag
  const WHEEL_ZOOM = 0.002; // zoom per wheel pixel: a mouse notch (100 px) is x1.22

  const clamp = (value, low, high) => Math.min(high, Math.max(low, value));
  const clampScale = (s) => clamp(s, MIN_SCALE, MAX_SCALE);
  const isNumber = (v) => typeof v === 'number' && Number.isFinite(v);

  /**
   * The diagram's own size in px: its width and height attributes, else its viewBox's,
   * else 800 x 600; written back, so that the SVG draws at that size inside the canvas.
   */
  function naturalSize(svg) {
    const positive = (v) => {
      const n = parseFloat(v || '');
      return Number.isFinite(n) && n > 0 ? n : 0;
    };
    let width = positive(svg.getAttribute('width'));
    let height = positive(svg.getAttribute('height'));
    const box = (svg.getAttribute('viewBox') || '').trim().split(/[\s,]+/).map(Number);
    if (box.length === 4 && box.every(Number.isFinite) && box[2] > 0 && box[3] > 0) {
      width = width || box[2];
      height = height || box[3];
    }
    width = width || 800;
    height = height || 600;
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(height));
    svg.style.display = 'block';
    svg.style.maxWidth = 'none';
    svg.style.width = `${width}px`;
    svg.style.height = `${height}px`;
    return { width, height };
  }

  function attach(viewport, options) {
    const opts = options || {};
    const canvas = opts.canvas;
    if (!viewport || !canvas || canvas === viewport || !viewport.contains(canvas)) {
      throw new Error('FlowZapZoom.attach: the canvas must be an element inside the viewport');
    }
    const listeners = typeof opts.onChange === 'function' ? [opts.onChange] : [];
    let scale = 1;
    let x = 0;
    let y = 0;
    let fitted = true;
    let size = null; // the diagram's own size, null while there is none

    if (getComputedStyle(viewport).position === 'static') {
      viewport.style.position = 'relative';
    }
    viewport.style.overflow = 'hidden';
    viewport.style.touchAction = 'none';
    viewport.style.cursor = 'grab';
    canvas.style.position = 'absolute';
    canvas.style.left = '0';
    canvas.style.top = '0';
    canvas.style.transformOrigin = '0 0';

    const area = () => ({ width: viewport.clientWidth, height: viewport.clientHeight });

    /** Where an event happened, in px from the viewport's top-left corner. */
    function pointOf(event) {
      const r = viewport.getBoundingClientRect();
      return { x: event.clientX - r.left - viewport.clientLeft, y: event.clientY - r.top - viewport.clientTop };
    }

    function measure() {
      const svg = canvas.querySelector('svg');
      size = svg ? naturalSize(svg) : null;
    }

    function state() {
      return { scale, x, y, fitted };
    }

    /** Keep KEEP_VISIBLE px of the diagram (or all of it, when smaller) in the viewport. */
    function keepInView() {
      if (!size) {
        return;
      }
      const { width, height } = area();
      const w = size.width * scale;
      const h = size.height * scale;
      const keepX = Math.min(KEEP_VISIBLE, w);
      const keepY = Math.min(KEEP_VISIBLE, h);
      x = clamp(x, keepX - w, width - keepX);
      y = clamp(y, keepY - h, height - keepY);
    }

    function apply() {
      keepInView();
      canvas.style.transform = `translate(${x}px, ${y}px) scale(${scale})`;
      viewport.dataset.zoom = String(Math.round(scale * 1000) / 1000);
      viewport.dataset.fitted = fitted ? 'yes' : 'no';
      if (opts.label) {
        opts.label.textContent = `${Math.round(scale * 100)}%`;
      }
      const now = state();
      for (const listener of listeners.slice()) {
        listener(now);
      }
    }

    function fit() {
      const { width, height } = area();
      fitted = true;
      if (!size || width < 2 || height < 2) {
        scale = 1;
        x = 0;
        y = 0;
      } else {
        scale = clampScale(Math.min((width - 2 * PADDING) / size.width, 1));
        const h = size.height * scale;
        x = (width - size.width * scale) / 2;
        y = h + 2 * PADDING <= height ? (height - h) / 2 : PADDING;
      }
      apply();
    }

    /** Scale to `next`, the point (px, py) of the viewport staying where it is. */
    function zoomTo(next, px, py) {
      const target = clampScale(next);
      const k = target / scale;
      x = px - (px - x) * k;
      y = py - (py - y) * k;
      scale = target;
      fitted = false;
      apply();
    }

    function zoomAt(factor, px, py) {
      if (isNumber(factor) && factor > 0 && isNumber(px) && isNumber(py)) {
        zoomTo(scale * factor, px, py);
      }
    }

    function zoomBy(factor) {
      const { width, height } = area();
      zoomAt(factor, width / 2, height / 2);
    }

    function actualSize() {
      const { width, height } = area();
      zoomTo(1, width / 2, height / 2);
    }

    function panBy(dx, dy) {
      if (isNumber(dx) && isNumber(dy)) {
        x += dx;
        y += dy;
        fitted = false;
        apply();
      }
    }

    function restore(saved) {
      if (!saved || !isNumber(saved.scale) || !isNumber(saved.x) || !isNumber(saved.y)) {
        fit();
        return;
      }
      if (saved.fitted) {
        fit();
        return;
      }
      scale = clampScale(saved.scale);
      x = saved.x;
      y = saved.y;
      fitted = false;
      apply();
    }

    function contentChanged() {
      measure();
      if (fitted) {
        fit();
      } else {
        apply();
      }
    }

    function onChange(listener) {
      listeners.push(listener);
      return () => {
        const i = listeners.indexOf(listener);
        if (i >= 0) {
          listeners.splice(i, 1);
        }
      };
    }

    // ------------------------------------------------------------ keys and buttons

    function onKey(event) {
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) {
        return;
      }
      const t = event.target;
      if (t && typeof t.closest === 'function' && t.closest('input, textarea, select, [contenteditable]')) {
        return;
      }
      switch (event.key) {
        case '+':
        case '=':
          zoomBy(STEP);
          break;
        case '-':
        case '_':
          zoomBy(1 / STEP);
          break;
        case '0':
          fit();
          break;
        case '1':
          actualSize();
          break;
        case 'ArrowLeft':
          panBy(PAN_STEP, 0);
          break;
        case 'ArrowRight':
          panBy(-PAN_STEP, 0);
          break;
        case 'ArrowUp':
          panBy(0, PAN_STEP);
          break;
        case 'ArrowDown':
          panBy(0, -PAN_STEP);
          break;
        default:
          return;
      }
      event.preventDefault();
    }
    const keys = opts.keys === undefined ? document : opts.keys;
    if (keys) {
      keys.addEventListener('keydown', onKey);
    }

    const BUTTONS = { in: () => zoomBy(STEP), out: () => zoomBy(1 / STEP), fit, actual: actualSize };
    if (opts.controls) {
      opts.controls.addEventListener('click', (event) => {
        const button = event.target instanceof Element ? event.target.closest('button[data-zoom]') : null;
        const action = button && opts.controls.contains(button) ? BUTTONS[button.dataset.zoom] : undefined;
        if (action) {
          action();
        }
      });
    }

    // ------------------------------------------------------------ wheel

    viewport.addEventListener('wheel', (event) => {
      event.preventDefault();
      const unit = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? area().height : 1;
      if (event.ctrlKey) {
        const p = pointOf(event);
        zoomAt(clamp(Math.exp(-event.deltaY * unit * WHEEL_ZOOM), 0.5, 2), p.x, p.y);
        return;
      }
      let dx = event.deltaX * unit;
      let dy = event.deltaY * unit;
      if (event.shiftKey && dx === 0) {
        dx = dy;
        dy = 0;
      }
      panBy(-dx, -dy);
    }, { passive: false });

    // ------------------------------------------------------------ drag and pinch

    const pointers = new Map(); // pointerId -> its last point in the viewport
    let drag = null; // one pointer down: {id, startX, startY, x, y, moved}
    let pinch = null; // two pointers down: their distance and midpoint
    let swallowClick = false; // the press that just ended was a drag (or a pinch)

    function pinchGeometry() {
      const [a, b] = Array.from(pointers.values());
      return { distance: Math.hypot(a.x - b.x, a.y - b.y), x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    }

    function grab(event) {
      viewport.style.cursor = 'grabbing';
      viewport.style.userSelect = 'none';
      try {
        viewport.setPointerCapture(event.pointerId);
      } catch (_) {
        // the pointer is gone already: nothing to capture
      }
    }

    viewport.addEventListener('pointerdown', (event) => {
      if (event.pointerType === 'mouse' && event.button !== 0) {
        return;
      }
      swallowClick = false;
      if (viewport.tabIndex >= 0) {
        viewport.focus({ preventScroll: true });
      }
      pointers.set(event.pointerId, pointOf(event));
      if (pointers.size === 1) {
        drag = { id: event.pointerId, startX: event.clientX, startY: event.clientY, x, y, moved: false };
      } else if (pointers.size === 2) {
        drag = null;
        pinch = pinchGeometry();
        grab(event);
      }
    });

    viewport.addEventListener('pointermove', (event) => {
      if (!pointers.has(event.pointerId)) {
        return;
      }
      pointers.set(event.pointerId, pointOf(event));
      if (pinch && pointers.size === 2) {
        const now = pinchGeometry();
        const k = pinch.distance > 0 ? clampScale(scale * (now.distance / pinch.distance)) / scale : 1;
        x = now.x - (pinch.x - x) * k;
        y = now.y - (pinch.y - y) * k;
        scale *= k;
        fitted = false;
        pinch = now;
        apply();
        return;
      }
      if (!drag || drag.id !== event.pointerId) {
        return;
      }
      const dx = event.clientX - drag.startX;
      const dy = event.clientY - drag.startY;
      if (!drag.moved) {
        if (Math.hypot(dx, dy) < DRAG_THRESHOLD) {
          return;
        }
        drag.moved = true;
        grab(event);
      }
      x = drag.x + dx;
      y = drag.y + dy;
      fitted = false;
      apply();
    });

    function release(event) {
      if (!pointers.delete(event.pointerId)) {
        return;
      }
      if (drag && drag.id === event.pointerId) {
        swallowClick = drag.moved;
        drag = null;
      }
      if (pinch && pointers.size < 2) {
        pinch = null;
        swallowClick = true;
      }
      if (pointers.size === 0) {
        viewport.style.cursor = 'grab';
        viewport.style.userSelect = '';
      }
    }
    viewport.addEventListener('pointerup', release);
    viewport.addEventListener('pointercancel', release);

    // The click that ends a drag never reaches the diagram (nor the page's own listeners on
    // the viewport: capture listeners at the target run first).
    viewport.addEventListener('click', (event) => {
      if (swallowClick) {
        swallowClick = false;
        event.stopImmediatePropagation();
        event.preventDefault();
      }
    }, true);

    // ------------------------------------------------------------ size changes

    const resized = () => (fitted ? fit() : apply());
    if (typeof ResizeObserver === 'function') {
      new ResizeObserver(resized).observe(viewport);
    } else {
      global.addEventListener('resize', resized);
    }

    measure();
    restore(opts.state);
    return { fit, actualSize, zoomBy, zoomAt, panBy, state, restore, contentChanged, onChange };
  }

  global.FlowZapZoom = Object.freeze({ attach, MIN_SCALE, MAX_SCALE, STEP });
})(window);
