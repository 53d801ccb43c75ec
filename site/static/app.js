// The home page's comparison table, recomputed in the browser by the same C++ core (wasm) when an
// input changes. The pre-rendered table stays until the module is ready, and whenever a request
// is refused the table keeps its last good state and the core's one-line error is shown.
// State lives in the URL (readable parameters, defaults omitted), so a link reproduces a view.

import { loadCore } from './loader.js';

const form = document.getElementById('workload');
const tbody = document.querySelector('table.compare tbody');
const status = document.getElementById('workload-error');
const FIELDS = ['model', 'quant', 'kv_cache_dtype', 'runtime', 'prompt_tokens', 'output_tokens',
                'users', 'gpus'];
const NUMBERS = new Set(['prompt_tokens', 'output_tokens', 'users', 'gpus']);
const SVG = 'http://www.w3.org/2000/svg';

function defaults() {
  const out = {};
  for (const name of FIELDS) out[name] = form.elements[name].defaultValue;
  return out;
}

function readForm() {
  const request = {};
  for (const name of FIELDS) {
    const value = form.elements[name].value.trim();
    request[name] = NUMBERS.has(name) && /^[0-9]+$/.test(value) ? Number(value) : value;
  }
  return request;
}

function writeUrl(request) {
  const initial = defaults();
  const params = new URLSearchParams();
  for (const name of FIELDS) {
    if (String(request[name]) !== initial[name]) params.set(name, String(request[name]));
  }
  const query = params.toString();
  history.replaceState(null, '', query ? '?' + query : location.pathname);
}

function readUrl() {
  const params = new URLSearchParams(location.search);
  for (const name of FIELDS) {
    if (params.has(name)) form.elements[name].value = params.get(name);
  }
}

function cell(row, text, header) {
  const td = document.createElement(header ? 'th' : 'td');
  if (header) td.scope = 'row';
  if (text instanceof Node) td.appendChild(text); else td.textContent = text;
  row.appendChild(td);
  return td;
}

function fixed(value, digits) {
  return value === null || value === undefined ? '' : value.toFixed(digits);
}

function gib(bytes) { return (bytes / 2 ** 30).toFixed(1); }

function bar(card, memory) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'bar');
  svg.setAttribute('viewBox', '0 0 200 14');
  svg.setAttribute('width', '200');
  svg.setAttribute('height', '14');
  svg.setAttribute('role', 'img');
  const kv = Math.max(memory.kv_cache_bytes, memory.kv_cache_capacity_bytes);
  const parts = [['weights', memory.weights_bytes], ['kv', kv],
                 ['activations', memory.activation_bytes], ['overhead', memory.runtime_overhead_bytes],
                 ['free', Math.max(memory.free_bytes, 0)]];
  const total = parts.reduce((sum, [, bytes]) => sum + bytes, 0);
  const scale = 200 / Math.max(memory.capacity_bytes, total, 1);
  const title = document.createElementNS(SVG, 'title');
  title.textContent = `weights ${gib(memory.weights_bytes)} GiB, KV cache ${gib(kv)} GiB, ` +
    `activations ${gib(memory.activation_bytes)} GiB, overhead ${gib(memory.runtime_overhead_bytes)} GiB ` +
    `of ${gib(memory.capacity_bytes)} GiB`;
  svg.appendChild(title);
  let x = 0;
  for (const [part, bytes] of parts) {
    const w = bytes * scale;
    if (w <= 0) continue;
    const rect = document.createElementNS(SVG, 'rect');
    rect.setAttribute('class', part);
    rect.setAttribute('x', x.toFixed(2));
    rect.setAttribute('y', '1');
    rect.setAttribute('width', w.toFixed(2));
    rect.setAttribute('height', '12');
    svg.appendChild(rect);
    x += w;
  }
  if (memory.free_bytes < 0) {
    const edge = document.createElementNS(SVG, 'line');
    const at = (memory.capacity_bytes * scale).toFixed(2);
    edge.setAttribute('class', 'edge');
    for (const [k, v] of [['x1', at], ['y1', '0'], ['x2', at], ['y2', '14']]) edge.setAttribute(k, v);
    svg.appendChild(edge);
  }
  return svg;
}

function render(compare) {
  const rows = document.createDocumentFragment();
  for (const fit of compare.cards) {
    const row = document.createElement('tr');
    row.className = fit.verdict || 'refused';
    row.dataset.card = fit.card;
    const link = document.createElement('a');
    link.href = `cards/${encodeURIComponent(fit.card)}.html`;
    link.textContent = fit.name;
    cell(row, link, true);
    cell(row, fit.memory ? gib(fit.memory.capacity_bytes) : '');
    const verdict = document.createElement('span');
    verdict.className = 'verdict';
    verdict.textContent = fit.verdict || 'refused';
    verdict.title = fit.verdict ? fit.verdict_reason || '' : fit.error;
    cell(row, verdict);
    cell(row, fit.memory ? bar(fit.card, fit.memory) : '');
    cell(row, fit.verdict ? String(fit.max_users) : '');
    cell(row, fit.verdict ? String(fit.max_context_tokens) : '');
    cell(row, fixed(fit.decode_tokens_per_s_per_user, 1));
    cell(row, fixed(fit.decode_tokens_per_s_total, 1));
    cell(row, fixed(fit.ttft_s, 2));
    // The browser's core has the spec, not the submitted results: it says so.
    cell(row, fit.speed_from || 'spec');
    rows.appendChild(row);
  }
  tbody.replaceChildren(rows);
}

let timer = null;
async function update() {
  const request = readForm();
  let api;
  try {
    api = await loadCore();
  } catch (error) {
    status.textContent = 'the live table is unavailable (' + error.message + '); the table shows the default workload';
    return;
  }
  const reply = api.compare(request);
  if (!reply.ok) {
    status.textContent = reply.error;  // the table keeps its last good state
    return;
  }
  status.textContent = '';
  render(reply.compare);
  writeUrl(request);
  document.dispatchEvent(new CustomEvent('headroom:updated', { detail: reply.compare }));
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(update, 150);
}

if (form && tbody) {
  readUrl();
  form.addEventListener('input', schedule);
  form.addEventListener('submit', (event) => { event.preventDefault(); update(); });
  if (location.search) update();
}
