// Browser tests of the generated site: playwright-core driving Debian's /usr/bin/chromium against
// the site served from a local port. The live table must equal the native CLI's numbers.
// Env: HEADROOM_NATIVE_SITE, HEADROOM_NATIVE_CLI (native binaries), HEADROOM_WASM_DIR (the wasm
// build folder with headroom.js / headroom.wasm), HEADROOM_ARTIFACTS (screenshots; optional).
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { chromium } = require('playwright-core');

const siteBin = process.env.HEADROOM_NATIVE_SITE;
const cliBin = process.env.HEADROOM_NATIVE_CLI;
const wasmDir = process.env.HEADROOM_WASM_DIR;
const artifacts = process.env.HEADROOM_ARTIFACTS || path.join(os.tmpdir(), 'headroom-site-artifacts');
const TYPES = { '.html': 'text/html', '.css': 'text/css', '.js': 'text/javascript',
                '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml' };

function serve(root, pages = {}) {
  const server = http.createServer((req, res) => {
    if (pages[req.url]) {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(pages[req.url]);
      return;
    }
    const url = new URL(req.url, 'http://127.0.0.1');
    const file = path.join(root, decodeURIComponent(url.pathname));
    if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404);
      res.end();
      return;
    }
    // The headers a host must send for the widget to work on other origins (embed page).
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
                         'Access-Control-Allow-Origin': '*' });
    res.end(fs.readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let server, base, browser, siteDir;

test.before(async () => {
  assert.ok(siteBin && cliBin && wasmDir, 'HEADROOM_NATIVE_SITE, HEADROOM_NATIVE_CLI and HEADROOM_WASM_DIR are required');
  siteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-site-'));
  // The committed lavapipe result as the main command's local, unpublished one.
  const resultsDir = path.join(__dirname, '..', '..', 'results');
  const local = execFileSync('find', [resultsDir, '-name', '*.json', '!', '-name', 'index.json',
                                      '!', '-name', 'maintainers.json']).toString().split('\n').filter(Boolean).sort()[0];
  assert.ok(local, 'no result file under results/');
  execFileSync(siteBin, ['build', '--out', siteDir, '--wasm', wasmDir, '--local', local]);
  server = await serve(siteDir);
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--no-first-run'],
  });
  fs.mkdirSync(artifacts, { recursive: true });
});

test.after(async () => {
  if (browser) await browser.close();
  if (server) { server.closeAllConnections(); server.close(); }
  if (siteDir) fs.rmSync(siteDir, { recursive: true, force: true });
});

// A page with every console error, page error and outside request recorded.
async function open(url, options = {}) {
  const { allow, ...contextOptions } = options;
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(msg.text()); });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('request', (req) => {
    if (!req.url().startsWith(base) && !(options.allow && req.url().startsWith(options.allow))) {
      problems.push('request left the site: ' + req.url());
    }
  });
  await page.goto(url);
  return { page, context, problems };
}

async function tableRows(page) {
  return page.$$eval('table.compare tbody tr', (rows) => rows.map((tr) => ({
    card: tr.dataset.card,
    verdict: tr.querySelector('.verdict').textContent,
    cells: Array.from(tr.querySelectorAll('td'), (td) => td.textContent),
  })));
}

function cliCompare(args) {
  return JSON.parse(execFileSync(cliBin, ['compare', ...args, '--json']).toString());
}

function expectEqualToCli(rows, doc) {
  assert.strictEqual(rows.length, doc.cards.length);
  doc.cards.forEach((fit, i) => {
    assert.strictEqual(rows[i].card, fit.card, `row ${i}`);
    assert.strictEqual(rows[i].verdict, fit.verdict || 'refused', fit.card);
    if (!fit.verdict) return;
    // Max users, max context, decode per user and total, TTFT: cells 3..7.
    assert.strictEqual(rows[i].cells[3], String(fit.max_users), fit.card);
    assert.strictEqual(rows[i].cells[4], String(fit.max_context_tokens), fit.card);
    assert.strictEqual(rows[i].cells[5], fit.decode_tokens_per_s_per_user.toFixed(1), fit.card);
    assert.strictEqual(rows[i].cells[6], fit.decode_tokens_per_s_total.toFixed(1), fit.card);
    assert.strictEqual(rows[i].cells[7], fit.ttft_s.toFixed(2), fit.card);
  });
}

const HOME_ARGS = ['--model', 'llama-3.1-8b-instruct', '--quant', 'q4_k_m', '--runtime', 'llama.cpp',
                   '--prompt-tokens', '2000', '--output-tokens', '500'];

test('the home page loads with no console errors, CSP violations or outside requests', async () => {
  const { page, context, problems } = await open(base + 'index.html');
  await page.waitForSelector('table.compare tbody tr');
  assert.deepStrictEqual(problems, []);
  await context.close();
});

test('changing users recomputes the table in the browser, equal to the CLI on every card', async () => {
  const { page, context, problems } = await open(base + 'index.html');
  const updated = page.evaluate(() => new Promise((resolve) =>
    document.addEventListener('headroom:updated', () => resolve(true), { once: true })));
  await page.fill('input[name=users]', '16');
  assert.ok(await updated);
  expectEqualToCli(await tableRows(page), cliCompare([...HOME_ARGS, '--users', '16']));
  assert.match(page.url(), /[?&]users=16(&|$)/);
  assert.deepStrictEqual(problems, []);
  await context.close();
});

test('the live table calibrates a card with submitted results, as the CLI and the static table do', async () => {
  // A results folder holding one stored T4 result (results add, as a contributor would).
  const results = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-results-'));
  const t4 = path.join(__dirname, '..', '..', 'tests', 'data', 'submissions', 'good', 't4-crafted.json');
  execFileSync(cliBin, ['results', 'add', t4, '--into', results]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-site-measured-'));
  execFileSync(siteBin, ['build', '--out', dir, '--wasm', wasmDir, '--results', results]);
  const measured = await serve(dir);
  const root = `http://127.0.0.1:${measured.address().port}/`;
  try {
    const { page, context, problems } = await open(root + 'index.html', { allow: root });
    const speedFrom = (rows, card) => rows.find((r) => r.card === card).cells[8];
    assert.strictEqual(speedFrom(await tableRows(page), 't4'), 'measured');  // pre-rendered
    const updated = page.evaluate(() => new Promise((resolve) =>
      document.addEventListener('headroom:updated', () => resolve(true), { once: true })));
    await page.fill('input[name=users]', '3');
    assert.ok(await updated);
    const rows = await tableRows(page);
    expectEqualToCli(rows, cliCompare([...HOME_ARGS, '--users', '3', '--results', results]));
    assert.deepStrictEqual(rows.filter((r) => r.cells[8] === 'measured').map((r) => r.card), ['t4']);
    assert.deepStrictEqual(problems, []);
    await context.close();
  } finally {
    measured.closeAllConnections();
    measured.close();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(results, { recursive: true, force: true });
  }
});

test('a shared URL restores the state', async () => {
  const { page, context, problems } = await open(base + 'index.html?users=2&prompt_tokens=32000');
  await page.waitForFunction(() => document.querySelector('input[name=users]').value === '2');
  await page.waitForFunction(() => !document.querySelector('table.compare tbody tr[data-calibrated]'));
  expectEqualToCli(await tableRows(page),
                   cliCompare(['--model', 'llama-3.1-8b-instruct', '--quant', 'q4_k_m', '--runtime', 'llama.cpp',
                               '--prompt-tokens', '32000', '--output-tokens', '500', '--users', '2']));
  assert.deepStrictEqual(problems, []);
  await context.close();
});

test('a refused request shows the core\'s error and keeps the last good table', async () => {
  const { page, context } = await open(base + 'index.html');
  const before = await tableRows(page);
  await page.fill('input[name=users]', '0');
  await page.waitForFunction(() => document.getElementById('workload-error').textContent !== '');
  assert.match(await page.textContent('#workload-error'), /users must be 1\.\.100000/);
  assert.deepStrictEqual(await tableRows(page), before);
  await context.close();
});

test('with JavaScript off the pre-rendered table shows', async () => {
  const { page, context } = await open(base + 'index.html', { javaScriptEnabled: false });
  const rows = await tableRows(page);
  assert.ok(rows.length >= 60);
  expectEqualToCli(rows, cliCompare([...HOME_ARGS, '--users', '4']));
  await context.close();
});

test('no serious accessibility violations on every page type; screenshots light and dark', async () => {
  const axe = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  for (const [name, url] of [['home', 'index.html'], ['card', 'cards/rtx-4090.html'],
                             ['reality', 'reality.html'], ['accuracy', 'accuracy.html'],
                             ['cards', 'cards/index.html'], ['embed', 'embed/index.html'],
                             ['submit', 'submit.html'], ['local', 'local.html']]) {
    for (const scheme of ['light', 'dark']) {
      const { page, context, problems } = await open(base + url, { colorScheme: scheme });
      await page.screenshot({ path: path.join(artifacts, `${name}-${scheme}.png`), fullPage: false });
      if (scheme === 'light') {
        // The CSP refuses inline script, so axe is injected through the devtools protocol.
        await page.evaluate(axe);
        const result = await page.evaluate(() => globalThis.axe.run());
        const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        assert.deepStrictEqual(serious.map((v) => `${v.id}: ${v.help}`), [], name);
      }
      assert.deepStrictEqual(problems, [], name);
      await context.close();
    }
  }
});

test('the inputs and links are reachable by keyboard', async () => {
  const { page, context } = await open(base + 'index.html');
  const reached = [];
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    reached.push(await page.evaluate(() => document.activeElement.name ||
      (document.activeElement.classList.contains('sort') ? 'sort' : document.activeElement.tagName)));
  }
  for (const name of ['model', 'quant', 'kv_cache_dtype', 'runtime', 'backend', 'prompt_tokens', 'output_tokens',
                      'users', 'gpus', 'vendor', 'fits_only', 'sort']) {
    assert.ok(reached.includes(name), `${name} not reached by Tab: ${reached}`);
  }
  await context.close();
});

function cliSize(args) {
  return JSON.parse(execFileSync(cliBin, ['size', ...args, '--json']).toString());
}

test('the widget renders in a third-party page on another origin and re-renders on an attribute change', async () => {
  const host = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Third party</title>
<meta http-equiv="Content-Security-Policy" content="script-src ${base} 'wasm-unsafe-eval'; connect-src ${base}">
<link rel="icon" href="data:,">
<script type="module" src="${base}headroom-fit.js"></script></head><body>
<headroom-fit id="w" model="llama-3.1-8b-instruct" quant="q4_k_m" runtime="llama.cpp" card="rtx-4090"
  prompt-tokens="2000" output-tokens="500" users="4">fallback text</headroom-fit></body></html>`;
  const third = await serve(fs.mkdtempSync(path.join(os.tmpdir(), 'third-')), { '/page.html': host });
  const thirdBase = `http://127.0.0.1:${third.address().port}/`;
  const { page, context, problems } = await open(thirdBase + 'page.html', { allow: thirdBase });
  test.after(() => { third.closeAllConnections(); third.close(); });
  const speed = () => page.$eval('#w', (el) => el.shadowRoot.querySelector('[part=speed]')?.textContent || '');
  await page.waitForFunction(() => document.getElementById('w').shadowRoot.querySelector('[part=verdict]'));
  const args = ['--model', 'llama-3.1-8b-instruct', '--quant', 'q4_k_m', '--runtime', 'llama.cpp',
                '--card', 'rtx-4090', '--prompt-tokens', '2000', '--output-tokens', '500'];
  const four = cliSize([...args, '--users', '4']);
  assert.ok((await speed()).startsWith(four.speed.decode_tokens_per_s_per_user.toFixed(1) + ' tok/s'));
  assert.strictEqual(await page.$eval('#w', (el) => el.shadowRoot.querySelector('[part=verdict]').textContent), four.verdict);
  // An attribute change re-renders, with the CLI's numbers again.
  const event = page.evaluate(() => new Promise((resolve) =>
    document.addEventListener('headroom-result', (e) => resolve(e.detail.ok), { once: true })));
  await page.$eval('#w', (el) => el.setAttribute('users', '12'));
  assert.strictEqual(await event, true);
  const twelve = cliSize([...args, '--users', '12']);
  await page.waitForFunction((want) => document.getElementById('w').shadowRoot
    .querySelector('[part=speed]').textContent.startsWith(want), twelve.speed.decode_tokens_per_s_per_user.toFixed(1));
  assert.deepStrictEqual(problems, []);
  await context.close();
});

test('the iframe page takes the request from its URL', async () => {
  const { page, context, problems } = await open(base + 'embed/fit.html?model=llama-3.1-70b-instruct&quant=q4_k_m&runtime=llama.cpp&card=rtx-4090');
  await page.waitForFunction(() => document.getElementById('fit').shadowRoot.querySelector('[part=verdict]'));
  assert.strictEqual(await page.$eval('#fit', (el) => el.shadowRoot.querySelector('[part=verdict]').textContent), 'does-not-fit');
  assert.deepStrictEqual(problems, []);
  await context.close();
});

test('a submission with markup in its device name and driver info executes nothing on any page', async () => {
  // A result file the submission check accepts (the crafted T4 run) whose strings try every
  // context the pages write; the site refuses files the check refuses.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-results-'));
  const sample = path.join(__dirname, '..', '..', 'tests', 'data', 'submissions', 'good', 't4-crafted.json');
  const doc = JSON.parse(fs.readFileSync(sample, 'utf8'));
  doc.device.name = '<script>window.__pwned = 1</script>"><img src=x onerror="window.__pwned=2">';
  doc.device.driver_info = '</script><svg onload="window.__pwned=3"> javascript:window.__pwned=4';
  fs.writeFileSync(path.join(dir, 'hostile.json'), JSON.stringify(doc));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-site-'));
  execFileSync(siteBin, ['build', '--out', out, '--results', dir, '--wasm', wasmDir]);
  const hostile = await serve(out);
  const hostileBase = `http://127.0.0.1:${hostile.address().port}/`;
  test.after(() => { hostile.closeAllConnections(); hostile.close(); });
  for (const page_path of ['cards/t4.html', 'index.html', 'cards/index.html']) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = [];
    page.on('console', (msg) => { if (msg.type() === 'error') problems.push(msg.text()); });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('dialog', (dialog) => { problems.push('dialog: ' + dialog.message()); dialog.dismiss(); });
    await page.goto(hostileBase + page_path);
    await page.waitForLoadState('networkidle');
    assert.strictEqual(await page.evaluate(() => window.__pwned), undefined, page_path);
    assert.strictEqual(await page.locator('img[src=x], svg[onload]').count(), 0, page_path);
    if (page_path.startsWith('cards/t4')) {
      assert.match(await page.textContent('table.measured caption'), /<script>window.__pwned = 1<\/script>/);
    }
    assert.deepStrictEqual(problems, [], page_path);
    await context.close();
  }
});

function tinyGguf(dir) {
  const file = path.join(dir, 'tiny.gguf');
  execFileSync('python3', [path.join(__dirname, '..', '..', 'tests', 'make_gguf.py'), file]);
  return file;
}

test('a GGUF file given to the home page is read locally and sized as the CLI sizes it; a truncated one is refused', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-gguf-'));
  const file = tinyGguf(dir);
  const { page, context, problems } = await open(base + 'index.html');
  const updated = page.evaluate(() => new Promise((resolve) =>
    document.addEventListener('headroom:updated', () => resolve(true), { once: true })));
  await page.click('#own-model summary');
  await page.setInputFiles('input[name=gguf]', file);
  assert.ok(await updated);
  assert.strictEqual(await page.inputValue('select[name=model]'), 'tiny.gguf');
  const users = await page.inputValue('input[name=users]');
  expectEqualToCli(await tableRows(page), cliCompare(['--model', file, '--runtime', 'llama.cpp',
    '--prompt-tokens', '2000', '--output-tokens', '500', '--users', users]));
  // The local file does not travel in the URL.
  assert.doesNotMatch(page.url(), /tiny\.gguf/);
  // The first 40 bytes alone: refused with the core's message, the table and model list kept.
  const cut = path.join(dir, 'cut.gguf');
  fs.writeFileSync(cut, fs.readFileSync(file).subarray(0, 40));
  const before = await tableRows(page);
  await page.setInputFiles('input[name=gguf]', cut);
  await page.waitForFunction(() => /gguf\./.test(document.getElementById('own-model-status').textContent));
  const message = await page.textContent('#own-model-status');
  const native = require('node:child_process').spawnSync(cliBin, ['size', '--model', cut, '--runtime', 'llama.cpp', '--card', 'rtx-4090']);
  assert.strictEqual(native.status, 2);
  assert.ok(native.stderr.toString().includes(message.trim()), `${message} vs ${native.stderr}`);
  assert.deepStrictEqual(await tableRows(page), before);
  assert.strictEqual(await page.$('select[name=model] option[value="cut.gguf"]'), null);
  assert.deepStrictEqual(problems, []);  // no request left the page, no console errors
  await context.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a pasted config.json is sized in the page; broken JSON is refused', async () => {
  const { page, context, problems } = await open(base + 'index.html');
  const models = JSON.parse(execFileSync(cliBin, ['models', '--json']).toString()).models;
  assert.ok(models.length > 0);
  const catalog = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'core', 'data', 'models.json')));
  const entry = catalog.models.find((m) => m.id === 'qwen3-8b') || catalog.models[0];
  await page.click('#own-model summary');
  const updated = page.evaluate(() => new Promise((resolve) =>
    document.addEventListener('headroom:updated', () => resolve(true), { once: true })));
  await page.fill('textarea[name=config]', JSON.stringify(entry.config));
  await page.click('#use-config');
  assert.ok(await updated);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-config-'));
  const configFile = path.join(dir, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify(entry.config));
  const users = await page.inputValue('input[name=users]');
  expectEqualToCli(await tableRows(page), cliCompare(['--model', configFile, '--quant', 'q4_k_m',
    '--runtime', 'llama.cpp', '--prompt-tokens', '2000', '--output-tokens', '500', '--users', users]));
  // Nemotron-H's published config carries a bare Infinity, which JSON.parse refuses: the page
  // hands the text to the core, which reads it as the CLI reads the file.
  const nemotron = path.join(__dirname, '..', '..', 'tests', 'data', 'configs', 'nvidia--Nemotron-H-56B-Base-8K.json');
  assert.match(fs.readFileSync(nemotron, 'utf8'), /Infinity/);
  const again = page.evaluate(() => new Promise((resolve) =>
    document.addEventListener('headroom:updated', () => resolve(true), { once: true })));
  await page.fill('textarea[name=config]', fs.readFileSync(nemotron, 'utf8'));
  await page.click('#use-config');
  assert.ok(await again);
  expectEqualToCli(await tableRows(page), cliCompare(['--model', nemotron, '--quant', 'q4_k_m',
    '--runtime', 'llama.cpp', '--prompt-tokens', '2000', '--output-tokens', '500', '--users', users]));
  // Broken text: the core's one-line message, the CLI's for the same file; the table stays.
  const kept = await tableRows(page);
  fs.writeFileSync(configFile, '{"model_type": ');
  await page.fill('textarea[name=config]', '{"model_type": ');
  await page.click('#use-config');
  await page.waitForFunction(() => /not valid JSON/.test(document.getElementById('own-model-status').textContent));
  const native = require('node:child_process').spawnSync(cliBin, ['size', '--model', configFile,
    '--runtime', 'llama.cpp', '--card', 'rtx-4090']);
  assert.strictEqual(native.status, 2);
  assert.ok(native.stderr.toString().includes((await page.textContent('#own-model-status')).trim()));
  assert.deepStrictEqual(await tableRows(page), kept);
  assert.deepStrictEqual(problems, []);
  await context.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the submit page checks a result file in the page as results validate does', async () => {
  const root = path.join(__dirname, '..', '..', 'tests', 'data', 'submissions');
  const good = path.join(root, 'good', fs.readdirSync(path.join(root, 'good')).sort()[0]);
  const bad = path.join(root, 'bad', 'inflated_bandwidth.json');
  const { page, context, problems } = await open(base + 'submit.html');
  for (const file of [good, bad]) {
    const run = require('node:child_process').spawnSync(cliBin, ['results', 'validate', '--json', file]);
    const expected = JSON.parse(run.stdout.toString()).files[0];
    await page.setInputFiles('input[name=file]', file);
    await page.waitForFunction((name) => document.getElementById('submission-verdict').textContent.startsWith(name),
                               path.basename(file));
    const verdict = await page.textContent('#submission-verdict');
    assert.match(verdict, { ok: /accepted$/, flagged: /unverified/, rejected: /rejected$/ }[expected.status]);
    const findings = await page.$$eval('table.reasons tbody tr', (rows) => rows.map((tr) => tr.cells[2].textContent));
    assert.deepStrictEqual(findings, expected.reasons.map((r) => r.message));
    if (expected.status !== 'rejected') {
      assert.strictEqual(await page.textContent('#submission-path'), `results/${expected.folder}/${expected.sha256}.json`);
    }
  }
  assert.deepStrictEqual(problems, []);
  await context.close();
});

test('sort headers and filters work from the keyboard and travel in the URL', async () => {
  const { page, context, problems } = await open(base + 'index.html');
  await page.waitForSelector('th button.sort');
  const usersHeader = page.locator('th button.sort', { hasText: 'Max users' });
  await usersHeader.focus();
  await page.keyboard.press('Enter');
  const sorted = await page.$$eval('table.compare tbody tr', (rows) =>
    rows.map((tr) => parseFloat(tr.cells[4].textContent)).filter((n) => Number.isFinite(n)));
  assert.ok(sorted.length > 5);
  assert.deepStrictEqual(sorted, [...sorted].sort((a, b) => b - a));
  assert.strictEqual(await page.getAttribute('th:has(button:text("Max users"))', 'aria-sort'), 'descending');
  await page.selectOption('select[name=vendor]', 'amd');
  const visible = await page.$$eval('table.compare tbody tr:not([hidden])', (rows) => rows.map((tr) => tr.dataset.vendor));
  assert.ok(visible.length > 0 && visible.every((v) => v === 'amd'), JSON.stringify(visible));
  assert.match(page.url(), /vendor=amd/);
  assert.match(page.url(), /sort=4-/);
  await page.selectOption('select[name=card_class]', 'consumer');
  const consumer = await page.$$eval('table.compare tbody tr:not([hidden])', (rows) => rows.map((tr) => tr.dataset.segment));
  assert.ok(consumer.length > 0 && consumer.every((s) => s === 'consumer'));
  await page.selectOption('select[name=card_class]', '');
  // Memory and card class: the rows left are the CLI's rows with that class and memory.
  await page.selectOption('select[name=vendor]', '');
  await page.selectOption('select[name=min_memory]', '80');
  await page.selectOption('select[name=card_class]', 'datacenter');
  const users = await page.inputValue('input[name=users]');
  const cli = cliCompare([...HOME_ARGS, '--users', users]).cards;
  const expected = cli.filter((c) => c.segment === 'datacenter' && c.memory_bytes >= 80 * 2 ** 30)
    .map((c) => c.card).sort();
  const shown = (await page.$$eval('table.compare tbody tr:not([hidden])', (rows) => rows.map((tr) => tr.dataset.card))).sort();
  assert.ok(expected.length > 3 && expected.length < cli.length / 2, JSON.stringify(expected));
  assert.deepStrictEqual(shown, expected);
  assert.match(page.url(), /memory=80/);
  assert.match(page.url(), /class=datacenter/);
  // The link restores the same view.
  const again = await open(page.url());
  await again.page.waitForSelector('th[aria-sort=descending] button.sort');
  const restored = await again.page.$$eval('table.compare tbody tr:not([hidden])', (rows) => rows.map((tr) => tr.dataset.card));
  const original = await page.$$eval('table.compare tbody tr:not([hidden])', (rows) => rows.map((tr) => tr.dataset.card));
  assert.deepStrictEqual(restored, original);
  assert.deepStrictEqual(problems, []);
  assert.deepStrictEqual(again.problems, []);
  await again.context.close();
  await context.close();
});

test('the backend choice reaches the core for llama.cpp, equal to the CLI\'s --backend', async () => {
  const { page, context, problems } = await open(base + 'index.html');
  const updated = page.evaluate(() => new Promise((resolve) =>
    document.addEventListener('headroom:updated', () => resolve(true), { once: true })));
  await page.selectOption('select[name=backend]', 'vulkan');
  assert.ok(await updated);
  const users = await page.inputValue('input[name=users]');
  expectEqualToCli(await tableRows(page), cliCompare([...HOME_ARGS, '--users', users, '--backend', 'vulkan']));
  assert.match(page.url(), /backend=vulkan/);
  assert.deepStrictEqual(problems, []);
  await context.close();
});
