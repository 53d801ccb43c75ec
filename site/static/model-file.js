// "Your own model" on the home page: a GGUF file read from its header (Blob.slice of the first
// megabytes, more when the header is longer; nothing is uploaded) or a pasted config.json. The
// model joins the model list as a local choice; the page's requests then size it.

import { loadCore } from './loader.js';

const FIRST_SLICE_BYTES = 8 << 20;
const MAX_SLICE_BYTES = 640 << 20;  // past the core's 512 MiB header limit: it names the limit
const CONFIG_NAME = 'config.json';

// Local models by option value: {kind: 'gguf'} or {kind: 'config'}. The core holds the model
// (one at a time: loading one drops the other), and requests name it by that value.
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

  // The core keeps one local model: the one it replaced leaves the model list.
  function forgetLocal() {
    for (const value of local.keys()) {
      const stale = [...select.options].find((o) => o.value === value);
      if (stale) stale.remove();
    }
    local.clear();
  }

  async function useGguf(file) {
    status.textContent = 'reading ' + file.name + ' ...';
    try {
      const reply = await readGguf(file);
      if (!reply.ok) {
        status.textContent = reply.error;
        return;
      }
      forgetLocal();
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
  // The text goes to the core as pasted: its reader accepts Python's bare Infinity / NaN
  // (Nemotron-H configs carry them), which JSON.parse refuses, and names the field at fault.
  document.getElementById('use-config').addEventListener('click', async () => {
    const api = await loadCore();
    const reply = api.loadConfig(config.value, CONFIG_NAME);
    if (!reply.ok) {
      status.textContent = reply.error;  // the core keeps its last good model, the table its rows
      return;
    }
    forgetLocal();
    local.set(CONFIG_NAME, { kind: 'config' });
    addOption(select, CONFIG_NAME, `${reply.model.name || CONFIG_NAME} (your config.json, ` +
                                   `${(reply.model.params / 1e9).toFixed(2)}B)`);
    status.textContent = `config.json: ${reply.model.family}, ${reply.model.layers} layers, ` +
                         `sized below in the format chosen`;
    onModel();
  });
}
