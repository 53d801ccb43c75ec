// One whole-table recompute (compare() on every catalog card) in headless Chromium, next to the
// same request natively (headroom compare, minus the process start and catalog parse measured
// with an empty request). Medians of 15, after a warm-up.
const path = require('node:path');
const { chromium } = require(path.join(__dirname, '../../site/tests/node_modules/playwright-core'));
const http = require('node:http');
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');

const root = process.env.SITE;
const TYPES = { '.html': 'text/html', '.css': 'text/css', '.js': 'text/javascript', '.wasm': 'application/wasm' };
const request = { model: 'llama-3.1-8b-instruct', quant: 'q4_k_m', runtime: 'llama.cpp',
                  prompt_tokens: 2000, output_tokens: 500, users: 4 };

const server = http.createServer((req, res) => {
  const file = path.join(root, new URL(req.url, 'http://x').pathname);
  if (!fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
  res.end(fs.readFileSync(file));
});
server.listen(0, '127.0.0.1', async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
  const wasmMs = await page.evaluate(async (req) => {
    const { loadCore } = await import('./loader.js');
    const api = await loadCore();
    // Chromium runs new wasm on its baseline compiler and swaps in optimized code in the
    // background: time the steady state a reader meets after the page has loaded, not the swap.
    for (let i = 0; i < 20; i++) api.compare({ ...req, users: 1 + i });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const times = [];
    for (let i = 0; i < 15; i++) {
      const t0 = performance.now();
      api.compare({ ...req, users: 4 + i });
      times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b)[7];
  }, request);
  await browser.close();
  server.close();
  // Native, side by side: the same function in this machine's native build, in one process
  // (headroom_perf --compare-json: warm-up, then the median of 15 calls, users 4 + i as above).
  const perf = process.env.PERF;
  const { users, ...without_users } = request;
  const nativeMs = Number(execFileSync(perf, ['--compare-json', JSON.stringify(without_users)]).toString());
  console.log(`whole-table recompute (compare() on every card): wasm in Chromium ${wasmMs.toFixed(1)} ms, ` +
              `native ${nativeMs.toFixed(1)} ms (ratio ${(wasmMs / nativeMs).toFixed(2)})`);
});
