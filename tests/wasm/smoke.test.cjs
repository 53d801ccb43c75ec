// The wasm build answers like the native CLI: same scenario, same numbers; bad input is an
// error value, not a crash. Run by ctest in the wasm build (node --test).
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { loadHeadroom } = require('../../wasm/headroom-api.js');

const jsPath = process.env.HEADROOM_WASM_JS;
const cliPath = process.env.HEADROOM_NATIVE_CLI;

async function load() {
  const factory = require(jsPath);
  const wasmBinary = fs.readFileSync(jsPath.replace(/\.js$/, '.wasm'));
  return loadHeadroom({ factory, moduleArgs: { wasmBinary } });
}

const scenario = {
  model: 'llama-3.1-8b-instruct', quant: 'bf16', runtime: 'vllm', card: 'h100-sxm-80gb',
  prompt_tokens: 4000, output_tokens: 1000, users: 12, max_model_len: 16000, gpu_memory_utilization: 0.9,
};

test('wasm size() equals the native CLI on one scenario', async () => {
  const headroom = await load();
  const wasm = headroom.size(scenario);
  assert.strictEqual(wasm.ok, true, JSON.stringify(wasm));
  assert.strictEqual(wasm.report.schema, 'headroom.size.v1');
  assert.ok(cliPath && fs.existsSync(cliPath), 'HEADROOM_NATIVE_CLI must point at the native CLI');
  const native = JSON.parse(execFileSync(cliPath, [
    'size', '--model', scenario.model, '--quant', scenario.quant, '--runtime', scenario.runtime,
    '--card', scenario.card, '--prompt-tokens', '4000', '--output-tokens', '1000', '--users', '12',
    '--max-model-len', '16000', '--gpu-memory-utilization', '0.9', '--json']).toString());
  assert.deepStrictEqual(wasm.report.memory, native.memory);
  assert.strictEqual(wasm.report.verdict, native.verdict);
  assert.strictEqual(wasm.report.max_users, native.max_users);
  assert.strictEqual(wasm.report.max_context_tokens, native.max_context_tokens);
  assert.deepStrictEqual(wasm.report.speed, native.speed);
  // The hand-computed KV rate of Llama-3.1-8B: 2 x 32 layers x 8 heads x 128 x 2 bytes.
  assert.strictEqual(wasm.report.memory.kv_bytes_per_token, 131072);
});

test('wasm size() returns errors as values naming the field', async () => {
  const headroom = await load();
  const unknown = headroom.size({ ...scenario, card: 'no-such-card' });
  assert.strictEqual(unknown.ok, false);
  assert.strictEqual(unknown.field, 'card');
  assert.match(unknown.error, /unknown card 'no-such-card'/);
  const negative = headroom.size({ ...scenario, users: -4 });
  assert.strictEqual(negative.ok, false);
  assert.strictEqual(negative.field, 'users');
  const garbage = headroom.size('not an object');
  assert.strictEqual(garbage.ok, false);
});

test('wasm catalog() lists what the native CLI lists', async () => {
  const headroom = await load();
  for (const kind of ['models', 'cards', 'formats', 'runtimes']) {
    const wasm = headroom.catalog(kind);
    assert.strictEqual(wasm.ok, true, kind);
    const native = JSON.parse(execFileSync(cliPath, [kind, '--json']).toString());
    assert.deepStrictEqual(wasm.catalog, native, kind);
  }
  const unknown = headroom.catalog('gpus');
  assert.strictEqual(unknown.ok, false);
  assert.match(unknown.error, /unknown catalog 'gpus'/);
});

test('wasm compare() ranks the same cards as the native CLI', async () => {
  const headroom = await load();
  const request = { model: 'llama-3.1-8b-instruct', quant: 'q4_k_m', runtime: 'llama.cpp', users: 4, vendor: 'nvidia' };
  const wasm = headroom.compare(request);
  assert.strictEqual(wasm.ok, true, JSON.stringify(wasm));
  const native = JSON.parse(execFileSync(cliPath, ['compare', '--model', 'llama-3.1-8b-instruct', '--quant', 'q4_k_m',
    '--runtime', 'llama.cpp', '--users', '4', '--vendor', 'nvidia', '--json']).toString());
  assert.deepStrictEqual(wasm.compare, native);
  assert.ok(wasm.compare.cards.every((row) => row.vendor === 'nvidia'));
  const bad = headroom.compare({ ...request, vendor: 'ibm' });
  assert.strictEqual(bad.ok, false);
  assert.strictEqual(bad.field, 'vendor');
});

test('wasm reality() matches the native CLI', async () => {
  const headroom = await load();
  const wasm = headroom.reality({ model: 'llama-3.1-8b-instruct', runtime: 'vllm', card: 'h100-sxm-80gb', users: 8 });
  assert.strictEqual(wasm.ok, true, JSON.stringify(wasm));
  const native = JSON.parse(execFileSync(cliPath, ['reality', '--model', 'llama-3.1-8b-instruct', '--runtime', 'vllm',
    '--card', 'h100-sxm-80gb', '--users', '8', '--json']).toString());
  assert.deepStrictEqual(wasm.reality, native);
});

test('wasm catalog() escapes a hostile kind into valid JSON', async () => {
  const headroom = await load();
  const reply = headroom.catalog('a"b\\c');  // must parse, not throw
  assert.strictEqual(reply.ok, false);
  assert.strictEqual(reply.field, 'kind');
  assert.match(reply.error, /unknown catalog/);
});

test('wasm requests go through the CLI\'s request rules', async () => {
  const headroom = await load();
  // An unknown key, an empty value and a missing runtime are errors naming the key, never defaults.
  const typo = headroom.size({ ...scenario, userz: 4 });
  assert.strictEqual(typo.ok, false);
  assert.strictEqual(typo.field, 'userz');
  const empty = headroom.size({ ...scenario, gpu_memory_utilization: '' });
  assert.strictEqual(empty.ok, false);
  assert.strictEqual(empty.field, 'gpu_memory_utilization');
  const { runtime, ...noRuntime } = scenario;
  assert.ok(runtime);
  const missing = headroom.size(noRuntime);
  assert.strictEqual(missing.ok, false);
  assert.strictEqual(missing.field, 'runtime');
  // The same number as a string gives the same report; a fraction of a user does not.
  const asText = headroom.size({ ...scenario, users: '12' });
  assert.deepStrictEqual(asText.report.memory, headroom.size(scenario).report.memory);
  const fraction = headroom.size({ ...scenario, users: 2.5 });
  assert.strictEqual(fraction.ok, false);
  assert.match(fraction.error, /users must be a whole number \(got '2.5'\)/);
  // A problem of the request is one error for compare(), not a table of refused cards, as in the CLI.
  const badQuant = headroom.compare({ model: 'llama-3.1-8b-instruct', runtime: 'vllm', quant: 'q9_9' });
  assert.strictEqual(badQuant.ok, false);
  assert.strictEqual(badQuant.field, 'quant');
  const withCard = headroom.compare({ model: 'llama-3.1-8b-instruct', runtime: 'vllm', card: 'rtx-4090' });
  assert.strictEqual(withCard.ok, false);
  assert.strictEqual(withCard.field, 'card');
});

test('wasm size() takes an engine release and a llama.cpp build month as the CLI does', async () => {
  const headroom = await load();
  const v0 = { model: 'llama-3.1-405b-instruct', runtime: 'vllm', card: 'mi300x', gpus: 8, engine_version: '0.6.3' };
  const wasm = headroom.size(v0);
  assert.strictEqual(wasm.ok, true, JSON.stringify(wasm));
  assert.match(wasm.report.speed.model_note, /vllm 0\.5-0\.7 \(V0 engine\)/);
  const native = JSON.parse(execFileSync(cliPath, ['size', '--model', v0.model, '--runtime', 'vllm',
    '--card', 'mi300x', '--gpus', '8', '--engine-version', '0.6.3', '--json']).toString());
  assert.deepStrictEqual(wasm.report.speed, native.speed);
  const bad = headroom.size({ ...scenario, engine_version: 'latest' });
  assert.strictEqual(bad.ok, false);
  assert.strictEqual(bad.field, 'engine_version');
  const wrongRuntime = headroom.size({ ...scenario, llama_build_month: '2024-11' });
  assert.strictEqual(wrongRuntime.ok, false);
  assert.strictEqual(wrongRuntime.field, 'llama_build_month');
});

// A small GGUF written by tests/make_gguf.py: a header followed by a sparse hole for the tensors.
function tinyGguf() {
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'headroom-gguf-'));
  const file = path.join(dir, 'tiny.gguf');
  execFileSync('python3', [path.join(__dirname, '..', 'make_gguf.py'), file]);
  return file;
}

// The first `length` bytes of a file (what the page gets from Blob.slice).
function head(file, length) {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const read = fs.readSync(fd, buffer, 0, length, 0);
    return buffer.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

test('wasm loadGguf() reads a header slice and sizes it as the CLI sizes the file', async () => {
  const headroom = await load();
  const file = tinyGguf();
  const fileBytes = fs.statSync(file).size;
  const loaded = headroom.loadGguf(head(file, 1 << 20), fileBytes, 'tiny.gguf');
  assert.strictEqual(loaded.ok, true, JSON.stringify(loaded));
  assert.strictEqual(loaded.model.id, 'tiny.gguf');
  assert.strictEqual(loaded.model.family, 'llama');
  assert.strictEqual(loaded.model.layers, 2);
  const request = { model: 'tiny.gguf', runtime: 'llama.cpp', card: 'rtx-4090', prompt_tokens: 1000,
                    output_tokens: 200, users: 2 };
  const wasm = headroom.size(request);
  assert.strictEqual(wasm.ok, true, JSON.stringify(wasm));
  const native = JSON.parse(execFileSync(cliPath, ['size', '--model', file, '--runtime', 'llama.cpp',
    '--card', 'rtx-4090', '--prompt-tokens', '1000', '--output-tokens', '200', '--users', '2',
    '--json']).toString());
  assert.deepStrictEqual(wasm.report.memory, native.memory);
  assert.deepStrictEqual(wasm.report.speed, native.speed);
  assert.strictEqual(wasm.report.verdict, native.verdict);
  // A GGUF's tensors carry their types: a quant on top is the CLI's error too.
  const quant = headroom.size({ ...request, quant: 'q8_0' });
  assert.strictEqual(quant.ok, false);
  assert.strictEqual(quant.field, 'quant');
});

test('wasm loadGguf() asks for more bytes past a short slice and refuses a truncated file', async () => {
  const headroom = await load();
  const file = tinyGguf();
  const fileBytes = fs.statSync(file).size;
  const short = headroom.loadGguf(head(file, 40), fileBytes, 'tiny.gguf');
  assert.strictEqual(short.ok, false);
  assert.strictEqual(short.more_bytes, true, JSON.stringify(short));
  // The same 40 bytes as the whole file: truncated, named, and no retry suggested.
  const truncated = headroom.loadGguf(head(file, 40), 40, 'cut.gguf');
  assert.strictEqual(truncated.ok, false);
  assert.strictEqual(truncated.more_bytes, undefined);
  assert.match(truncated.field, /^gguf/);
  const native = require('node:child_process').spawnSync(cliPath, ['size', '--model',
    writeTemp('cut.gguf', head(file, 40)), '--runtime', 'llama.cpp', '--card', 'rtx-4090']);
  assert.strictEqual(native.status, 2);
  assert.ok(native.stderr.toString().includes(truncated.error), native.stderr.toString());
  assert.strictEqual(headroom.size({ model: 'cut.gguf', runtime: 'llama.cpp', card: 'rtx-4090' }).ok, false);
  // A refused file leaves the last good model in place (the page keeps it listed and its table).
  assert.strictEqual(headroom.loadGguf(head(file, 1 << 20), fileBytes, 'tiny.gguf').ok, true);
  const before = headroom.size({ model: 'tiny.gguf', runtime: 'llama.cpp', card: 'rtx-4090' });
  assert.strictEqual(before.ok, true, JSON.stringify(before));
  assert.strictEqual(headroom.loadGguf(new Uint8Array(0), 0, 'empty.gguf').ok, false);
  assert.deepStrictEqual(headroom.size({ model: 'tiny.gguf', runtime: 'llama.cpp', card: 'rtx-4090' }), before);
});

test('wasm loadConfig() reads config.json text as the CLI reads the file, Infinity included', async () => {
  const headroom = await load();
  // Nemotron-H's published config carries a bare Infinity (Python's json writes it).
  const configFile = path.join(__dirname, '..', 'data', 'configs', 'nvidia--Nemotron-H-56B-Base-8K.json');
  const text = fs.readFileSync(configFile, 'utf8');
  assert.match(text, /Infinity/);
  assert.throws(() => JSON.parse(text));
  const loaded = headroom.loadConfig(text, 'config.json');
  assert.strictEqual(loaded.ok, true, JSON.stringify(loaded));
  assert.strictEqual(loaded.model.id, 'config.json');
  const flags = ['--quant', 'fp8', '--runtime', 'vllm', '--card', 'h200-sxm-141gb', '--prompt-tokens',
                 '6000', '--output-tokens', '1000', '--users', '16'];
  const wasm = headroom.size({ model: 'config.json', quant: 'fp8', runtime: 'vllm', card: 'h200-sxm-141gb',
                               prompt_tokens: 6000, output_tokens: 1000, users: 16 });
  assert.strictEqual(wasm.ok, true, JSON.stringify(wasm));
  const native = JSON.parse(execFileSync(cliPath, ['size', '--model', configFile, ...flags, '--json']).toString());
  assert.deepStrictEqual(wasm.report.memory, native.memory);
  assert.deepStrictEqual(wasm.report.speed, native.speed);
  assert.strictEqual(wasm.report.verdict, native.verdict);
  // Broken text: the CLI's message for the same file, and the model loaded before stays.
  const broken = '{"model_type": ';
  const refused = headroom.loadConfig(broken, 'config.json');
  assert.strictEqual(refused.ok, false);
  const run = require('node:child_process').spawnSync(cliPath, ['size', '--model',
    writeTemp('config.json', broken), ...flags]);
  assert.strictEqual(run.status, 2);
  assert.ok(run.stderr.toString().includes(refused.error), `${refused.error} vs ${run.stderr}`);
  assert.strictEqual(headroom.size({ model: 'config.json', quant: 'fp8', runtime: 'vllm',
                                     card: 'h200-sxm-141gb' }).ok, true);
});

function writeTemp(name, bytes) {
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'headroom-cut-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

test('wasm checkSubmission() gives the CLI\'s results validate document for every corpus file', async () => {
  const headroom = await load();
  const root = path.join(__dirname, '..', 'data', 'submissions');
  const expected = JSON.parse(fs.readFileSync(path.join(root, 'expected.json'))).files;
  let checked = 0;
  for (const kind of ['good', 'bad']) {
    for (const name of fs.readdirSync(path.join(root, kind)).sort()) {
      const file = path.join(root, kind, name);
      const wasm = headroom.checkSubmission(fs.readFileSync(file), file);
      assert.strictEqual(wasm.ok, true, name);
      const run = require('node:child_process').spawnSync(cliPath, ['results', 'validate', '--json', file]);
      assert.deepStrictEqual(wasm.check, JSON.parse(run.stdout.toString()), name);
      const want = expected[`${kind}/${name}`];
      assert.ok(want, `${kind}/${name} is not in expected.json`);
      assert.strictEqual(wasm.check.files[0].status, want.status, name);
      checked += 1;
    }
  }
  assert.ok(checked >= 20, `only ${checked} corpus files`);
});

test('wasm setMeasured() calibrates the cards it names as the CLI calibrates them', async () => {
  const headroom = await load();
  const benchFile = path.join(__dirname, '..', 'data', 'submissions', 'good', 't4-crafted.json');
  const bench = JSON.parse(fs.readFileSync(benchFile, 'utf8'));
  const doc = { schema: 'headroom.measured.v1', cards: { t4: bench } };
  assert.deepStrictEqual(headroom.setMeasured(JSON.stringify(doc)), { ok: true, cards: 1 });
  const request = { model: 'llama-3.1-8b-instruct', quant: 'q4_k_m', runtime: 'llama.cpp', card: 't4',
                    prompt_tokens: 1000, output_tokens: 200, users: 1 };
  const wasm = headroom.size(request);
  assert.strictEqual(wasm.ok, true, JSON.stringify(wasm));
  const native = JSON.parse(execFileSync(cliPath, ['size', '--model', 'llama-3.1-8b-instruct', '--quant',
    'q4_k_m', '--runtime', 'llama.cpp', '--card', 't4', '--prompt-tokens', '1000', '--output-tokens', '200',
    '--users', '1', '--bench', benchFile, '--json']).toString());
  assert.deepStrictEqual(wasm.report.speed, native.speed);
  const rows = headroom.compare({ model: 'llama-3.1-8b-instruct', quant: 'q4_k_m', runtime: 'llama.cpp' });
  assert.deepStrictEqual(rows.compare.cards.filter((r) => r.speed_from === 'measured').map((r) => r.card), ['t4']);
  // A document naming another card's result, or no catalog card, is refused and changes nothing.
  const refused = headroom.setMeasured(JSON.stringify({ ...doc, cards: { 'rtx-4090': bench } }));
  assert.strictEqual(refused.ok, false);
  assert.match(refused.error, /cards\.rtx-4090 holds a result for card 't4'/);
  assert.strictEqual(headroom.setMeasured('{"schema":"headroom.measured.v1","cards":{"nope":{}}}').field, 'cards.nope');
  assert.strictEqual(headroom.setMeasured('not json').ok, false);
  assert.deepStrictEqual(headroom.size(request).report.speed, native.speed);
});
