// <headroom-fit model="llama-3.1-8b-instruct" quant="q4_k_m" runtime="llama.cpp" card="rtx-4090"
//               prompt-tokens="2000" output-tokens="500" users="4" theme="auto">
//   fallback text for readers without JavaScript
// </headroom-fit>
// One <script type="module" src=".../headroom-fit.js"> defines it. The attributes are the request
// (the same keys as the CLI and the JSON API); a change re-renders; the wasm core loads once per
// page, on the first element that connects. Every result is also a `headroom-result` event
// (detail: the size() answer). Style it from the host page with ::part(verdict | bar | speed |
// error | root).
import { loadCore, siteUrl } from './loader.js';
import { memoryBar } from './membar.js';

const ATTRIBUTES = ['model', 'quant', 'kv-cache-dtype', 'runtime', 'card', 'gpus', 'prompt-tokens',
                    'output-tokens', 'users', 'theme'];
const NUMBERS = new Set(['gpus', 'prompt_tokens', 'output_tokens', 'users']);
const STYLE = `
:host { display: inline-block; font: 14px/1.4 system-ui, sans-serif; --fg: #1b1f24; --bg: #fff;
        --rule: #d8dde3; --weights: #3b6fb6; --kv: #d9822b; --activations: #8e5fb0;
        --overhead: #7a8592; --free: #e3e8ee; --fits: #1f7a3d; --tight: #a86400; --nofit: #b3261e; }
:host([theme="dark"]) { --fg: #e6e9ed; --bg: #14171b; --rule: #333a42; --weights: #6b9be0;
        --kv: #f0a04b; --activations: #b48bd6; --overhead: #98a3b0; --free: #2a3038;
        --fits: #5fcf86; --tight: #f0b44b; --nofit: #ff7b72; }
@media (prefers-color-scheme: dark) {
  :host(:not([theme="light"])) { --fg: #e6e9ed; --bg: #14171b; --rule: #333a42; --weights: #6b9be0;
        --kv: #f0a04b; --activations: #b48bd6; --overhead: #98a3b0; --free: #2a3038;
        --fits: #5fcf86; --tight: #f0b44b; --nofit: #ff7b72; }
}
.root { color: var(--fg); background: var(--bg); border: 1px solid var(--rule); border-radius: 6px;
        padding: 0.5rem 0.7rem; }
.verdict { font-weight: 600; }
.fits { color: var(--fits); } .tight { color: var(--tight); } .does-not-fit { color: var(--nofit); }
rect.weights { fill: var(--weights); } rect.kv { fill: var(--kv); }
rect.activations { fill: var(--activations); } rect.overhead { fill: var(--overhead); }
rect.free { fill: var(--free); } line.edge { stroke: var(--fg); stroke-width: 1.5; }
a { color: inherit; }
.error { color: var(--nofit); }
`;

class HeadroomFit extends HTMLElement {
  static get observedAttributes() { return ATTRIBUTES; }

  constructor() {
    super();
    const shadow = this.attachShadow({ mode: 'open' });
    // A constructed sheet, not a <style> element: a strict style-src (no 'unsafe-inline') allows it.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
    shadow.adoptedStyleSheets = [sheet];
    this.box = document.createElement('div');
    this.box.className = 'root';
    this.box.setAttribute('part', 'root');
    this.box.setAttribute('role', 'status');
    // The light-DOM children stay visible until the first answer (and without JavaScript).
    this.box.appendChild(document.createElement('slot'));
    shadow.append(this.box);
    this.pending = 0;
  }

  connectedCallback() { this.render(); }

  attributeChangedCallback() { if (this.isConnected) this.render(); }

  request() {
    const request = {};
    for (const name of ATTRIBUTES) {
      if (name === 'theme' || !this.hasAttribute(name)) continue;
      const key = name.replaceAll('-', '_');
      const value = this.getAttribute(name);
      request[key] = NUMBERS.has(key) && /^[0-9]+$/.test(value) ? Number(value) : value;
    }
    return request;
  }

  async render() {
    const ticket = ++this.pending;  // an older answer must not overwrite a newer one
    const request = this.request();
    let reply;
    try {
      reply = (await loadCore()).size(request);
    } catch (error) {
      reply = { ok: false, error: error.message, field: '' };
    }
    if (ticket !== this.pending) return;
    this.show(request, reply);
    this.dispatchEvent(new CustomEvent('headroom-result', { detail: reply, bubbles: true, composed: true }));
  }

  show(request, reply) {
    const children = [];
    if (!reply.ok) {
      const error = document.createElement('span');
      error.className = 'error';
      error.setAttribute('part', 'error');
      error.textContent = reply.error;
      children.push(error);
    } else {
      const r = reply.report;
      const head = document.createElement('div');
      const verdict = document.createElement('span');
      verdict.className = 'verdict ' + r.verdict;
      verdict.setAttribute('part', 'verdict');
      verdict.textContent = r.verdict;
      verdict.title = r.verdict_reason;
      const what = document.createElement('span');
      what.textContent = ` ${r.inputs.model} (${r.inputs.quant}) on ${r.inputs.card}, ${r.inputs.runtime}`;
      head.append(verdict, what);
      children.push(head, memoryBar(r.memory, 12));
      if (r.speed) {
        const speed = document.createElement('div');
        speed.setAttribute('part', 'speed');
        speed.textContent = `${r.speed.decode_tokens_per_s_per_user.toFixed(1)} tok/s per user, ` +
          `${r.max_users} users max, TTFT ${r.speed.ttft_s.toFixed(2)} s`;
        children.push(speed);
      }
      const link = document.createElement('a');
      link.href = siteUrl('index.html');
      link.textContent = 'Headroom';
      const credit = document.createElement('div');
      credit.append('sized by ', link);
      children.push(credit);
    }
    this.box.replaceChildren(...children);
  }
}

if (!customElements.get('headroom-fit')) customElements.define('headroom-fit', HeadroomFit);
