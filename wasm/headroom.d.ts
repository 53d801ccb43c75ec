// Types of the JS API in headroom-api.js (hand-written: Emscripten 3.1.6 has no --emit-tsd).
// Every call returns a value; errors never throw: {ok: false, error, field}.

// Checked by the core's one request builder (headroom/request.h), with the CLI's rules: a key it
// does not know, an empty string or a mistyped value is an error naming the key; numbers may also
// be given as strings ("8"); null means "not given".
export interface SizeRequest {
  model: string | Record<string, unknown>;  // catalog id / HF repo, or a config.json object
  runtime: 'vllm' | 'sglang' | 'trtllm' | 'tgi' | 'llama.cpp' | 'ollama' | 'transformers';
  card?: string;                            // required by size() and reality(); refused by compare()
  quant?: string;                           // weight format id (`headroom formats`), default "native"
  kv_cache_dtype?: string;                  // default "auto"
  gpus?: number;
  prompt_tokens?: number;
  output_tokens?: number;
  users?: number;
  max_model_len?: number;
  max_num_batched_tokens?: number;  // prompt tokens per engine step (vLLM, SGLang, TRT-LLM, TGI)
  stream_interval?: number;         // TensorRT-LLM: responses streamed every N steps; 0: not streamed
  cuda_graph_max_batch?: number;    // largest CUDA-graph batch (vLLM, SGLang, TRT-LLM, TGI)
  max_num_seqs?: number;  // vLLM: sequences run at once, dummy requests of its profile run
  gpu_memory_utilization?: number;
  ctx_size?: number;
  parallel?: number;
  ubatch_size?: number;
  flash_attention?: boolean | 'on' | 'off';
  prefix_caching?: boolean | 'on' | 'off';  // vLLM only
  async_scheduling?: boolean | 'on' | 'off';  // vLLM --async-scheduling
  expert_parallel?: boolean | 'on' | 'off';  // MoE on vLLM / SGLang / TRT-LLM: whole experts per GPU
  host_cpu?: 'desktop' | 'server' | 'older-server';  // transformers: the CPU eager steps wait on
  endpoint?: 'chat' | 'completions';  // serving engines: the clients' API (vLLM: chat templates cost time)
  n_gpu_layers?: number;
  n_cpu_moe?: number;
  host_bandwidth_gb_per_s?: number;
  backend?: 'cuda' | 'vulkan' | 'rocm' | 'metal' | 'sycl' | 'cpu';  // llama.cpp / Ollama only
  engine_version?: string;     // serving engine release the speed figures describe ('0.6.3'; default: current)
  llama_build_month?: string;  // llama.cpp / Ollama build month 'YYYY-MM' (default: a current build)
  arrival?: 'burst' | 'closed-loop' | 'rate';  // default burst: every user at once
  request_rate?: number;                       // requests/s (Poisson), with arrival 'rate'
  ttft_target_s?: number;                      // p90 time-to-first-token target (not with burst)
  itl_target_s?: number;                       // mean inter-token latency target (not with burst)
  vendor?: 'nvidia' | 'amd' | 'intel' | 'apple';  // compare() only
  bench?: Record<string, unknown>;  // a headroom.bench.v1 document measured on the card (size())
}

export interface Failure { ok: false; error: string; field: string; }

export interface Speed {
  prefill_tokens_per_s: number; ttft_s: number; inter_token_latency_s: number;
  decode_tokens_per_s_per_user: number; decode_tokens_per_s_total: number; requests_per_minute: number;
  bound: 'memory' | 'compute'; range: { low: number; high: number };
  speedup_vs_fp16: number; ideal_speedup_vs_fp16: number; model_note: string;
}

export interface SizeReport {  // headroom.size.v1 (README)
  schema: 'headroom.size.v1';
  verdict: 'fits' | 'tight' | 'does-not-fit';
  verdict_reason: string;
  memory: {
    capacity_bytes: number; weights_bytes: number; kv_cache_bytes: number; kv_cache_capacity_bytes: number;
    activation_bytes: number; runtime_overhead_bytes: number; total_bytes: number; free_bytes: number;
    kv_bytes_per_token: number; host_bytes: number; items: { name: string; bytes: number; note: string }[];
  };
  max_users: number;
  max_context_tokens: number;
  advice: string[];
  assumptions: string[];
  inputs: Record<string, unknown>;
  speed: Speed | null;
}

export interface Headroom {
  size(request: SizeRequest): { ok: true; report: SizeReport } | Failure;
  compare(request: SizeRequest): { ok: true; compare: { schema: 'headroom.compare.v1'; cards: Record<string, unknown>[] } } | Failure;
  reality(request: SizeRequest): { ok: true; reality: { schema: 'headroom.reality.v1'; formats: Record<string, unknown>[] } } | Failure;
  catalog(kind: 'models' | 'cards' | 'formats' | 'runtimes'): { ok: true; catalog: Record<string, unknown> } | Failure;  // headroom.model-list.v1, card-list.v1, formats.v1, runtimes.v1
  // The first bytes of a GGUF file (Blob.slice), the file's size and name; later requests name it
  // as `model`. more_bytes: the header runs past the slice, retry with a larger one.
  loadGguf(bytes: Uint8Array | ArrayBuffer, fileBytes: number, name: string):
    { ok: true; model: ModelSummary } | (Failure & { more_bytes?: true });
  // A config.json's text as pasted (bare Infinity / NaN accepted, as the CLI accepts them); it
  // replaces a loaded GGUF, and later requests name it as `model` (in the request's quant).
  loadConfig(text: string, name: string): { ok: true; model: ModelSummary } | Failure;
  // The site's measured.json (headroom.measured.v1): each card's aggregate of submitted results,
  // which calibrates later requests as results/ calibrates the CLI's.
  setMeasured(text: string): { ok: true; cards: number } | Failure;
  // A headroom-bench file, checked as `headroom results validate --json` does.
  checkSubmission(bytes: Uint8Array | ArrayBuffer, name: string): { ok: true; check: ResultsCheck } | Failure;
}

export interface ModelSummary {
  id: string; name: string; family: string; params: number; active_params: number; layers: number;
  max_context_tokens: number; source: string; notes: string[];
}

export interface ResultsCheck {
  schema: 'headroom.results-check.v1';
  files: { path: string; status: 'ok' | 'flagged' | 'rejected'; sha256: string; folder: string; card: string;
           driver_version: string; reasons: { severity: 'rejected' | 'flagged'; field: string; message: string }[] }[];
  summary: { ok: number; flagged: number; rejected: number };
}

export function loadHeadroom(options?: { factory?: (args: object) => Promise<unknown>; moduleArgs?: object }): Promise<Headroom>;
