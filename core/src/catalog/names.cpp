// Names as users type them. Cards: by the words of their names, as typed or as a driver reports
// them ("4090", "NVIDIA GeForce RTX 4090"). Models: by Hugging Face repo names, quantized
// derivatives included ("Qwen/Qwen3-8B-AWQ"). The exact catalog id is always tried first.
#include <algorithm>
#include <limits>
#include <cctype>
#include <iterator>

#include "base/text_match.h"
#include "headroom/catalog.h"
#include "headroom/weight_format.h"

namespace headroom {
namespace {

using Words = std::vector<std::string>;

// Longer than any card or repo name: read no further (the matching is quadratic in places, and
// a request may come from a hostile JSON document).
constexpr std::size_t kMaxNameChars = 200;

// ---- cards -------------------------------------------------------------------------------------

// Vendor and brand words: drivers put them in front ("NVIDIA GeForce RTX 4090", "Tesla T4",
// "Intel(R) Arc(TM) A770 Graphics"); catalog ids leave them out.
constexpr std::string_view kBrandWords[] = {"nvidia", "geforce", "tesla", "amd",
                                            "radeon", "intel",   "apple", "graphics"};

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

bool all_digits(const std::string& word) {
  return !word.empty() && std::all_of(word.begin(), word.end(), is_digit);
}

// Lower-case words, split at every other character and between letters and digits ("RTX4090" ->
// rtx 4090), without parenthesized notes ("(RADV NAVI31)", "(R)", "(38-core GPU, 96 GB)") and,
// unless `keep_brands`, without brand words.
Words card_words(std::string_view text, bool keep_brands) {
  Words words;
  std::string word;
  int depth = 0;
  auto flush = [&] {
    const bool brand =
        std::find(std::begin(kBrandWords), std::end(kBrandWords), word) != std::end(kBrandWords);
    if (!word.empty() && (keep_brands || !brand)) words.push_back(word);
    word.clear();
  };
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '(' || c == ')') {
      flush();
      depth = c == '(' ? depth + 1 : std::max(0, depth - 1);
      continue;
    }
    if (depth > 0) continue;
    if (!std::isalnum(c)) {
      flush();
      continue;
    }
    const char lower = static_cast<char>(std::tolower(c));
    if (!word.empty() && is_digit(word.back()) != is_digit(lower)) flush();
    word.push_back(lower);
  }
  flush();
  return words;
}

// The words without a memory size ("24 gb"): nvidia-smi names most cards without it.
Words without_memory(const Words& words) {
  Words out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i + 1 < words.size() && words[i + 1] == "gb" && all_digits(words[i])) {
      ++i;
      continue;
    }
    out.push_back(words[i]);
  }
  return out;
}

std::string joined(const Words& words) {
  std::string out;
  for (const auto& word : words) out += word;
  return out;
}

bool contains_all(const Words& have, const Words& wanted) {
  return std::all_of(wanted.begin(), wanted.end(), [&](const std::string& word) {
    return std::find(have.begin(), have.end(), word) != have.end();
  });
}

// The ways one card is spelled: its id, its catalog name, the device names drivers report.
struct CardSpellings {
  std::vector<Words> word_lists;        // brand words dropped, for "every word typed is in it"
  std::vector<std::string> keys;        // whole spellings, brand words dropped (id and name)
  std::vector<std::string> alias_keys;  // driver names whole, brand words kept
};

CardSpellings spellings_of(const Card& card) {
  CardSpellings out;
  for (const std::string* text : {&card.id, &card.name}) {
    Words words = card_words(*text, false);
    out.keys.push_back(joined(words));
    out.keys.push_back(joined(without_memory(words)));
    out.word_lists.push_back(std::move(words));
  }
  for (const auto& alias : card.aliases) {
    out.alias_keys.push_back(joined(card_words(alias, true)));
    out.word_lists.push_back(card_words(alias, false));
  }
  return out;
}

std::string id_list(const std::vector<const Card*>& cards) {
  constexpr std::size_t kShown = 8;
  std::string text;
  for (std::size_t i = 0; i < cards.size() && i < kShown; ++i) {
    text += (i ? ", " : "") + cards[i]->id;
  }
  if (cards.size() > kShown) text += ", ... (" + std::to_string(cards.size()) + " in all)";
  return text;
}

// ---- models ------------------------------------------------------------------------------------

// What a repo name's suffix says about its weights: the formats it agrees with, likeliest first.
struct FormatMarker {
  std::string_view suffix;  // lower case, '-' for any of "-_."
  std::vector<std::string> formats;
  bool any_gguf = false;
};

// Suffixes publishers put on quantized derivatives (Qwen "-AWQ", "-GPTQ-Int4", "-FP8"; RedHatAI
// "-FP8-dynamic", "-quantized.w4a16"; unsloth "-bnb-4bit"; "-GGUF" repos of many quants).
const std::vector<FormatMarker>& format_markers() {
  static const std::vector<FormatMarker> kMarkers = {
      {"gguf", {}, true},
      {"awq", {"awq", "awq-g64"}},
      {"gptq-int4", {"gptq", "gptq-g32"}},
      {"gptq", {"gptq", "gptq-g32"}},
      {"quantized-w4a16", {"gptq", "gptq-g32"}},
      {"w4a16", {"gptq", "gptq-g32"}},
      {"fp8-dynamic", {"fp8-channel", "fp8", "fp8-block"}},
      {"fp8", {"fp8", "fp8-channel", "fp8-block"}},
      {"quantized-w8a8", {"int8"}},
      {"w8a8", {"int8"}},
      {"unsloth-bnb-4bit", {"bnb-nf4", "bnb-nf4-nodq"}},
      {"bnb-4bit", {"bnb-nf4", "bnb-nf4-nodq"}},
      {"mxfp4", {"mxfp4", "mxfp4-gguf"}},
      // NVIDIA's ModelOpt releases: "-NVFP4" (nvidia/Qwen3-32B-NVFP4) and the older "-FP4"
      // (nvidia/Llama-3.3-70B-Instruct-FP4, nvidia/DeepSeek-R1-FP4), both NVFP4.
      {"nvfp4", {"nvfp4", "nvfp4-mlp", "nvfp4-experts"}},
      {"fp4", {"nvfp4", "nvfp4-mlp", "nvfp4-experts"}},
      {"bf16", {"bf16", "bf16-gguf"}},
      {"fp16", {"fp16", "f16"}},
  };
  return kMarkers;
}

char fold(char c) {
  return (c == '_' || c == '.') ? '-'
                                : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

std::string folded(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), fold);
  return out;
}

// `name` ends with "<separator><suffix>" (suffix already folded): the length to cut, else 0.
std::size_t suffix_cut(std::string_view name, std::string_view suffix) {
  if (name.size() <= suffix.size() + 1) return 0;
  const std::string tail = folded(name.substr(name.size() - suffix.size() - 1));
  return tail == "-" + std::string(suffix) ? suffix.size() + 1 : 0;
}

// A GGUF quant type at the end of the name ("-Q4_K_M", "-IQ4_XS", "-q8_0"): its catalog id and
// the length to cut. `any_family` also takes the others ("-BF16" in a tag).
std::pair<std::string, std::size_t> quant_suffix(std::string_view name, bool any_family) {
  const std::string lower = folded(name);
  std::size_t end = lower.size();
  for (int parts = 0; parts < 3 && end > 0; ++parts) {  // up to three parts: "q4-k-m"
    const std::size_t dash = lower.rfind('-', end - 1);
    if (dash == std::string::npos) break;
    auto format = find_weight_format(lower.substr(dash + 1));
    if (format && (any_family || format.value()->family == "gguf")) {
      return {format.value()->id, lower.size() - dash};
    }
    end = dash;
  }
  return {"", 0};
}

// Both ends of a repo name: "hf.co/owner/repo:tag", "https://huggingface.co/owner/repo".
struct RepoName {
  std::string owner;
  std::string repo;
  std::string tag;  // llama.cpp -hf and Ollama's "repo:Q4_K_M"
};

RepoName split_repo(std::string_view text) {
  for (std::string_view prefix : {"https://", "http://", "huggingface.co/", "hf.co/"}) {
    if (text.size() > prefix.size() && iequals(text.substr(0, prefix.size()), prefix)) {
      text.remove_prefix(prefix.size());
    }
  }
  RepoName out;
  const std::size_t slash = text.rfind('/');
  if (slash != std::string_view::npos) {
    out.owner = std::string(text.substr(0, slash));
    text.remove_prefix(slash + 1);
  }
  const std::size_t colon = text.rfind(':');
  if (colon != std::string_view::npos && !out.owner.empty()) {
    out.tag = std::string(text.substr(colon + 1));
    text = text.substr(0, colon);
  }
  out.repo = std::string(text);
  return out;
}

// By id, alias or repo; `repo_part` also takes the repo without its owner ("Qwen3-8B").
const CatalogModel* exact_model(const std::vector<CatalogModel>& models, std::string_view name,
                                bool repo_part = true) {
  for (const auto& model : models) {
    if (iequals(model.arch.id, name)) return &model;
    const std::size_t slash = model.hf_repo.rfind('/');
    if (!model.hf_repo.empty() &&
        (iequals(model.hf_repo, name) || (repo_part && slash != std::string::npos &&
                                          iequals(model.hf_repo.substr(slash + 1), name)))) {
      return &model;
    }
    for (const auto& alias : model.aliases) {
      if (iequals(alias, name)) return &model;
    }
  }
  return nullptr;
}

bool ends_with_date(std::string_view name) {  // "-2507": Qwen's dated re-releases
  return name.size() > 5 && name[name.size() - 5] == '-' &&
         std::all_of(name.end() - 4, name.end(), is_digit);
}

// The base model behind a name with its format suffixes cut: as written, without the "Meta-"
// Meta's repos once carried, without a dated "-Instruct-2507" re-release (same architecture),
// without Ollama's "-instruct" tag part. `how` gets what was assumed.
const CatalogModel* base_model(const std::vector<CatalogModel>& models, std::string name,
                               std::string& how) {
  if (const CatalogModel* model = exact_model(models, name)) return model;
  // NVIDIA names each checkpoint by its precision (nvidia/NVIDIA-Nemotron-3-Super-120B-A12B-BF16,
  // -FP8, -NVFP4): with that suffix cut, the catalog's release in another precision has the
  // same architecture.
  for (const char* precision : {"-bf16", "-fp8", "-nvfp4"}) {
    if (const CatalogModel* model = exact_model(models, name + precision)) {
      how = "the same architecture as the catalog's " + model->hf_repo + " checkpoint";
      return model;
    }
  }
  // "Meta-Llama-3.1-70B": the rest of the rules apply to the name without it.
  if (name.size() > 5 && iequals(name.substr(0, 5), "meta-")) {
    if (const CatalogModel* model = base_model(models, name.substr(5), how)) return model;
  }
  if (ends_with_date(name)) {
    std::string undated = name.substr(0, name.size() - 5);
    for (std::string_view variant : {"instruct", "thinking"}) {
      if (const std::size_t cut = suffix_cut(undated, variant)) {
        if (const CatalogModel* model =
                exact_model(models, undated.substr(0, undated.size() - cut))) {
          how = "a dated re-release: same architecture and context window assumed";
          return model;
        }
      }
    }
  }
  if (const std::size_t cut = suffix_cut(name, "instruct")) {
    if (const CatalogModel* model = exact_model(models, name.substr(0, name.size() - cut))) {
      return model;
    }
  }
  // A pretrained checkpoint ("Llama-3.1-8B", "Qwen3-8B-Base", "gemma-3-27b-pt") where the catalog
  // holds its tuned sibling: base and tuned releases share the architecture and the weights'
  // shapes, though a base config may declare a longer context (Qwen2.5-7B: 131072, its Instruct
  // 32768), so the line says so.
  std::string pretrained = name;
  for (std::string_view marker : {"base", "pt"}) {
    if (const std::size_t cut = suffix_cut(pretrained, marker)) {
      pretrained.resize(pretrained.size() - cut);
      if (const CatalogModel* model = exact_model(models, pretrained)) {
        how = "a pretrained checkpoint sized as its post-trained release: same architecture, "
              "that release's context window";
        return model;
      }
      break;
    }
  }
  for (std::string_view tuned : {"-instruct", "-it", "-chat"}) {
    if (const CatalogModel* model = exact_model(models, pretrained + std::string(tuned))) {
      how = "a pretrained checkpoint sized as its post-trained release: same architecture, "
            "that release's context window";
      return model;
    }
  }
  // Mistral's pretrained releases end in their version ("Mixtral-8x7B-v0.1"), the tuned ones
  // put "-Instruct" before it ("Mixtral-8x7B-Instruct-v0.1").
  if (const std::size_t v = name.rfind("-v"); v != std::string::npos && v + 2 < name.size() &&
                                              is_digit(name[v + 2])) {
    const std::string tuned = name.substr(0, v) + "-instruct" + name.substr(v);
    if (const CatalogModel* model = exact_model(models, tuned)) {
      how = "a pretrained checkpoint sized as its post-trained release: same architecture, "
            "that release's context window";
      return model;
    }
  }
  return nullptr;
}

std::vector<NamedKeys> model_keys(const std::vector<CatalogModel>& models) {
  std::vector<NamedKeys> names;
  for (const auto& model : models) {
    NamedKeys entry{model.arch.id, {squeeze(model.arch.id)}};
    const std::size_t slash = model.hf_repo.rfind('/');
    if (slash != std::string::npos) entry.keys.push_back(squeeze(model.hf_repo.substr(slash + 1)));
    for (const auto& alias : model.aliases) entry.keys.push_back(squeeze(alias));
    names.push_back(std::move(entry));
  }
  return names;
}

Error unknown_model(std::string_view text, std::string_view base,
                    const std::vector<CatalogModel>& models) {
  return refused(ErrorCode::unknown_name, "model",
                 "unknown model '" + std::string(text) + "'" +
                     suggest_nearest(squeeze(base), model_keys(models)) +
                     "; `headroom models` lists the catalog, or pass a config.json or .gguf path");
}

}  // namespace

Result<const Card*> Catalog::find_card(std::string_view text) const {
  for (const auto& card : cards) {
    if (iequals(card.id, text)) return &card;
  }
  if (text.size() > kMaxNameChars) {
    return refused(ErrorCode::unknown_name, "card",
                   "unknown card (a name of " + std::to_string(text.size()) +
                       " characters); `headroom cards` lists the catalog");
  }
  const Words words = card_words(text, false);
  const std::string key = joined(words);
  const std::string alias_key = joined(card_words(text, true));
  std::vector<CardSpellings> spellings;
  spellings.reserve(cards.size());
  for (const auto& card : cards) spellings.push_back(spellings_of(card));
  // 1. The whole name, as spelled by the catalog or a driver.
  std::vector<const Card*> whole, every_word;
  for (std::size_t i = 0; i < cards.size() && !key.empty(); ++i) {
    const auto& s = spellings[i];
    if (std::find(s.keys.begin(), s.keys.end(), key) != s.keys.end() ||
        std::find(s.alias_keys.begin(), s.alias_keys.end(), alias_key) != s.alias_keys.end()) {
      whole.push_back(&cards[i]);
    }
  }
  // 2. Every word typed is a word of the card's name ("4090", "h100 pcie").
  if (whole.empty()) {
    for (std::size_t i = 0; i < cards.size() && !words.empty(); ++i) {
      const auto& lists = spellings[i].word_lists;
      if (std::any_of(lists.begin(), lists.end(),
                      [&](const Words& list) { return contains_all(list, words); })) {
        every_word.push_back(&cards[i]);
      }
    }
  }
  // Of several, the one naming nothing more than the words typed, but its brand: "3090" is the
  // RTX 3090, not the 3090 Ti ("3080" stays ambiguous: 10 and 12 GB).
  if (whole.empty() && every_word.size() > 1) {
    auto extra = [&](const Card* card) {  // words of the catalog id beyond those typed
      const Words& id = spellings[static_cast<std::size_t>(card - cards.data())].word_lists.front();
      return contains_all(id, words) ? id.size() - words.size()
                                     : std::numeric_limits<std::size_t>::max();
    };
    std::size_t fewest = std::numeric_limits<std::size_t>::max(), at_fewest = 0;
    const Card* pick = nullptr;
    for (const Card* card : every_word) {
      const std::size_t e = extra(card);
      if (e < fewest) {
        fewest = e;
        at_fewest = 1;
        pick = card;
      } else if (e == fewest) {
        ++at_fewest;
      }
    }
    if (at_fewest == 1 && fewest <= 1) return pick;
  }
  const std::vector<const Card*>& found = whole.empty() ? every_word : whole;
  if (found.size() == 1) return found.front();
  if (found.size() > 1) {
    return refused(ErrorCode::invalid_argument, "card",
                   "card '" + std::string(text) +
                       "' fits several catalog cards: " + id_list(found) + "; name one of them");
  }
  std::vector<NamedKeys> names;
  for (std::size_t i = 0; i < cards.size(); ++i) {
    NamedKeys entry{cards[i].id, spellings[i].keys};
    for (const auto& alias : spellings[i].alias_keys) entry.keys.push_back(alias);
    names.push_back(std::move(entry));
  }
  return refused(ErrorCode::unknown_name, "card",
                 "unknown card '" + std::string(text) + "'" + suggest_nearest(key, names) +
                     "; `headroom cards` lists the catalog");
}

Result<const CatalogModel*> Catalog::find_model(std::string_view id) const {
  // The repo without its owner is for read_model_name, which says what it assumed.
  if (const CatalogModel* model = exact_model(models, id, false)) return model;
  return unknown_model(id, id, models);
}

Result<ModelName> Catalog::read_model_name(std::string_view text) const {
  ModelName out;
  auto exact = find_model(text);
  if (exact) {
    out.model = exact.value();
    // A catalog entry whose vendored config.json lost its quantization_config (aiconfigurator's
    // copy of zai-org/GLM-4.7-FP8 has none) would size a quantized checkpoint as 16-bit: its
    // repository's name says the format, as a derivative's does.
    if (out.model->arch.native_quant.empty() && !out.model->hf_repo.empty()) {
      const std::string repo = split_repo(out.model->hf_repo).repo;
      for (const auto& marker : format_markers()) {
        if (marker.any_gguf || marker.suffix == "bf16" || marker.suffix == "fp16") continue;
        if (suffix_cut(repo, marker.suffix) == 0) continue;
        out.formats = marker.formats;
        out.note = "the catalog's config.json for " + out.model->hf_repo +
                   " carries no quantization_config; its name says " + out.formats.front() +
                   ", so its weights are sized as " + out.formats.front();
        break;
      }
    }
    return out;
  }
  if (text.size() > kMaxNameChars) return exact.error();
  const RepoName repo = split_repo(text);
  std::string base = repo.repo;
  // Format suffixes, outermost first: "-Q4_K_M-GGUF", "-GPTQ-Int4", "-FP8-dynamic".
  const FormatMarker* marker = nullptr;
  std::string quant = repo.tag.empty() ? "" : quant_suffix("-" + repo.tag, true).first;
  for (bool cut = true; cut;) {
    cut = false;
    for (const auto& candidate : format_markers()) {
      if (const std::size_t length = suffix_cut(base, candidate.suffix)) {
        if (marker == nullptr || marker->any_gguf) marker = &candidate;
        base.resize(base.size() - length);
        cut = true;
        break;
      }
    }
    if (!cut) {
      if (auto [id, length] = quant_suffix(base, false); length > 0) {
        if (quant.empty()) quant = id;
        base.resize(base.size() - length);
        cut = true;
      }
    }
  }
  std::string how;
  out.model = base.empty() ? nullptr : base_model(models, base, how);
  if (out.model == nullptr) return unknown_model(text, base.empty() ? text : base, models);
  if (!quant.empty()) {
    out.formats = {quant};
  } else if (marker != nullptr) {
    out.formats = marker->formats;
    out.any_gguf = marker->any_gguf;
    // Qwen's own -FP8 releases are block-scaled: "fine-grained fp8 quantization with block size
    // of 128" (Qwen/Qwen3-8B-FP8 model card; config weight_block_size [128, 128]).
    if (marker->suffix == "fp8" && iequals(repo.owner, "qwen")) {
      out.formats = {"fp8-block", "fp8", "fp8-channel"};
    }
  }
  out.note = "'" + std::string(text) + "' read as model " + out.model->arch.id;
  if (!out.formats.empty()) out.note += " with format " + out.formats.front();
  if (!how.empty()) out.note += " (" + how + ")";
  return out;
}

}  // namespace headroom
