#!/usr/bin/env python3
# Builds tests/data/serving_validation.json from the candidate rows of
# tests/data/measurements/serving.json (issue 12): every row whose card and model are in the
# catalog and whose lengths are stated, one validation row per metric the source measured
# (TPOT, TTFT, total output tok/s), values copied as the source gives them. Rerun after editing
# the candidates; the output is committed, the C++ reads only it.
# Usage: scripts/serving-validation-rows.py > tests/data/serving_validation.json
import json, sys

src = json.load(open('tests/data/measurements/serving.json'))['rows']
cards = {c['id'] for c in json.load(open('core/data/cards.json'))['cards']}
models = {m['id'] for m in json.load(open('core/data/models.json'))['models']}
# Weight formats the catalog knows (core/src/formats/catalog_table.cpp); nvfp4 is not one yet.
formats = {'bf16', 'fp16', 'fp8', 'fp8-channel', 'fp8-block', 'awq', 'gptq', 'mxfp4'}
out = []
skipped = []
# Configurations (card, model, weight format, runtime, GPUs) where Headroom's memory model leaves
# the engine no KV cache, so the traffic model refuses them, though the source's server started.
# None now: GPUStack's gpt-oss-120b run on one H100 (vLLM 0.10.2) was 0.57 GiB short while the
# model sorted the profile run's logits as current releases do; the v0.10.2 image samples them
# with FlashInfer (runtime/vllm_sampler.cpp), which leaves about 4 GiB of KV cache there.
no_kv_room = set()
for r in src:
    # A candidate Headroom refuses (or whose page cannot be stated) stays on record with its reason
    # in left_out, so every collected run is accounted for; it is skipped before any other check.
    if r.get('left_out'):
        skipped.append((r['id'], r['left_out'])); continue
    why = None
    if r['card'] not in cards: why = 'card not in catalog'
    elif r['model'] not in models: why = 'model not in catalog'
    elif r['prompt_tokens'] is None or r['output_tokens'] is None: why = 'lengths not stated'
    elif r['quant'].split(' ')[0] not in formats: why = 'weight format not in the catalog'
    elif (r['gpus'] or 1) > 8: why = 'more than one 8-GPU node (inter-node all-reduce is not modelled)'
    elif (r['card'], r['model'], r['quant'].split(' ')[0], r['runtime'], r['gpus'] or 1) in no_kv_room:
        why = 'the memory model leaves no KV cache room at these settings (the traffic model refuses it)'
    if why:
        skipped.append((r['id'], why)); continue
    m = r['measured']
    stat = r.get('stat') or 'median'
    base = {
        'card': r['card'], 'model': r['model'], 'quant': r['quant'].split(' ')[0],
        'runtime': r['runtime'], 'build': r['runtime_version'], 'date': r['date'],
        'gpus': r['gpus'] or 1,
        'prompt_tokens': round(r['prompt_tokens']), 'output_tokens': round(r['output_tokens']),
        'arrival': r['arrival'],
    }
    # Server options the source's runs set: those that hold first tokens back (TensorRT-LLM),
    # how the clients got their tokens (streaming, stream_interval, the chat or completions
    # endpoint), vLLM's --async-scheduling and expert parallelism (vLLM --enable-expert-parallel,
    # SGLang --ep-size, TensorRT-LLM --ep_size, from the serving command in the source), TGI's
    # prompt-token budget per prefill batch, CUDA graph range, and the KV cache dtype of the run.
    for key in ('stream_interval', 'batch_wait_timeout_iters', 'batch_wait_max_tokens_ratio',
                'streaming', 'max_batch_prefill_tokens', 'kv_dtype', 'cuda_graph_max_batch',
                'output_length_cv', 'endpoint', 'async_scheduling', 'expert_parallel'):
        if r.get(key) is not None: base[key] = r[key]
    # Burst rows without a concurrency figure sent num_prompts requests at once.
    users = r['users'] if r['users'] is not None else r.get('num_prompts')
    if r['arrival'] == 'rate':
        base['request_rate'] = r['request_rate']
    elif users is not None:
        base['users'] = users
    else:
        skipped.append((r['id'], 'neither users nor num_prompts')); continue
    metrics = []
    tpot = m.get('tpot_ms') if m.get('tpot_ms') is not None else m.get('itl_ms')
    if tpot is not None: metrics.append(('tpot_ms', tpot, 'tpot_ms' if m.get('tpot_ms') is not None else 'itl_ms'))
    if m.get('ttft_ms') is not None: metrics.append(('ttft_ms', m['ttft_ms'], 'ttft_ms'))
    # Total output tok/s only where no latency was measured, or for bursts (their throughput is
    # the figure such runs are made for); InferenceX per-GPU figures are not converted.
    if m.get('output_tokens_per_s') is not None and (r['arrival'] == 'burst' or not metrics):
        metrics.append(('output_tokens_per_s', m['output_tokens_per_s'], 'output_tokens_per_s'))
    # TPOT of a burst whose replies are 4 tokens or fewer is left out, by class: each request's
    # TPOT averages 3 gaps, set by where its few decode steps fall among the burst's prefill
    # chunks, and repeats of one run disagree far past any bound (GPUStack, same engine, build,
    # card and flags: vLLM 0.11 gpt-oss-20b on one H100 208.0 vs 17.0 ms, gpt-oss-120b on one
    # A100 189.5 vs 320.2 ms, gpt-oss-20b on one A100 65.4 vs 46.6 ms; the median spread of the
    # set's other repeated runs is 6%). Their TTFT and throughput stay.
    if r['arrival'] == 'burst' and r['output_tokens'] <= 4 and any(x[0] == 'tpot_ms' for x in metrics):
        metrics = [x for x in metrics if x[0] != 'tpot_ms']
        skipped.append((r['id'] + '-tpot', 'TPOT over 4 or fewer output tokens of a burst is not '
                        'reproducible (repeats of one run differ up to 12x)'))
    for metric, value, field in metrics:
        row = {'id': r['id'] + '-' + metric.split('_')[0] if metric != 'output_tokens_per_s' else r['id'] + '-tput'}
        row.update(base)
        row['measured'] = {'metric': metric, 'value': value, 'stat': stat}
        row['source'] = r['source'] + ('' if field == metric else f" (field {field})")
        if r.get('settings_source'): row['settings_source'] = r['settings_source']
        out.append(row)
doc = {
    'schema': 'headroom.speed_validation.v1',
    'description': 'Serving validation rows (issue 12), generated by scripts/serving-validation-rows.py from '
                   'tests/data/measurements/serving.json: each row is one metric one public benchmark measured '
                   '(measured.metric: tpot_ms, ttft_ms or output_tokens_per_s; measured.stat: median or mean over '
                   'requests) under its arrival pattern (burst: users requests sent at once; closed-loop: users '
                   'concurrent clients; rate: Poisson requests/s). Values and settings are copied from the cited '
                   'source only.',
    'rows': out,
}
json.dump(doc, sys.stdout, indent=1)
print()
for s in skipped: print('skipped', *s, file=sys.stderr)
