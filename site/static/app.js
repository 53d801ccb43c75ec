// The home page's comparison table, recomputed in the browser by the same C++ core (wasm) when an
// input changes. The pre-rendered table stays until the module is ready, and whenever a request
// is refused the table keeps its last good state and the core's one-line error is shown.
// State lives in the URL (readable parameters, defaults omitted), so a link reproduces a view.

import { loadCore } from './loader.js';
import { gib, memoryBar } from './membar.js';
import { localModel, ownModel } from './model-file.js';
import { tableView } from './table-view.js';

const form = document.getElementById('workload');
const tbody = document.querySelector('table.compare tbody');
const status = document.getElementById('workload-error');
const table = document.querySelector('table.compare');
const view = table ? tableView(table, document.getElementById('filters'), () => writeUrl(readForm())) : null;
const FIELDS = ['model', 'quant', 'kv_cache_dtype', 'runtime', 'backend', 'prompt_tokens',
                'output_tokens', 'users', 'gpus'];
// The backend is a llama.cpp / Ollama setting; other runtimes refuse it, so it is sent only there
// and only when chosen (an empty value would be an error, never the default).
const BACKEND_RUNTIMES = new Set(['llama.cpp', 'ollama']);
const NUMBERS = new Set(['prompt_tokens', 'output_tokens', 'users', 'gpus']);

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
  if (!request.backend || !BACKEND_RUNTIMES.has(request.runtime)) delete request.backend;
  // A local model: the core holds it by its name; a GGUF's tensors carry their types, so no
  // format applies to it.
  const own = localModel(request.model);
  if (own && own.kind === 'gguf') delete request.quant;
  return request;
}

function writeUrl(request) {
  const initial = defaults();
  const params = new URLSearchParams();
  for (const name of FIELDS) {
    if (request[name] === undefined || typeof request[name] === 'object') continue;
    if (localModel(String(request[name]))) continue;  // a local file cannot travel in a link
    if (String(request[name]) !== initial[name]) params.set(name, String(request[name]));
  }
  if (view) for (const [key, value] of Object.entries(view.params())) params.set(key, value);
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

function render(compare) {
  const rows = document.createDocumentFragment();
  for (const fit of compare.cards) {
    const row = document.createElement('tr');
    row.className = fit.verdict || 'refused';
    row.dataset.card = fit.card;
    row.dataset.vendor = fit.vendor;
    row.dataset.segment = fit.segment;
    row.dataset.memory = String(fit.memory_bytes);
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
    cell(row, fit.memory ? memoryBar(fit.memory) : '');
    cell(row, fit.verdict ? String(fit.max_users) : '');
    cell(row, fit.verdict ? String(fit.max_context_tokens) : '');
    cell(row, fixed(fit.decode_tokens_per_s_per_user, 1));
    cell(row, fixed(fit.decode_tokens_per_s_total, 1));
    cell(row, fixed(fit.ttft_s, 2));
    // The page's core reads the site's measured.json: a card with submitted results says so.
    cell(row, fit.speed_from || 'spec');
    rows.appendChild(row);
  }
  tbody.replaceChildren(rows);
  if (view) view.apply();
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
  if (view) view.restore(new URLSearchParams(location.search));
  ownModel(form, update);
  form.addEventListener('input', schedule);
  form.addEventListener('submit', (event) => { event.preventDefault(); update(); });
  if (location.search) update();
}
