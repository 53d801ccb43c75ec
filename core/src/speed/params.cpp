// Speed-model parameters. Each value names where it comes from: a public measurement, a spec
// sheet ratio, or a fit over the public validation set tests/data/speed_validation.json (fits are
// per card class / runtime family / format, never per validation row).
#include "speed/params.h"

#include <string_view>

namespace headroom::speed {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

CardClass classify_card(const Card& card) {
  if (card.segment == "cpu") return CardClass::cpu;
  const bool hbm = starts_with(card.memory_type, "HBM");
  if (card.vendor == "nvidia") return hbm ? CardClass::nvidia_hbm : CardClass::nvidia_gddr;
  if (card.vendor == "amd") return hbm ? CardClass::amd_hbm : CardClass::amd_gddr;
  if (card.vendor == "apple") {
    // Apple GPUs from M3 (G15) on issue FP32, FP16 and integer instructions in parallel.
    const bool m3_or_later = starts_with(card.architecture, "Apple M") &&
                             card.architecture.size() > 7 && card.architecture[7] >= '3' &&
                             card.architecture[7] <= '9';
    return m3_or_later ? CardClass::apple_soc_m3 : CardClass::apple_soc;
  }
  if (card.vendor == "intel") {
    // Gaudi is not an Xe GPU (its own matrix engines and graph compiler): no row measures it, so
    // it takes the unmeasured class's defaults rather than Ponte Vecchio's llama.cpp SYCL fit.
    if (starts_with(card.architecture, "Gaudi")) return CardClass::other;
    if (starts_with(card.architecture, "Xe-HPG")) return CardClass::intel_alchemist;
    if (hbm) return CardClass::intel_hbm;
    return card.unified_memory ? CardClass::intel_igpu : CardClass::intel_gpu;
  }
  return CardClass::other;
}

const CardClassParams& card_class_params(CardClass card_class) {
  // decode_bandwidth_fraction: STREAM-like reads reach 95-98% on NVIDIA (RRZE gpu-benches
  // gpu-stream h100_pcie/a100_40/l40), a CUDA bf16 GEMV 95% on an RTX 3090 Ti (llama.cpp PR
  // #15131), 79% read on MI300X (RRZE gpu-stream mi300x), 84% for a Vulkan f16 GEMV on a W7800
  // (llama.cpp issue #11559); end-to-end decode sits below these, so the value used is the fit over
  // the validation set's 16-bit rows of the class (see each entry). prefill_compute_fraction: fit
  // on the pp512 columns of the XiongjieDai README (NVIDIA GeForce, Apple) and the VulkanForge RX
  // 9070 XT matrix; GeForce exceeds its fp32-accumulate tensor peak share because cuBLAS/MMQ use
  // fp16 accumulation or int8 tensor paths. Prefill is reported, not threshold-tested.
  // vector_to_tensor_ratio: spec-sheet non-tensor FP32 over dense FP16 tensor rate.
  // int_dot_speedup: llama.cpp's CUDA/HIP/Vulkan quantized GEMV (MMVQ) multiplies 4 int8 pairs
  // per dp4a / v_dot4 instruction (CUDA __dp4a, RDNA v_dot4_i32_i8); Metal has no packed int8 dot.
  // allreduce_latency_s: one all-reduce after attention and one after the MLP per layer; fit on
  // the MI300X TP8 vLLM rows (AMD performance page, OCI blog); NVLink value taken at half of it,
  // checked on NVIDIA TP rows (NIM fp8 TP2 on H100, vLLM CI TP2/TP4 on H200: within 19%).
  // Values as fitted, with backend_params(): median |error| 6.3% over the 132 rows, every row
  // within 35% but the Nov-2024 Arc A770 Vulkan one (+82%; tests/speed_validation_test).
  static const CardClassParams kTable[] = {
      {CardClass::nvidia_hbm, "nvidia-hbm", 0.80, 0.60, 0.068, 4.0, 12e-6, 0.25,
       "bandwidth: fit on H100/A100 vLLM and llama.cpp f16 rows (RRZE read ceiling 95%); "
       "vector/tensor: H100 SXM 67/989 TFLOPS (NVIDIA H100 datasheet), A100 19.5/312"},
      {CardClass::nvidia_gddr, "nvidia-gddr", 0.90, 0.85, 0.5, 4.0, 12e-6, 0.25,
       "bandwidth: fit on XiongjieDai llama.cpp F16 rows (RTX 3090/4080/4090); vector/tensor: "
       "RTX 4090 82.6/165.2 TFLOPS, RTX 3090 35.6/71 (NVIDIA Ada/Ampere whitepapers)"},
      {CardClass::amd_hbm, "amd-hbm", 0.70, 0.45, 0.125, 4.0, 25e-6, 0.30,
       "bandwidth: RRZE gpu-stream MI300X read 4.2 of 5.3 TB/s (79%) less GEMV losses; "
       "vector/tensor: MI300X 163.4/1307.4 TFLOPS (AMD CDNA3 datasheet); all-reduce: fit on AMD "
       "vLLM TP8 latency rows"},
      {CardClass::amd_gddr, "amd-gddr", 0.75, 0.45, 0.5, 4.0, 25e-6, 0.30,
       "bandwidth: W7800 Vulkan f16 GEMV 84% of spec (llama.cpp issue #11559) less end-to-end "
       "losses, fit on RX 7900 XTX / RX 9070 XT rows; vector/tensor: RX 7900 XTX 61.4/122.8 "
       "TFLOPS"},
      {CardClass::apple_soc, "apple-soc", 0.85, 0.70, 1.0, 1.0, 0.0, 0.25,
       "bandwidth: fit on XiongjieDai llama.cpp Metal F16 rows (M1 Max, M2 Ultra, M3 Max); "
       "vector/tensor 1.0: Apple GPUs before M5 have no separate matrix units"},
      {CardClass::apple_soc_m3, "apple-soc-m3", 0.85, 0.70, 1.0, 2.0, 0.0, 0.25,
       "as apple-soc; int_dot_speedup 2: the M3 (G15) and later shader core issues FP32, FP16 and "
       "integer instructions in parallel (Apple tech talk 'Explore GPU advancements in M3 and A17 "
       "Pro', 2023), so the integer unpacking of a dequant GEMV overlaps the float work; checked "
       "on "
       "M3 Max (XiongjieDai) and M4 Pro (llmfit PR #812) Q4_K_M rows"},
      {CardClass::intel_gpu, "intel-gpu", 0.80, 0.40, 0.5, 4.0, 25e-6, 0.35,
       "bandwidth: fit with the llama.cpp Intel step cost on Arc A770 Vulkan (llama.cpp issues "
       "#17628, #20893) and Arc B580 SYCL (ipex-llm issue #12991) Q4_K_M rows, checked on the "
       "Battlemage rows added later (B580 PR #13885, Arc Pro B70 kyuz0 logs); other values as AMD "
       "GDDR, with a wider range"},
      {CardClass::intel_alchemist, "intel-alchemist", 0.80, 0.40, 0.5, 4.0, 25e-6, 0.35,
       "as intel-gpu; its llama.cpp backends set their own shares (backend_params)"},
      // Prefill: the median measured / predicted pp512 of the two Arc 140V rows (SYCL PR #13109,
      // Vulkan lhl/intel-inference) as a share of the 33.5 TFLOPS XMX figure.
      {CardClass::intel_igpu, "intel-igpu", 0.80, 0.17, 0.5, 4.0, 25e-6, 0.35,
       "bandwidth as intel-gpu (the share of the LPDDR5X peak the GPU reads is not separately "
       "measured); prefill fit on the two Arc 140V pp512 rows (SYCL, Vulkan)"},
      // A CPU card's fp16 field is its all-core FP32 SIMD FMA peak (cards.json): llama.cpp's CPU
      // kernels dot int8-quantized activations against the packed weights (ggml-cpu
      // vec_dot_q4_K_q8_K and the repacked Q4_0 GEMMs: AVX2 vpmaddubsw, NEON sdot), four int8
      // products per FP32 lane.
      // Ponte Vecchio under SYCL reads a small share of its HBM2e per token: fit on the two Max
      // 1550 Llama 2 7B Q4_0 rows (PR #12035 73 t/s, PR #13973 74.5 t/s, reorder on in both);
      // one card's rows, so an estimate for other data-centre Xe parts.
      {CardClass::intel_hbm, "intel-hbm", 0.113, 0.044, 0.5, 4.0, 25e-6, 0.40,
       "fit on the two Max 1550 SYCL rows (PR #12035, #13973): bandwidth and prefill shares"},
      {CardClass::cpu, "cpu", 0.65, 0.80, 1.0, 4.0, 0.0, 0.40,
       "fit on the CPU-backend rows (Core i5-4278U, EPYC 9274F, Snapdragon 8cx Gen 3, Cix CP8180, "
       "Ryzen AI 5 340; geerlingguy/ai-benchmarks #33 #51 #53 #54, r/LocalLLaMA 1ghvwsj): "
       "bandwidth share of channels x MT/s and prefill share of the SIMD peak, both as a group"},
      {CardClass::other, "other", 0.70, 0.40, 0.5, 1.0, 25e-6, 0.40,
       "no validation rows: conservative defaults with a wide range"},
  };
  for (const auto& p : kTable)
    if (p.card_class == card_class) return p;
  return kTable[11];
}

const StreamReadParams& stream_read_params(CardClass card_class) {
  // Measured streaming reads (CUDA/HIP; a read kernel's DRAM share is the memory system's, and a
  // Vulkan read reaches the same on these parts: llama.cpp's Vulkan f16 GEMV on an RTX 4070 reached
  // 93-95%, PR #10991 / #11595). Classes without a published read use the median of the measured
  // four, and say so.
  static const StreamReadParams kNvidiaHbm{
      0.91, "median of RRZE gpu-benches reads: H100 PCIe 95% (gpu-stream/h100_pcie.txt), A100 40GB "
            "96% and A100 80GB 87% (gpu-stream/a100_40.txt, a100_80.txt), H200 81% "
            "(gpu-l2-cache/h200.txt)"};
  static const StreamReadParams kNvidiaGddr{
      0.96, "L40 read 98% (RRZE gpu-benches gpu-stream/l40.txt), RTX 3090 Ti CUDA bf16 GEMV 95% "
            "(llama.cpp PR #15131)"};
  static const StreamReadParams kAmdHbm{
      0.79, "MI300X read 4.2 of 5.3 TB/s (RRZE gpu-benches gpu-stream/mi300x.txt)"};
  static const StreamReadParams kAmdGddr{
      0.84, "Radeon PRO W7800 Vulkan f16 GEMV 486 of 576 GB/s (llama.cpp issue #11559)"};
  static const StreamReadParams kUnmeasured{
      0.875, "no published streaming read for this class: the median of the four measured "
             "classes (0.79, 0.84, 0.91, 0.96), an estimate"};
  switch (card_class) {
    case CardClass::nvidia_hbm: return kNvidiaHbm;
    case CardClass::nvidia_gddr: return kNvidiaGddr;
    case CardClass::amd_hbm: return kAmdHbm;
    case CardClass::amd_gddr: return kAmdGddr;
    default: return kUnmeasured;
  }
}

double bench_card_factor(const Card& card, double read_bytes_per_s) {
  const double usual =
      stream_read_params(classify_card(card)).fraction * card.bandwidth_bytes_per_s;
  return usual > 0 ? read_bytes_per_s / usual : 1.0;
}

const StepCostParams& step_cost_params(RuntimeId runtime, CardClass card_class) {
  // per_layer_s: kernel launch and small-op time per layer per step: the intercept of time per
  // token against bytes read on the batch-1 rows of each runtime family (XiongjieDai F16 vs Q4
  // pairs: ~3 ms per token at 32 layers on GeForce; ~5 ms on RunPod A100/H100 with Dec 2023
  // llama.cpp; ~4 ms on Apple Metal).
  // per_sequence_s: the growth of vLLM's step time with running sequences beyond the memory and
  // compute terms: H100 conc 1 -> 16 (+4.5 ms), RTX 4090 Mistral conc 4 -> 48, MI300X TP8 batch
  // 1 -> 4 all give 0.3-0.4 ms per sequence (sampling, scheduling, attention launches).
  // llama.cpp's value is an estimate (no batched llama.cpp rows in the set).
  // per_gpu_hop_s: XiongjieDai llama.cpp Llama-3-8B Q4_K_M, 1x vs 2x RTX 4090: 7.66 -> 8.02
  // ms/token. prefill_chunk_tokens: llama.cpp default ubatch 512 (llama-bench README); vLLM V1
  // default max_num_batched_tokens 8192 for online serving (vLLM engine args docs).
  static const StepCostParams kLlamaCudaGddr{
      0.3e-3, 80e-6, 0.1e-3, 0.36e-3, 512, "llama.cpp CUDA, GeForce/RTX: fit on XiongjieDai rows"};
  static const StepCostParams kLlamaCudaHbm{
      0.3e-3,  150e-6, 0.1e-3,
      0.36e-3, 512,    "llama.cpp CUDA, A100/H100: fit on XiongjieDai Dec 2023 rows"};
  static const StepCostParams kLlamaMetal{
      0.3e-3, 120e-6, 0.1e-3, 0.36e-3, 512, "llama.cpp Metal: fit on XiongjieDai Apple rows"};
  // Intel Arc (Vulkan / SYCL): per-layer cost fit on the A770 Vulkan dense 8B and 2x A770
  // Qwen3-30B-A3B rows together with the B580 SYCL 7B row (issues #17628, #20893, ipex-llm #12991):
  // Alchemist's Vulkan path spends ~0.13 ms per layer beyond the weight reads.
  static const StepCostParams kLlamaIntel{
      0.3e-3,  130e-6, 0.1e-3,
      0.36e-3, 512,    "llama.cpp Vulkan/SYCL on Intel Arc: fit on A770 / B580 rows"};
  // Battlemage: the median per-layer remainder (step time less the weight reads at the class
  // bandwidth) of its four dense rows: B580 SYCL Llama 2 7B (PR #13885) 139 us, B580 SYCL Qwen2
  // 7B (ipex-llm #12991) 69 us, Arc Pro B70 SYCL 39 us and Vulkan 103 us (kyuz0 logs).
  static const StepCostParams kLlamaIntelXe2{
      0.3e-3,  90e-6, 0.1e-3,
      0.36e-3, 512,   "llama.cpp SYCL/Vulkan on Intel Battlemage: fit on B580 / Arc Pro B70 rows"};
  // Lunar Lake's iGPU spends ~0.6 ms (SYCL, Llama 2 7B, PR #13109) and ~1.0 ms (Vulkan, Llama 3.2
  // 1B, lhl/intel-inference) per layer beyond its weight reads; one value for both.
  static const StepCostParams kLlamaIntelIgpu{
      0.3e-3,  750e-6, 0.1e-3,
      0.36e-3, 512,    "llama.cpp SYCL/Vulkan on the Arc 140V iGPU: fit on its two rows"};
  static const StepCostParams kLlamaAmd{
      0.3e-3,  40e-6, 0.1e-3,
      0.36e-3, 512,   "llama.cpp ROCm/Vulkan: fit on RX 7900 XTX / RX 9070 XT rows"};
  // llama.cpp's CPU backend: every graph node ends in a barrier across the worker threads, so a
  // layer's ~15 small ops cost tens of microseconds each on top of the weight reads.
  static const StepCostParams kLlamaCpu{0.3e-3,
                                        400e-6,
                                        0.1e-3,
                                        0.0,
                                        512,
                                        "llama.cpp CPU backend: per-layer cost fit on the CPU rows "
                                        "(TinyLlama / Llama 3.2 3B / Llama 2 "
                                        "7B)"};
  static const StepCostParams kServing{
      0.8e-3, 15e-6, 0.3e-3,
      0.0,    8192,  "vLLM/SGLang/TRT-LLM/TGI with CUDA graphs: fit on vLLM rows"};
  // Eager PyTorch as transformers' generate() runs it: host work per step, the GPU runs behind it
  // (speed/model.cpp takes the longer). 0.75 ms a decoder layer and 0.05 ms a sequence, fit
  // with the rest of the eager figures on the 44 batch-1 and batch-8 bnb045-* rows of
  // tests/data/transformers_validation.json (bitsandbytes' own v0.45 benchmark: T4, RTX 4090,
  // H100; its optimum-* rows are a held-out check), where the H100 runs are host-bound:
  // Llama-3.1-8B bf16 24.4 ms a token (32 layers), Qwen2.5-32B 50.8 ms (64 layers), both flat from
  // batch 1 to 32. Median |error| over those rows for 0.65/0.70/0.75/0.80/0.85 ms a
  // layer: 11.9/9.3/5.7/6.8/9.3%; per sequence 0/0.05/0.1 ms: 5.9/5.7/5.9%; nothing per step beyond
  // the layers' (one figure fewer).
  static const StepCostParams kEager{
      0.0,
      0.75e-3,
      0.05e-3,
      0.0,
      4096,
      "transformers eager generate(): host-bound per-layer work, fit on "
      "bitsandbytes v0.45 benchmark rows (transformers_validation.json)"};
  switch (runtime) {
    case RuntimeId::llamacpp:
    case RuntimeId::ollama:
      if (card_class == CardClass::cpu) return kLlamaCpu;
      if (card_class == CardClass::apple_soc || card_class == CardClass::apple_soc_m3)
        return kLlamaMetal;
      if (card_class == CardClass::intel_alchemist) return kLlamaIntel;
      if (card_class == CardClass::intel_gpu) return kLlamaIntelXe2;
      if (card_class == CardClass::intel_igpu) return kLlamaIntelIgpu;
      if (card_class == CardClass::intel_hbm) return kLlamaIntelXe2;
      if (card_class == CardClass::nvidia_gddr) return kLlamaCudaGddr;
      if (card_class == CardClass::nvidia_hbm) return kLlamaCudaHbm;
      return kLlamaAmd;
    case RuntimeId::transformers:
      return kEager;
    case RuntimeId::vllm:
    case RuntimeId::sglang:
    case RuntimeId::trtllm:
    case RuntimeId::tgi:
      break;
  }
  return kServing;
}

const FormatParams& format_params(DType weight_dtype) {
  // Vector ops to unpack one weight in a dequant-fused GEMV (bit extraction, scale, min, convert).
  // Fit on llama.cpp Metal rows of M1 Max / M3 Max, where the dequant work is the bottleneck
  // (Q4_K_M runs 1.9x faster than F16 there against 3.3x fewer bytes; XiongjieDai README).
  static const FormatParams kKQuant{30.0,
                                    "k-quants (q2_k..q6_k): fit on XiongjieDai Apple Q4_K_M rows"};
  static const FormatParams kLegacy{
      20.0, "q4_0/q4_1/q5_x/iq4_nl: one scale per 32; fit on Llama 2 Q4_0 rows"};
  static const FormatParams kQ8{
      12.0, "q8_0: one scale per 32, no bit unpacking (estimate, half of q4_0)"};
  static const FormatParams kIQuant{40.0,
                                    "i-quants: grid lookups, costlier than k-quants (estimate)"};
  static const FormatParams kGroupInt4{16.0, "AWQ/GPTQ int4 g128 (Marlin-style kernels): estimate"};
  static const FormatParams kSmallFloat{
      8.0, "fp8/mxfp4/nf4 weight-only: table or convert per weight (estimate)"};
  static const FormatParams kNone{0.0, "stored weights used directly"};
  switch (weight_dtype) {
    case DType::q2_k:
    case DType::q3_k:
    case DType::q4_k:
    case DType::q5_k:
    case DType::q6_k:
    case DType::q8_k:
      return kKQuant;
    case DType::q4_0:
    case DType::q4_1:
    case DType::q5_0:
    case DType::q5_1:
    case DType::iq4_nl:
      return kLegacy;
    case DType::q8_0:
    case DType::q8_1:
      return kQ8;
    case DType::iq2_xxs:
    case DType::iq2_xs:
    case DType::iq2_s:
    case DType::iq3_xxs:
    case DType::iq3_s:
    case DType::iq1_s:
    case DType::iq1_m:
    case DType::iq4_xs:
    case DType::tq1_0:
    case DType::tq2_0:
      return kIQuant;
    case DType::int4_awq_g128:
    case DType::int4_awq_g64:
    case DType::int4_gptq_g128:
    case DType::int4_gptq_g32:
      return kGroupInt4;
    case DType::fp8_e4m3:
    case DType::fp8_e5m2:
    case DType::fp8_e4m3_rowwise:
    case DType::fp8_e4m3_block128:
    case DType::mxfp4:
    case DType::nf4:
    case DType::nf4_dq:
    case DType::int8_rowwise:
      return kSmallFloat;
    default:
      return kNone;
  }
}

const LinearKernelParams& linear_kernel_params(LinearKernels kernels, DType weight_dtype) {
  // bitsandbytes layers per linear per step, host side, on the eager host of kEager, fit on
  // tests/data/transformers_validation.json (bitsandbytes 0.45.0; batch 1 and 8) with it:
  // - LLM.int8() at threshold 6.0 (transformers' load_in_8bit default): int8 row quantization of
  //   the activations, outlier columns found with torch.argwhere (a device-to-host sync every
  //   layer), the int8 GEMM, its dequantization, and a 16-bit GEMM of the outlier columns. 275 us
  //   (200/225/250/275/300/325 us: median |error| 7.2/6.9/5.7/5.7/5.9/5.6%, worst 55/44/34/26/
  //   26/26%); H100 Llama-3.1-8B 81.7 ms a token against 24.4 in bf16.
  // - NF4 at batch 1 (the 4-bit GEMV, bitsandbytes >= 0.40): 45 us
  // (25/35/45/55: 8.2/5.9/5.7/7.2%).
  // - NF4 with double quant, which dequantizes the absmax first: 70 us (60/70/80: 6.0/5.7/6.3%).
  // Past one token a step, 0.45's matmul_4bit dequantizes each 4-bit weight to 16 bits and runs
  // a 16-bit GEMM (speed/model.cpp dequant_copy_seconds). bitsandbytes 0.50 (2026-05, PR #1949
  // "New 4bit GEMM kernels for inference", #1953 "Reduce Python CPU overhead") replaced both
  // 4-bit paths; no end-to-end figures of it are published, so these describe 0.45.
  // LLM.int8()'s argwhere waits on the GPU, so no runtime can capture it in a CUDA graph: vLLM
  // turns CUDA graphs off for it ("CUDA graph is not supported on BitsAndBytes 8bit yet, fallback
  // to the eager mode", vllm/config/model.py _verify_bnb_config) and pays these host ops too. The
  // 4-bit layers are one custom op in vLLM (apply_bnb_4bit) that its graphs replay.
  static const LinearKernelParams kInt8{
      275e-6, false, true,
      "bitsandbytes LLM.int8() (threshold 6.0): fit on bitsandbytes 0.45 rows"};
  static const LinearKernelParams kNf4{
      45e-6, true, false,
      "bitsandbytes NF4 (4-bit GEMV at batch 1): fit on bitsandbytes 0.45 rows"};
  static const LinearKernelParams kNf4Dq{
      70e-6, true, false, "bitsandbytes NF4 + double quant: fit on bitsandbytes 0.45 rows"};
  static const LinearKernelParams kNone{0.0, false, false, "the runtime's own kernels"};
  if (kernels != LinearKernels::bitsandbytes) return kNone;
  switch (weight_dtype) {
    case DType::int8_rowwise:
      return kInt8;
    case DType::nf4:
      return kNf4;
    case DType::nf4_dq:
      return kNf4Dq;
    default:
      return kNone;
  }
}

HostCpu guess_host_cpu(const Card& card) {
  // Workstation cards sit in towers, laptops and SoCs (Apple M-series, Strix Halo) carry the
  // same class of fast client cores as a desktop's.
  if (card.segment == "consumer" || card.segment == "workstation" || card.segment == "laptop" ||
      card.segment == "soc")
    return HostCpu::desktop;
  // Turing and Volta datacenter cards sit in older, slower-clocked servers (the T4 of Colab and
  // the g4dn / n1 cloud instances).
  const bool older = card.architecture == "Turing" || card.architecture == "Volta" ||
                     card.architecture == "Pascal";
  return card.segment == "datacenter" && older ? HostCpu::older_server : HostCpu::server;
}

double eager_host_scale(HostCpu cpu) {
  switch (cpu) {
    case HostCpu::desktop:
      // The RTX 4090 rows of the same benchmark issue the same ops in 0.45 of the H100 server's
      // time (Llama-3.1-8B LLM.int8() 44.9 ms a token against 81.7; NF4 14.8 against 33.1): fit
      // with the figures above (0.40/0.45/0.50/0.55/0.60: median |error| 6.1/5.7/6.8/6.1/7.3%).
      // One desktop machine measured.
      return 0.45;
    case HostCpu::older_server:
      // The T4 rows take 1.5x the H100 server's time for every op, 16-bit and bitsandbytes alike
      // (1.0/1.4/1.5/1.6/1.7/1.8: median |error| 7.3/6.1/5.7/6.1/6.6/6.7%, the T4 rows' own
      // 56.2/11.6/5.6/8.4/9.8/13.2%). One such machine measured.
      return 1.5;
    case HostCpu::server:
      break;
  }
  return 1.0;  // the H100 server the per-layer and per-linear figures were fit on
}

const MoeKernelParams& moe_kernel_params(RuntimeId runtime, DType weight_dtype) {
  // Weight-only int4 experts in vLLM/SGLang (Marlin-MoE, moe_wna16): fit on DeepSeek-V3/R1 AWQ
  // rows at TP8, where each GPU holds a 1/8 slice of every expert (gate_up 7168x512, down
  // 256x7168 in int4): vLLM PR #14138 (8x A800, batch 1/8/64: the step time grows by ~5 us
  // per extra expert touched per layer on top of a ~0.2 ms per-layer floor at batch 1; the PR
  // itself is titled "optimize performance of gptq marlin kernel when n is small") and
  // tenstorrent/tt-inference-server issue #356 (8x H100, concurrency 1: 16.1 ms per token
  // against ~4.5 ms of weight reads and fixed costs). Dense (non-MoE) int4 layers keep the
  // dense GEMV path; 16-bit and fp8 fused-MoE kernels are checked against SGLang FP8 DeepSeek-R1
  // rows at concurrency 8-64 (SemiAnalysis InferenceX issue #870) and need no extra term.
  static const MoeKernelParams kInt4Serving{
      0.30, 190e-6,
      "AWQ/GPTQ int4 experts in vLLM/SGLang (Marlin-MoE / moe_wna16): "
      "fit on DeepSeek-V3/R1 AWQ TP8 rows (vLLM PR #14138, tt-inference-server #356)"};
  static const MoeKernelParams kDense{1.0, 0.0, "fused-MoE kernels at the dense GEMV rate"};
  // fp8 block-scaled experts (128x128 weight scales, per-token-group activation quantization
  // before each expert GEMM) in vLLM: a per-MoE-layer floor like the int4 one. 190 us, the least
  // median |error| over the 103 vLLM fp8-block rows of serving_validation.json (DeepSeek-R1 and
  // V3.2 on 8x H200, Qwen3-235B-FP8 on 4x H100 / A100, GLM-5.2; every metric) among
  // 0/20/50/100/150/175/190/200/225/250/300 us: 28.3/27.6/25.2/24.2/24.1/23.2/23.1/23.5/24.4/
  // 24.9/25.8% (rows past 50% 30 -> 25). The bandwidth share stays 1 (0.4-0.8 tried: no better
  // at the best floor), and bf16 experts want none (Triton fused_moe bf16, Qwen3-235B /
  // GLM-4.5-Air: 21.5% at 0, 24.2% at 50 us). It is what brings vLLM's DeepSeek-R1 at 4 users
  // (TPOT 19.1 ms, GPUStack) toward its measurement; which kernel of the path costs it (activation
  // quantization, moe_align, the block-scaled GEMM at small M) is not measured here. SGLang's
  // fp8 DeepSeek-R1 rows at 8-64 users (InferenceX #870, speed_validation.json) need none.
  static const MoeKernelParams kFp8BlockVllm{
      1.0, 190e-6,
      "fp8 block-scaled experts in vLLM: a 190 us floor per MoE layer, fit on its fp8-block rows"};
  const bool serving = runtime == RuntimeId::vllm || runtime == RuntimeId::sglang ||
                       runtime == RuntimeId::trtllm || runtime == RuntimeId::tgi;
  switch (weight_dtype) {
    case DType::int4_awq_g128:
    case DType::int4_awq_g64:
    case DType::int4_gptq_g128:
    case DType::int4_gptq_g32:
      return serving ? kInt4Serving : kDense;
    case DType::fp8_e4m3_block128:
      return runtime == RuntimeId::vllm ? kFp8BlockVllm : kDense;
    default:
      return kDense;
  }
}

bool is_build_month(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return false;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (i != 4 && (text[i] < '0' || text[i] > '9')) return false;
  const int month = (text[5] - '0') * 10 + (text[6] - '0');
  return month >= 1 && month <= 12;
}

const BackendParams& backend_params(Backend backend, CardClass card_class,
                                    std::string_view build_month) {
  // Fits over the llama.cpp rows of tests/data/speed_validation.json, per backend, card class and
  // build era, never per row (each entry names its rows). Decode: the bandwidth share and the
  // per-layer cost together, from rows of one backend that differ in layer count and bytes per
  // token (a 3B model's step is mostly per-layer cost, a 70B's mostly weight reads). Prefill: the
  // median measured / predicted pp512 of the entry's dense rows, as a share of the catalog's
  // fp16 tensor peak; llama.cpp's quantized prefill goes through its own MMQ / dequant + matmul
  // kernels (ROCm: hipBLAS or MMQ; Vulkan: coopmat shaders where the driver has them), which
  // reach far less of that peak than a vendor GEMM. An entry with `before` holds for builds older
  // than that month only; the entry without it is the current build. Combinations without an
  // entry keep the card class's values and are reported as such.
  struct Entry {
    Backend backend;
    CardClass card_class;
    const char* before;  // "YYYY-MM": builds older than this; nullptr: current builds
    BackendParams params;
  };
  constexpr double keep = -1;
  // Arc A770 under Vulkan: one bandwidth share and one prefill share for both build eras (fits in
  // the entries below); builds before 2025 add the dequant cost of their ALU-bound mat-vec shaders.
  constexpr double kAlchemistVulkanBandwidth = 0.60;
  constexpr double kAlchemistVulkanPrefill = 0.036;
  constexpr double kAlchemistVulkan2024Dequant = 44;
  static const Entry kTable[] = {
      // CUDA before June 2024: every kernel launched one by one. CUDA graph capture of the decode
      // graph (llama.cpp PR #6766, May 2024) and the MMVQ rework (PR #7716, June 2024) removed most
      // of the per-layer launch cost; these builds keep the runtime family's 80 / 150 us (fit on
      // the XiongjieDai May-2024 and Dec-2023 rows).
      {Backend::cuda,
       CardClass::nvidia_gddr,
       "2024-06",
       {keep, keep, keep, keep, 0.0,
        "llama.cpp CUDA before CUDA graphs: the XiongjieDai rows' fit"}},
      {Backend::cuda,
       CardClass::nvidia_hbm,
       "2024-06",
       {keep, keep, keep, keep, 0.0,
        "llama.cpp CUDA before CUDA graphs: the XiongjieDai rows' fit"}},
      // Prefill of quantized weights on current builds runs MMQ on int8 mma (PRs #7676 / #7860,
      // June 2024; serving-anchors 4.2): 0.30 of the int8 tensor peak, the median measured /
      // predicted pp512 of the Nov-2024 RTX 3090 / 4090 Q4_0 rows (6073 / 13944 t/s; June 2024's
      // RTX 3090 Q6_K pp2048 gave 0.20, PR #7860). GeForce lists int8 at 4x its fp32-accumulate
      // fp16 figure, data-centre cards at 2x, so the same share gives an H100 half the fp16 share
      // a GeForce card gets. Builds before June 2024 dequantized to fp16 for cuBLAS: the class's
      // fp16 share.
      // Current CUDA builds: the per-layer remainder (step time less the weight reads at the
      // class bandwidth) of the dense rows measured since: RTX 3090 36 us and RTX 4090 26 us
      // (Llama 2 7B Q4_0, b4011, r/LocalLLaMA 1ghvwsj), RTX 3090 20 us (Llama 3 8B Q4_0 at
      // ubatch 1, PR #15802); checked on the RTX 4090 MoE rows (PR #16834). No current HBM row
      // is in the set: the same launch path is assumed there (an estimate).
      {Backend::cuda,
       CardClass::nvidia_gddr,
       nullptr,
       {keep, 26e-6, 0.30, keep, 55e-6,
        "llama.cpp CUDA, current builds (CUDA graphs, int8 MMQ): per-layer cost fit on the "
        "Nov-2024 and Sep-2025 RTX 3090 / 4090 dense rows, prefill on their pp512",
        true}},
      {Backend::cuda,
       CardClass::nvidia_hbm,
       nullptr,
       {keep, 26e-6, 0.30, keep, 55e-6,
        "llama.cpp CUDA, current builds: the GeForce fits, assumed (no current HBM row)", true}},
      // NVIDIA under Vulkan: one command buffer per graph split, no CUDA graphs; the median
      // per-layer remainder of its five rows (RTX 4090 / 2080 Ti / 3060 Llama 3.2 3B, geerlingguy
      // #43 #46 #40; RTX 3090 gpt-oss-20b and Llama 3.1 8B Q8_0, PR #21024).
      {Backend::vulkan,
       CardClass::nvidia_gddr,
       nullptr,
       {keep, 35e-6, keep, keep, 55e-6,
        "llama.cpp Vulkan on GeForce: per-layer cost fit on the 5 NVIDIA Vulkan rows; class "
        "bandwidth and prefill"}},
      // HIP launches one kernel per op (no graph capture on these builds): a larger per-layer
      // cost than Vulkan's one command buffer per graph split, at the class bandwidth.
      {Backend::rocm,
       CardClass::amd_gddr,
       nullptr,
       {0.75, 85e-6, 0.25, keep, 0.0,
        "llama.cpp ROCm on Radeon / Radeon 8060S: fit on the 11 ROCm rows (RX 7900 XTX PR #26284, "
        "issues #20934, ROCm #4868; Strix Halo lhl/strix-halo-testing, geerlingguy #21, "
        "Framework forum): decode median 1.5%; prefill on their 6 dense pp512 rows. The Llama 2 7B "
        "Q4_0 ROCm rows added later check it: 8060S -11%, Nov-2024 W7900 / XTX +17% / +16%"}},
      // RADV/AMDVLK GEMV shaders read closer to the DRAM peak than the HIP MMVQ path
      // (issue #20934: 172 vs 137 t/s on one RX 7900 XTX, same model and build).
      {Backend::vulkan,
       CardClass::amd_gddr,
       nullptr,
       {0.85, 65e-6, 0.21, keep, 0.0,
        "llama.cpp Vulkan on Radeon / Radeon 8060S: fit on the 16 Vulkan rows (RX 7900 XTX, "
        "RX 7900 XT llmfit PR #808, RX 9070 XT VulkanForge, Strix Halo lhl/strix-halo-testing, "
        "issue #22375); prefill on their 8 dense pp512 rows; checked on the later 8060S Llama 2 7B "
        "Q4_0 row (+4%)"}},
      // Alchemist under Vulkan before 2025: the mat-vec shaders of those builds were bound by
      // their dequantization arithmetic on Xe-HPG, not by GDDR6. On one card and build, Q4_0 ran
      // at ~150 GB/s whatever the model size (Llama 2 13B, Mistral Nemo) and Q4_K_S at two thirds
      // of that: the ratio of the two formats' dequant costs (format_params: 30 vs 20 ops per
      // weight), which a bandwidth share cannot give. dequant_scale 44: the median over its 4
      // rows of the scale that matches each (40.6-45.0), i.e. ~6 T dequant ops/s against the
      // class's int-dot vector rate of 275 T/s: a third of the A770's 19.7 TFLOPS fp32 peak
      // (4096 lanes x 2 x 2.4 GHz), as scalar shaders without packed int8 dots would reach.
      // Rows: r/LocalLLaMA 1ghvwsj (b3999, easyfab, Llama 2 7B Q4_0) and PR #10296's 'Before'
      // table (0cc4m, Nov 2024: Llama 3 8B Q4_K_S, Llama 2 13B Q4_0, Mistral Nemo Q4_0).
      // Where it ended is not pinned to a PR: still slow on 2024-12-01 (PR #10597 branch,
      // easyfab, Llama 3 8B Q4_K_M 24.99 t/s: -9% here; not a validation row, a PR branch),
      // fast by b5589 (June 2025, PR #14001 Gemma 2 2B row, +17% on the current entry), with no
      // A770 Vulkan row in between. The Intel-specific mat-vec changes in that window are PR
      // #10665 (two rows per workgroup on Intel, 2024-12-13) and PR #10846 (multi-row k-quants,
      // 2024-12-26): the era ends with 2024. The int-dot mat-vec shaders (PR #14903, Sep 2025)
      // came after the June 2025 row. Bandwidth and prefill: the current entry's (its one pp512
      // row, +130% at that share, is no group to fit an era prefill on).
      {Backend::vulkan,
       CardClass::intel_alchemist,
       "2025-01",
       {kAlchemistVulkanBandwidth, keep, kAlchemistVulkanPrefill, kAlchemistVulkan2024Dequant, 0.0,
        "llama.cpp Vulkan on Arc A770 before 2025 (dequant-bound mat-vec shaders until the Dec "
        "2024 Intel mat-vec PRs #10665 / #10846): dequant cost fit on its 4 rows (r/LocalLLaMA "
        "1ghvwsj b3999 Llama 2 7B Q4_0; PR #10296 'Before': Llama 3 8B Q4_K_S, Llama 2 13B Q4_0, "
        "Mistral Nemo Q4_0)"}},
      // Alchemist under Vulkan: the dense 8B and MoE 30B rows both read well below the class's
      // bandwidth. No KHR_coopmat on Xe-HPG (llama.cpp enables coopmat1 on Intel for Xe2 and
      // later only): prefill runs the scalar / int-dot shaders, the median of its two pp512 rows.
      {Backend::vulkan,
       CardClass::intel_alchemist,
       nullptr,
       {kAlchemistVulkanBandwidth, keep, kAlchemistVulkanPrefill, keep, 0.0,
        "llama.cpp Vulkan on Arc A770: bandwidth fit on the A770 Vulkan rows (issues #17628, "
        "#20893) at the Intel per-layer cost; prefill on its two pp512 rows (2x A770 MoE b7548, "
        "Gemma 2 2B b5589 PR #14001)"}},
      // Alchemist under SYCL: the Q4_0 GEMV without the reorder optimisation (off by default on
      // Xe-HPG, PR #13973) reads about a quarter of the GDDR6 peak; prefill dequantizes to fp16
      // for oneDNN on XMX.
      {Backend::sycl,
       CardClass::intel_alchemist,
       nullptr,
       {0.273, keep, 0.125, keep, 0.0,
        "llama.cpp SYCL on Arc A770: bandwidth and prefill fit on its two Llama 2 7B Q4_0 rows "
        "(Nov 2024 r/LocalLLaMA 1ghvwsj 42.1 t/s, May 2025 PR #13536 29.9 t/s: +-19% either "
        "way)"}},
      {Backend::sycl,
       CardClass::intel_gpu,
       nullptr,
       {keep, 69e-6, 0.25, keep, 0.0,
        "llama.cpp SYCL on Battlemage: class bandwidth; per-layer cost the median remainder of its "
        "3 rows (B580 PR #13885 139 us, B580 ipex-llm #12991 69 us, Arc Pro B70 kyuz0 39 us); "
        "prefill the median share of the same rows' pp512"}},
      {Backend::vulkan,
       CardClass::intel_gpu,
       nullptr,
       {keep, keep, 0.185, keep, 0.0,
        "llama.cpp Vulkan on Battlemage: class decode values; prefill on the Arc Pro B70 pp512 row "
        "(KHR_coopmat, kyuz0 logs)"}},
      // CPU backend: the dot kernels unpack 4-bit weights inside the int8 dot product they feed
      // (one shuffle / mask per 32 weights on AVX2 and NEON), a quarter of the GPU GEMV's
      // per-weight dequant count.
      {Backend::cpu,
       CardClass::cpu,
       nullptr,
       {keep, keep, keep, 0.25, 0.0,
        "llama.cpp CPU backend: dequant share fit with the cpu class on the five CPU rows"}},
  };
  static const BackendParams kKeep{keep, keep, keep, keep, 0.0, "the card class's values"};
  const bool dated = is_build_month(build_month);
  for (const auto& e : kTable) {
    if (e.backend != backend || e.card_class != card_class) continue;
    if (e.before == nullptr) return e.params;
    if (dated && build_month < std::string_view(e.before)) return e.params;
  }
  return kKeep;
}

double host_bandwidth_bytes_per_s(double channels, double mt_per_s, double bus_bytes) {
  // Peak = channels x bus width (8 bytes per DDR4/DDR5 DIMM channel) x transfers per second.
  // kHostStreamEfficiency (0.8): multithreaded streaming reads on desktop DDR4/DDR5 reach most
  // of that peak, a measured copy test 60-80% of it (AlexsJones/llmfit PR #703, which adds write
  // traffic); decode reads only. Derived, not fitted per row.
  return kHostStreamEfficiency * channels * bus_bytes * mt_per_s * 1e6;
}

}  // namespace headroom::speed
