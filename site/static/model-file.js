// "Your own model" on the home page: a GGUF file read from its header (Blob.slice of the first
// megabytes, more when the header is longer; nothing is uploaded) or a pasted config.json. The
// model joins the model list as a local choice; the page's requests then size it.

import { loadCore } from './loader.js';

const FIRST_SLICE_BYTES = 8 << 20;
const MAX_SLICE_BYTES = 640 << 20;  // past the core's 512 MiB header limit: it names the limit

// Local models by option value: {kind: 'gguf'} (the core holds it) or {kind: 'config', config}.
const local = new Map();

export function localModel(value) { return local.get(value) || null; }

function addOption(select, value, label) {
  let option = [...select.options].find((o) => o.value === value);
  if (!option) {
    option = document.createElement('option');
    option.value = value;
    select.prepend(option);
  }
  option.textContent = label;
  select.value = value;
}

async function readGguf(file) {
  const api = await loadCore();
  let length = Math.min(file.size, FIRST_SLICE_BYTES);
  for (;;) {
    const bytes = new Uint8Array(await file.slice(0, length).arrayBuffer());
    const reply = api.loadGguf(bytes, file.size, file.name);
    if (reply.ok || !reply.more_bytes || length >= Math.min(file.size, MAX_SLICE_BYTES)) return reply;
    length = Math.min(file.size, MAX_SLICE_BYTES, length * 8);
  }
}

export function ownModel(form, onModel) {
  const box = document.getElementById('own-model');
  if (!box) return;
  const status = document.getElementById('own-model-status');
  const select = form.elements.model;
  const gguf = box.querySelector('input[name=gguf]');
  const config = box.querySelector('textarea[name=config]');

  async function useGguf(file) {
    status.textContent = 'reading ' + file.name + ' ...';
    try {
      const reply = await readGguf(file);
      if (!reply.ok) {
        status.textContent = reply.error;
        return;
      }
      // Another GGUF replaces the last one in the core: one local GGUF at a time.
      for (const [value, entry] of local) {
        if (entry.kind === 'gguf') {
          local.delete(value);
          const stale = [...select.options].find((o) => o.value === value);
          if (stale) stale.remove();
        }
      }
      local.set(file.name, { kind: 'gguf' });
      const billions = (reply.model.params / 1e9).toFixed(2);
      addOption(select, file.name, `${reply.model.name || file.name} (your GGUF, ${billions}B)`);
      status.textContent = `${file.name}: ${reply.model.family}, ${reply.model.layers} layers, ` +
                           `${billions}B parameters, its own tensor types`;
      onModel();
    } catch (error) {
      status.textContent = 'cannot read ' + file.name + ': ' + error.message;
    }
  }

  gguf.addEventListener('change', () => { if (gguf.files[0]) useGguf(gguf.files[0]); });
  box.addEventListener('dragover', (event) => event.preventDefault());
  box.addEventListener('drop', (event) => {
    event.preventDefault();
    const file = event.dataTransfer && event.dataTransfer.files[0];
    if (file) useGguf(file);
  });
  document.getElementById('use-config').addEventListener('click', () => {
    let parsed;
    try {
      parsed = JSON.parse(config.value);
    } catch (error) {
      status.textContent = 'config.json is not valid JSON: ' + error.message;
      return;
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      status.textContent = 'config.json must be a JSON object';
      return;
    }
    local.set('config.json', { kind: 'config', config: parsed });
    addOption(select, 'config.json', `config.json (${parsed.model_type || 'pasted'})`);
    status.textContent = 'config.json: sized below (errors name its fields)';
    onModel();
  });
}
