// A small JS API over the wasm module: load once, then call size() with a plain object.
// Works in browsers (<script src="headroom.js"> first) and in node (pass the module factory).
(function (root) {
  async function loadHeadroom(options) {
    const factory = (options && options.factory) || root.createHeadroom;
    const module = await factory(options && options.moduleArgs ? options.moduleArgs : {});
    function call(name, text) {
      const pointer = module.ccall(name, 'number', ['string'], [text]);
      const out = module.UTF8ToString(pointer);
      module._free(pointer);
      return JSON.parse(out);
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
    };
  }
  if (typeof module !== 'undefined' && module.exports) module.exports = { loadHeadroom };
  else root.loadHeadroom = loadHeadroom;
})(typeof globalThis !== 'undefined' ? globalThis : this);
