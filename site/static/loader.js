// Loads the Headroom core (wasm) once per page, lazily: the Emscripten glue and the JS API are
// classic scripts next to this module, found from its own URL, so a page on another origin can
// load them too (the site must then send CORS headers for the .js and .wasm files).
const base = new URL('.', import.meta.url);
let core = null;

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.crossOrigin = 'anonymous';
    script.onload = resolve;
    script.onerror = () => reject(new Error('cannot load ' + src));
    document.head.appendChild(script);
  });
}

// The cards' measured results as the site published them (measured.json beside the module), so
// the live table says "measured" where the static one does. Without the file the core sizes from
// the spec, and its rows say so.
async function calibrate(api) {
  try {
    const response = await fetch(new URL('measured.json', base).href);
    if (!response.ok) throw new Error('HTTP ' + response.status);
    const reply = api.setMeasured(await response.text());
    if (!reply.ok) throw new Error(reply.error);
  } catch (error) {
    console.warn('headroom: measured.json not used (' + error.message + '): speeds from the spec');
  }
  return api;
}

export function loadCore() {
  if (!core) {
    core = loadScript(new URL('headroom.js', base).href)
      .then(() => loadScript(new URL('headroom-api.js', base).href))
      .then(() => globalThis.loadHeadroom({
        moduleArgs: { locateFile: (name) => new URL(name, base).href },
      }))
      .then(calibrate);
  }
  return core;
}

export function siteUrl(path) { return new URL(path, base).href; }
