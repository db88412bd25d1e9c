// Anbei widget entry: one <script type="module" src=".../anbei-widget.js"> defines <anbei-widget>.
// Attributes: api (API base URL, never compiled in), lang (zh-CN | en), street (preselected street code),
// mode ("odd-job" for the property managers' pre-screen, "track" for a portal's "track an application" page), storage-key (optional; defaults per mode and
// position so several widgets on a page never share saved answers).
// Events (bubbling, composed) on the element: anbei:result {scope, high_risk, ...}, anbei:submitted {filing_no, receipt_no}.
// For frameworks: AnbeiWidget.mount(element, {api, lang, street, mode}) → {unmount()}. The only global.
// Optional speed-up for a portal: preload the wasm by the content name /widget/manifest.json gives (README).
// The build renames anbei-widget_bg.wasm below to that content name (scripts/assets.mjs).
// Styles live in the shadow root; theme with custom properties on the element (--anbei-accent, --anbei-font,
// --anbei-radius, --anbei-ink, --anbei-bg, --anbei-error, --anbei-focus, --anbei-font-size).
// scripts/build-widget.sh appends this file to the wasm-bindgen glue (one request less before the wasm
// starts downloading): it drops the import line below and wraps the rest in a block.
import __wbg_init, { mount, unmount } from './anbei-widget-glue.js';

const mark = (n) => { try { performance.mark(n); } catch { /* old browsers */ } };
const ready = __wbg_init({ module_or_path: new URL('anbei-widget_bg.wasm', import.meta.url) }).then((x) => { mark('anbei:wasm-ready'); return x; });
// The second module: the code only the views after the result run (filing form, receipt, track view,
// findings; widget/src/ui/more.rs). The widget asks for it once the first question is up and idle time has
// come, or at once when it opens one of those views; fetched once per page, again after a failure.
let more = null;
const loadMore = () => (more ??= ready
  .then((exports) => WebAssembly.instantiateStreaming(fetch(new URL('anbei-widget_more.wasm', import.meta.url)), { primary: exports }))
  .then(() => { mark('anbei:more-ready'); }, (e) => { more = null; throw e; }));
const moreFor = (done) => { loadMore().then(() => done(true), (e) => { console.error('anbei-widget:', e); done(false); }); };
const used = new Map();

function storageKey(el, mode, explicit) {
  if (explicit) return explicit;
  const base = 'anbei.v1.' + (el.id || (mode === 'odd-job' || mode === 'track' ? mode : 'full'));
  const n = used.get(base) || 0;
  used.set(base, n + 1);
  return n === 0 ? base : base + '.' + n;
}

async function mountElement(el, options) {
  const root = el.shadowRoot || el.attachShadow({ mode: 'open' });
  const opts = Object.assign({}, options);
  opts.storageKey = storageKey(el, opts.mode, opts.storageKey);
  opts.more = moreFor;
  await ready;
  const id = mount(root, el, opts);
  mark('anbei:mounted');
  return { unmount() { unmount(id); root.replaceChildren(); } };
}

class AnbeiWidgetElement extends HTMLElement {
  connectedCallback() {
    if (this._anbei) return;
    this._anbei = mountElement(this, {
      api: this.getAttribute('api') || '',
      lang: this.getAttribute('lang') || document.documentElement.lang || 'zh-CN',
      street: this.getAttribute('street') || '',
      mode: this.getAttribute('mode') || '',
      storageKey: this.getAttribute('storage-key') || '',
    }).catch((e) => { console.error('anbei-widget:', e); });
  }
}

if (!customElements.get('anbei-widget')) customElements.define('anbei-widget', AnbeiWidgetElement);
if (!window.AnbeiWidget) {
  Object.defineProperty(window, 'AnbeiWidget', {
    value: Object.freeze({ mount: (element, options) => mountElement(element, options || {}) }),
  });
}
