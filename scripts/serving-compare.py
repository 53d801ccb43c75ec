#!/usr/bin/env python3
# Predicted against measured serving latency for the closed-loop and rate rows of
# tests/data/measurements/serving.json (issue 12): runs `headroom size --arrival ...` per row and
# prints TTFT (traffic median and the burst figure), TPOT (traffic mean ITL) and requests/s with
# their signed errors. A report, not a test: no thresholds yet.
# Usage: scripts/serving-compare.py [path/to/headroom]
import json, statistics, subprocess, sys
rows = json.load(open('tests/data/measurements/serving.json'))['rows']
hr = sys.argv[1] if len(sys.argv) > 1 else 'build/dev/cli/headroom'
out = []
for r in rows:
    if r['arrival'] not in ('closed-loop', 'rate') or not r['card']:
        continue
    quant = r['quant'].split(' ')[0] if r['quant'] else None
    args = [hr, 'size', '--model', r['model'], '--runtime', r['runtime'], '--card', r['card'],
            '--gpus', str(r['gpus'] or 1), '--prompt-tokens', str(r['prompt_tokens']),
            '--output-tokens', str(r['output_tokens']), '--json']
    if quant: args += ['--quant', quant]
    if r['arrival'] == 'closed-loop':
        args += ['--arrival', 'closed-loop', '--users', str(r['users'] or 1)]
    else:
        args += ['--arrival', 'rate', '--request-rate', str(r['request_rate']), '--users', str(r.get('users') or 1)]
    if None in args or not r['model']:
        print('SKIP (missing field)', r['id']); continue
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode != 0:
        print('SKIP', r['id'], p.stderr.strip()[:150]); continue
    d = json.loads(p.stdout)
    t = d.get('traffic'); s = d.get('speed')
    if not t or t['saturated']:
        print('NO TRAFFIC', r['id'], d.get('traffic_error')); continue
    m = r['measured']
    def err(pred, meas):
        return None if meas in (None, 0) else 100 * (pred - meas) / meas
    burst_ttft = s['ttft_s'] * 1000
    row = dict(id=r['id'], rt=r['runtime'], n=r['users'], rate=r['request_rate'],
               ttft_meas=m.get('ttft_ms'), ttft_med=t['ttft_s']['median'] * 1000, ttft_burst=burst_ttft,
               tpot_meas=m.get('tpot_ms'), tpot_pred=t['itl_s']['mean'] * 1000,
               rps_meas=m.get('requests_per_s'), rps_pred=t['request_rate_per_s'])
    row['e_ttft'] = err(row['ttft_med'], row['ttft_meas'])
    row['e_ttft_burst'] = err(burst_ttft, row['ttft_meas'])
    row['e_tpot'] = err(row['tpot_pred'], row['tpot_meas'])
    row['e_rps'] = err(row['rps_pred'], row['rps_meas'])
    out.append(row)
f = lambda x: '   -  ' if x is None else f'{x:+6.0f}'
print(f"{'id':48} {'N':>4} ttft_meas pred(burst) e_ttft e_burst tpot_meas pred e_tpot e_rps")
for o in out:
    print(f"{o['id'][:48]:48} {str(o['n'] or o['rate']):>4} {o['ttft_meas'] or 0:8.1f} {o['ttft_med']:7.1f}({o['ttft_burst']:7.1f}) {f(o['e_ttft'])} {f(o['e_ttft_burst'])} {o['tpot_meas'] or 0:7.2f} {o['tpot_pred']:6.2f} {f(o['e_tpot'])} {f(o['e_rps'])}")

for k in ('e_ttft', 'e_ttft_burst', 'e_tpot', 'e_rps'):
    v = [abs(o[k]) for o in out if o[k] is not None]
    if v: print(k, 'n', len(v), 'median |err| %.0f%%' % statistics.median(v), 'mean %.0f%%' % statistics.mean(v))
