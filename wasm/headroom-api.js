// A small JS API over the wasm module: load once, then call size() with a plain object.
// Works in browsers (<script src="headroom.js"> first) and in node (pass the module factory).
(function (root) {
  async function loadHeadroom(options) {
    const factory = (options && options.factory) || root.createHeadroom;
    const module = await factory(options && options.moduleArgs ? options.moduleArgs : {});
    function reply(pointer) {
      const out = module.UTF8ToString(pointer);
      module._free(pointer);
      return JSON.parse(out);
    }
    function call(name, text) {
      return reply(module.ccall(name, 'number', ['string'], [text]));
    }
    // Copies bytes (Uint8Array / ArrayBuffer) into the module's heap for one call.
    function withBytes(bytes, use) {
      const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
      const pointer = module._malloc(Math.max(view.length, 1));
      try {
        module.HEAPU8.set(view, pointer);
        return use(pointer, view.length);
      } finally {
        module._free(pointer);
      }
    }
    return {
      // size({model, quant, kv_cache_dtype, runtime, card, gpus, prompt_tokens, output_tokens, users, ...})
      // -> {ok: true, report} | {ok: false, error, field}
      size: (request) => call('headroom_size_json', JSON.stringify(request)),
      // compare({...size request without card, vendor?}) -> {ok: true, compare} | {ok: false, error, field}
      compare: (request) => call('headroom_compare_json', JSON.stringify(request)),
      // reality({...size request}) -> {ok: true, reality} | {ok: false, error, field}
      reality: (request) => call('headroom_reality_json', JSON.stringify(request)),
      // catalog('models' | 'cards' | 'formats' | 'runtimes') -> {ok: true, catalog} | {ok: false, error}
      catalog: (kind) => call('headroom_catalog_json', String(kind)),
      // loadGguf(first bytes of the file, the file's size, its name) -> {ok: true, model} |
      // {ok: false, error, field, more_bytes?}. Requests then name the model by `name`.
      loadGguf: (bytes, fileBytes, name) => withBytes(bytes, (pointer, length) => reply(
        module.ccall('headroom_load_gguf', 'number', ['number', 'number', 'number', 'string'],
                     [pointer, length, Number(fileBytes), String(name)]))),
      // loadConfig(config.json text, name) -> {ok: true, model} | {ok: false, error, field}. The
      // text goes to the core as it is (JSON.parse would refuse Python's bare Infinity / NaN);
      // it replaces a loaded GGUF: requests then name the model by `name`.
      loadConfig: (text, name) => reply(module.ccall('headroom_load_config', 'number',
        ['string', 'string'], [String(text), String(name)])),
      // setMeasured(headroom.measured.v1 text: the site's measured.json) -> {ok: true, cards} |
      // {ok: false, error, field}. Later requests use each card's measured results, as the CLI
      // uses results/.
      setMeasured: (text) => call('headroom_set_measured_json', String(text)),
      // checkSubmission(file bytes, name) -> {ok: true, check: headroom.results-check.v1}
      checkSubmission: (bytes, name) => withBytes(bytes, (pointer, length) => reply(
        module.ccall('headroom_check_submission_json', 'number', ['number', 'number', 'string'],
                     [pointer, length, String(name)]))),
    };
  }
  if (typeof module !== 'undefined' && module.exports) module.exports = { loadHeadroom };
  else root.loadHeadroom = loadHeadroom;
})(typeof globalThis !== 'undefined' ? globalThis : this);
