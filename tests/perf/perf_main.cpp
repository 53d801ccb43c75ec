// headroom_perf: prints the size and speed figures the README records (not a timed test).
//  - GGUF header reading: bytes read and time for headers shaped like real 8B and 70B files,
//    tokenizer arrays included, with the multi-gigabyte data region never touched;
//  - size(): milliseconds per call, advice included (each advice line re-runs the model), and
//    the time to parse the embedded catalogs.
//  - `--compare-json REQUEST`: the whole-table call the page makes (compare_response_json, the
//    function behind the wasm API's compare()) in this process, the request's users set to
//    4 + i on call i: milliseconds, the median of 15 after 20 warm-up calls, as
//    tests/perf/site_perf.cjs times the wasm call, so the two figures compare side by side.
// `--smoke` runs each measurement once (ctest checks that it works, not how fast).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "../gguf_writer.h"
#include "headroom/catalog.h"
#include "headroom/documents.h"
#include "headroom/gguf.h"
#include "headroom/sizing.h"
#include "headroom/units.h"

using namespace headroom;
using Clock = std::chrono::steady_clock;

namespace {

template <typename F>
double median_ms(int runs, F&& f) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    f();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

// A llama-architecture header with the tokenizer a Llama 3 GGUF carries (128256 tokens, their
// types, 280147 merges) and one tensor per layer matrix.
std::string llama_header(std::uint32_t layers, std::uint64_t hidden, std::uint64_t ffn,
                         std::uint64_t* data_bytes) {
  test::GgufWriter w;
  w.str("general.architecture", "llama")
      .u32("llama.block_count", layers)
      .u32("llama.context_length", 131072)
      .u32("llama.embedding_length", static_cast<std::uint32_t>(hidden))
      .u32("llama.feed_forward_length", static_cast<std::uint32_t>(ffn))
      .u32("llama.attention.head_count", static_cast<std::uint32_t>(hidden / 128))
      .u32("llama.attention.head_count_kv", 8)
      .str_array("tokenizer.ggml.tokens", 128256)
      .i32_array("tokenizer.ggml.token_type", std::vector<std::int32_t>(128256, 1))
      .str_array("tokenizer.ggml.merges", 280147);
  w.tensor("token_embd.weight", {hidden, 128256}, test::kGgmlQ4K);
  for (std::uint32_t i = 0; i < layers; ++i) {
    const std::string b = "blk." + std::to_string(i) + ".";
    w.tensor(b + "attn_norm.weight", {hidden}, test::kGgmlF32);
    w.tensor(b + "attn_q.weight", {hidden, hidden}, test::kGgmlQ4K);
    w.tensor(b + "attn_k.weight", {hidden, 1024}, test::kGgmlQ4K);
    w.tensor(b + "attn_v.weight", {hidden, 1024}, test::kGgmlQ6K);
    w.tensor(b + "attn_output.weight", {hidden, hidden}, test::kGgmlQ4K);
    w.tensor(b + "ffn_norm.weight", {hidden}, test::kGgmlF32);
    w.tensor(b + "ffn_gate.weight", {hidden, ffn}, test::kGgmlQ4K);
    w.tensor(b + "ffn_up.weight", {hidden, ffn}, test::kGgmlQ4K);
    w.tensor(b + "ffn_down.weight", {ffn, hidden}, test::kGgmlQ6K);
  }
  w.tensor("output_norm.weight", {hidden}, test::kGgmlF32);
  w.tensor("output.weight", {hidden, 128256}, test::kGgmlQ6K);
  *data_bytes = w.data_bytes();
  return w.header();
}

void gguf_figures(int runs) {
  std::printf("GGUF header reading (tensor data never read)\n");
  std::printf("  %-14s %12s %12s %12s %10s\n", "shape", "file", "header", "bytes read", "ms");
  struct Shape {
    const char* name;
    std::uint32_t layers;
    std::uint64_t hidden, ffn;
  };
  for (const Shape& shape :
       {Shape{"8B Q4_K_M", 32, 4096, 14336}, Shape{"70B Q4_K_M", 80, 8192, 28672}}) {
    std::uint64_t data_bytes = 0;
    const std::string header = llama_header(shape.layers, shape.hidden, shape.ffn, &data_bytes);
    MemoryByteSource source(header, header.size() + data_bytes);
    std::uint64_t bytes_read = 0;
    const double ms = median_ms(runs, [&] {
      auto parsed = read_gguf_header(source);
      bytes_read = parsed ? parsed->bytes_read : 0;
    });
    std::printf("  %-14s %12s %12s %12s %10.2f\n", shape.name,
                format_bytes(static_cast<double>(source.size())).c_str(),
                format_bytes(static_cast<double>(header.size())).c_str(),
                format_bytes(static_cast<double>(bytes_read)).c_str(), ms);
  }
}

void size_figures(int runs) {
  const Catalog catalog = load_builtin_catalog().value();
  std::printf("size() per call\n");
  std::printf("  %-52s %10s %14s\n", "scenario", "ms/call", "catalog load");
  struct Scenario {
    const char* label;
    const char* model;
    const char* quant;
    RuntimeId runtime;
    const char* card;
    std::uint32_t gpus;
  };
  const Scenario scenarios[] = {
      {"Llama-3.1-8B bf16, vLLM, H100", "llama-3.1-8b-instruct", "bf16", RuntimeId::vllm,
       "h100-sxm-80gb", 1},
      {"Llama-3.1-70B Q4_K_M, llama.cpp, RTX 4090 (no fit)", "llama-3.1-70b-instruct", "q4_k_m",
       RuntimeId::llamacpp, "rtx-4090", 1},
      {"DeepSeek-V3 native fp8, vLLM, 8x H200", "deepseek-v3", "native", RuntimeId::vllm,
       "h200-sxm-141gb", 8},
  };
  for (const auto& sc : scenarios) {
    SizingRequest r;
    r.model = catalog.find_model(sc.model).value()->arch;
    r.weight_format = sc.quant;
    r.runtime = sc.runtime;
    r.card = *catalog.find_card(sc.card).value();
    r.gpus = sc.gpus;
    r.workload = {2000, 500, 8};
    const double with_advice = median_ms(runs, [&] { (void)size(r); });
    const double catalog_ms = median_ms(runs, [&] { (void)load_builtin_catalog(); });
    std::printf("  %-52s %10.2f %11.2f ms\n", sc.label, with_advice, catalog_ms);
  }
}

}  // namespace

// The request's "users" replaced by `users` (the request is a flat JSON object the caller wrote).
// Text that is no object is passed on as it is, for the core to refuse.
std::string with_users(const std::string& request, int users) {
  const std::size_t end = request.rfind('}');
  if (end == std::string::npos) return request;
  const std::size_t last = request.find_last_not_of(" \t\n", end == 0 ? 0 : end - 1);
  const bool empty = last != std::string::npos && request[last] == '{';
  std::string out = request;
  out.insert(end, std::string(empty ? "" : ", ") + "\"users\": " + std::to_string(users));
  return out;
}

int compare_figure(const std::string& request) {
  const Catalog catalog = load_builtin_catalog().value();
  const std::string first = compare_response_json(with_users(request, 1), catalog);
  if (first.rfind("{\"ok\":true", 0) != 0) {  // the envelope request_json.cpp writes
    std::fprintf(stderr, "headroom_perf: the request is refused: %s\n",
                 first.substr(0, 200).c_str());
    return 2;
  }
  for (int i = 0; i < 20; ++i) (void)compare_response_json(with_users(request, 1 + i), catalog);
  int call = 0;
  const double ms = median_ms(15, [&] {
    (void)compare_response_json(with_users(request, 4 + call++), catalog);
  });
  std::printf("%.3f\n", ms);
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--compare-json") == 0) return compare_figure(argv[2]);
  const bool smoke = argc > 1 && std::strcmp(argv[1], "--smoke") == 0;
  const int runs = smoke ? 1 : 15;
  gguf_figures(runs);
  size_figures(runs);
  return 0;
}
