// The submit page: a dropped or chosen headroom-bench file is checked in the page by the core's
// own submission check (wasm), the same document `headroom results validate --json` prints.
// The file is read locally; nothing leaves the page.

import { loadCore } from './loader.js';

const form = document.getElementById('submission');
const status = document.getElementById('submission-status');
const report = document.getElementById('submission-report');
const MAX_BYTES = 8 << 20;  // the check refuses larger files anyway; don't read gigabytes

function show(check, name) {
  const file = check.files[0];
  const verdict = document.getElementById('submission-verdict');
  verdict.textContent = file.status === 'ok'
    ? `${name}: accepted`
    : file.status === 'flagged'
      ? `${name}: accepted as unverified (flagged)`
      : `${name}: rejected`;
  verdict.className = 'verdict-line ' + file.status;
  document.getElementById('submission-path').textContent =
    file.status === 'rejected' ? '(not stored)' : `results/${file.folder}/${file.sha256}.json`;
  document.getElementById('submission-sha').textContent = file.sha256 || '(not JSON)';
  const rows = document.createDocumentFragment();
  for (const reason of file.reasons) {
    const row = document.createElement('tr');
    for (const text of [reason.severity, reason.field, reason.message]) {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.appendChild(cell);
    }
    rows.appendChild(row);
  }
  if (!file.reasons.length) {
    const row = document.createElement('tr');
    const cell = document.createElement('td');
    cell.colSpan = 3;
    cell.textContent = 'no findings';
    row.appendChild(cell);
    rows.appendChild(row);
  }
  report.querySelector('tbody').replaceChildren(rows);
  report.hidden = false;
}

async function check(file) {
  status.textContent = '';
  report.hidden = true;
  try {
    const bytes = new Uint8Array(await file.slice(0, MAX_BYTES + 1).arrayBuffer());
    const api = await loadCore();
    const reply = api.checkSubmission(bytes, file.name);
    if (!reply.ok) {
      status.textContent = reply.error;
      return;
    }
    show(reply.check, file.name);
  } catch (error) {
    status.textContent = 'cannot check ' + file.name + ': ' + error.message;
  }
}

if (form) {
  form.elements.file.addEventListener('change', () => {
    const file = form.elements.file.files[0];
    if (file) check(file);
  });
  document.addEventListener('dragover', (event) => event.preventDefault());
  document.addEventListener('drop', (event) => {
    event.preventDefault();
    const file = event.dataTransfer && event.dataTransfer.files[0];
    if (file) check(file);
  });
}
