#include "headroom/compare.h"

#include <algorithm>

#include "headroom/weight_format.h"
#include "sizing/internal.h"

namespace headroom {
namespace {

int rank(const CardFit& fit) {
  if (!fit.sized()) return 3;
  switch (fit.report.verdict) {
    case Verdict::fits:
      return 0;
    case Verdict::tight:
      return 1;
    case Verdict::does_not_fit:
      return 2;
  }
  return 3;
}

void run(SizedRun& out, const SizingRequest& request, PreparedWeights* weights = nullptr) {
  auto report = size_cached(request, weights);
  if (report) {
    out.report = std::move(report).value();
  } else {
    out.error = report.error();
  }
}

double total_speed(const CardFit& fit) {
  return fit.sized() && fit.report.speed ? fit.report.speed->decode_tokens_per_s_total : 0.0;
}

// Errors about one card (the card itself, a bench file measured on another) belong to its row.
bool depends_on_card(const Error& error) {
  return error.field == "card" || error.field.rfind("bench", 0) == 0;
}

// Errors about one weight format (the runtime cannot serve it) belong to its row; any other
// (users 0, gpus 0, an unknown card) is about the request and is the same for every format.
bool depends_on_format(const Error& error) {
  return error.field == "quant" || error.field.rfind("weight_format", 0) == 0 ||
         error.field == "model.native_quant";
}

}  // namespace

Result<std::vector<CardFit>> compare_cards(const Catalog& catalog, const SizingRequest& request,
                                           const std::string& vendor,
                                           const MeasuredCards& measured) {
  // The model is checked once here, so the probe and every card's run skip that check (it
  // builds the whole tensor list, a large share of one card's time). A model that fails it
  // goes through the probe's full check, so a request error still comes first, as in size().
  const auto arch_error = validate_arch(request.model);
  PreparedWeights weights;  // the model's tensors in the format: the same on every card
  if (!catalog.cards.empty()) {
    SizingRequest probe = request;
    probe.model_validated = !arch_error;
    probe.with_advice = false;
    probe.with_assumptions = false;  // only its error, if any, is read
    probe.card = catalog.cards.front();
    auto report = size_cached(probe, &weights);
    if (!report && !depends_on_card(report.error())) return report.error();
  }
  if (arch_error) return *arch_error;
  // One request for every card, only its card and bench changed: the model is copied once.
  SizingRequest one = request;
  one.model_validated = true;
  one.with_advice = false;  // the rows carry no advice; it re-runs the model many times over
  one.with_assumptions = false;  // nor assumption lines
  std::vector<CardFit> fits;
  fits.reserve(catalog.cards.size());
  for (const auto& card : catalog.cards) {
    if (!vendor.empty() && card.vendor != vendor) continue;
    one.card = card;
    CardFit fit;
    fit.card = &card;
    // A bench file given with the request belongs to one card; the others use their own.
    one.bench.reset();
    if (const auto it = measured.find(card.id); it != measured.end()) {
      one.bench = it->second;
      fit.measured = true;
    }
    run(fit, one, &weights);
    fits.push_back(std::move(fit));
  }
  std::stable_sort(fits.begin(), fits.end(), [](const CardFit& a, const CardFit& b) {
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    return total_speed(a) > total_speed(b);
  });
  return fits;
}

Result<std::vector<FormatFit>> compare_formats(const SizingRequest& request) {
  std::vector<FormatFit> fits;
  const std::string runtime = runtime_profile(request.runtime).key;
  for (const auto& format : weight_formats()) {
    // Skip formats the runtime cannot load, the fp32 reference and checkpoint-only "native".
    // The NVFP4 MLP/experts-only recipes are published checkpoints; nvfp4 stands for the format.
    // MXFP4 experts are a release format (gpt-oss): listed for the models released in it.
    const bool mxfp4 = format.id == "mxfp4" || format.id == "mxfp4-gguf";
    if (format.id == "native" || format.id == "fp32" ||
        (mxfp4 && request.model.native_quant != "mxfp4") || format.id == "nvfp4-mlp" ||
        format.id == "nvfp4-experts")
      continue;
    if (std::find(format.runtimes.begin(), format.runtimes.end(), runtime) == format.runtimes.end())
      continue;
    // Nor formats whose kernels this card lacks (NVFP4 in SGLang / TensorRT-LLM before Blackwell).
    if (format_refuses_card(format, runtime, request.card, request.model.is_moe())) continue;
    SizingRequest one = request;
    one.with_advice = false;  // the rows carry no advice; it re-runs the model many times over
    one.with_assumptions = false;
    one.weight_format = format.id;
    FormatFit fit;
    fit.format = format.id;
    fit.quality = quality_summary(format);
    run(fit, one);
    // A problem of the request itself (the probe compare_cards runs) is one error, not a table
    // of refused rows; it shows on the first row sized.
    if (!fit.sized() && !depends_on_format(*fit.error)) return *fit.error;
    fits.push_back(std::move(fit));
  }
  if (fits.empty()) {
    return refused(ErrorCode::unsupported, "runtime",
                   std::string("no weight format of the catalog is served by ") + runtime);
  }
  return fits;
}

}  // namespace headroom
