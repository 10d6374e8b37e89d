// Parsing of a kernel declaration (shaders/<kernel>.kernel.json). cmake/kernels.cmake reads the
// same keys to build the variants; docs/kernels.md describes them.
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "kernels/kernel_table.hpp"

namespace qgemv::kernels {
namespace {

using nlohmann::json;

const std::set<std::string> kKeys = {"name",     "summary",      "role",          "reproduces",       "source",
                                     "compiler", "layout",       "channels_per_workgroup", "dtypes", "storages",
                                     "extension_dtypes", "bindings", "specialization", "tunable", "requires",
                                     "flavours", "defines",      "test_only_twins", "quantization", "default",
                                     "split_k"};

Role parse_role(const std::string& text) {
  if (text == "baseline") return Role::baseline;
  if (text == "reproduced") return Role::reproduced;
  if (text == "tuned") return Role::tuned;
  if (text == "test-only") return Role::test_only;
  throw std::invalid_argument("role \"" + text + "\" is not baseline, reproduced, tuned or test-only");
}

quant::Layout parse_layout(const std::string& text) {
  if (text == "legacy_interleaved") return quant::Layout::legacy_interleaved;
  if (text == "coop_block4x8") return quant::Layout::coop_block4x8;
  if (text == "q4gsw_block4x8") return quant::Layout::q4gsw_block4x8;
  if (text == "coopmat_fragment16") return quant::Layout::coopmat_fragment16;
  throw std::invalid_argument("layout \"" + text +
                              "\" is not legacy_interleaved, coop_block4x8, q4gsw_block4x8 or coopmat_fragment16");
}

quant::Quantization parse_quantization(const std::string& text) {
  if (text == "affine") return quant::Quantization::affine;
  if (text == "symmetric") return quant::Quantization::symmetric;
  throw std::invalid_argument("quantization \"" + text + "\" is not affine or symmetric");
}

DType dtype_of(const std::string& text) {
  if (auto d = parse_dtype(text)) return *d;
  throw std::invalid_argument("unknown dtype \"" + text + "\"");
}

Storage storage_of(const std::string& text) {
  if (auto s = parse_storage(text)) return *s;
  throw std::invalid_argument("unknown storage \"" + text + "\"");
}

std::vector<std::pair<std::string, std::uint32_t>> numbered(const json& object) {
  std::vector<std::pair<std::string, std::uint32_t>> out;
  for (const auto& [key, value] : object.items()) out.emplace_back(key, value.get<std::uint32_t>());
  return out;
}

Requirement parse_requirement(const json& entry) {
  Requirement r{parse_feature(entry.at("feature").get<std::string>()), {}, {}};
  const auto when = entry.value("when", std::string("always"));
  if (when == "always") return r;
  if (auto d = parse_dtype(when)) {
    r.dtype = d;
  } else if (auto s = parse_storage(when)) {
    r.storage = s;
  } else {
    throw std::invalid_argument("\"when\": \"" + when + "\" is not always, a dtype or a storage");
  }
  return r;
}

SplitK parse_split_k(const json& entry) {
  const std::set<std::string> keys = {"until_workgroups", "subgroups", "min_subgroups", "max_subgroups"};
  for (const auto& [key, value] : entry.items()) {
    if (!keys.contains(key)) throw std::invalid_argument("split_k: unknown key \"" + key + "\"");
  }
  SplitK rule{entry.at("until_workgroups").get<std::uint32_t>(), entry.at("subgroups").get<std::uint32_t>(),
              entry.at("min_subgroups").get<std::uint32_t>(), entry.at("max_subgroups").get<std::uint32_t>()};
  for (auto count : {rule.subgroups, rule.min_subgroups, rule.max_subgroups}) {
    if (!std::has_single_bit(count)) throw std::invalid_argument("split_k: subgroup counts are powers of two");
  }
  if (rule.until_workgroups == 0 || rule.min_subgroups > rule.subgroups || rule.subgroups > rule.max_subgroups) {
    throw std::invalid_argument("split_k: until_workgroups > 0 and min_subgroups <= subgroups <= max_subgroups");
  }
  return rule;
}

KernelDesc parse_kernel(const json& doc) {
  for (const auto& [key, value] : doc.items()) {
    if (!kKeys.contains(key)) throw std::invalid_argument("unknown key \"" + key + "\"");
  }
  KernelDesc k;
  k.name = doc.at("name").get<std::string>();
  k.summary = doc.at("summary").get<std::string>();
  k.role = parse_role(doc.at("role").get<std::string>());
  k.reproduces = doc.value("reproduces", std::string());
  k.source = doc.at("source").get<std::string>();
  k.compiler = doc.at("compiler").get<std::string>();
  k.layout = parse_layout(doc.at("layout").get<std::string>());
  k.quantization = parse_quantization(doc.value("quantization", std::string("affine")));
  if ((k.layout == quant::Layout::q4gsw_block4x8) != (k.quantization == quant::Quantization::symmetric))
    throw std::invalid_argument("the q4gsw_block4x8 layout and symmetric quantization go together");
  k.channels_per_workgroup = doc.at("channels_per_workgroup").get<std::uint32_t>();
  for (const auto& d : doc.at("dtypes")) k.dtypes.push_back(dtype_of(d.get<std::string>()));
  for (const auto& s : doc.at("storages")) k.storages.push_back(storage_of(s.get<std::string>()));
  for (const auto& d : doc.value("extension_dtypes", json::array())) k.extension_dtypes.push_back(dtype_of(d.get<std::string>()));
  k.bindings = numbered(doc.at("bindings"));
  for (auto resource : kResources) (void)k.binding(resource);  // every resource needs its binding
  if (doc.contains("split_k")) k.split_k = parse_split_k(doc.at("split_k"));
  const bool scratch =
      std::any_of(k.bindings.begin(), k.bindings.end(), [](const auto& b) { return b.first == kScratch; });
  if (scratch != k.split_k.has_value()) {
    throw std::invalid_argument("a \"scratch\" binding and \"split_k\" go together");
  }
  if (k.bindings.size() != std::size(kResources) + (scratch ? 1 : 0)) {
    throw std::invalid_argument("bindings beyond weights, qparams, input, output (and scratch with split_k)");
  }
  for (const auto& [resource, number] : k.bindings) {
    if (number >= k.bindings.size()) {
      throw std::invalid_argument("binding " + resource + " is not numbered 0 .. bindings - 1");
    }
  }
  k.specialization = numbered(doc.value("specialization", json::object()));
  const bool sized_along_k = std::any_of(k.specialization.begin(), k.specialization.end(),
                                         [](const auto& c) { return c.first == kSubgroupsAlongK; });
  if (k.split_k && !sized_along_k) {
    throw std::invalid_argument("split_k needs the specialization constant " + std::string(kSubgroupsAlongK));
  }
  for (const auto& p : doc.value("tunable", json::array())) k.tunable_parameters.push_back(p.get<std::string>());
  for (const auto& r : doc.value("requires", json::array())) k.requirements.push_back(parse_requirement(r));
  for (const auto& f : doc.value("flavours", json::array())) {
    Flavour flavour{f.at("name").get<std::string>(), {}};
    for (const auto& r : f.value("requires", json::array())) flavour.features.push_back(parse_feature(r.get<std::string>()));
    k.flavours.push_back(std::move(flavour));
  }
  if (k.flavours.empty()) k.flavours.push_back({});
  k.in_default_run = doc.value("default", true);
  k.tunable = !k.tunable_parameters.empty();
  k.test_only = k.role == Role::test_only;
  if (k.role == Role::reproduced && k.reproduces.empty()) throw std::invalid_argument("a reproduced kernel says what it reproduces");
  return k;
}

}  // namespace

std::vector<KernelDesc> parse_declaration(std::string_view text, std::string_view origin) {
  try {
    const auto doc = json::parse(text);
    std::vector<KernelDesc> out{parse_kernel(doc)};
    for (const auto& twin : doc.value("test_only_twins", json::array())) {
      KernelDesc k = out.front();
      k.name = twin.at("name").get<std::string>();
      k.summary = twin.at("summary").get<std::string>() + " (test only)";
      k.role = Role::test_only;
      k.test_only = true;
      k.reproduces.clear();
      // A twin built without a declaration its modules then lack (e.g. coop_tuned's denormal
      // decode without DenormPreserve, for a CPU driver that preserves denormals unasked).
      for (const auto& dropped : twin.value("drops_requirements", json::array())) {
        const auto feature = parse_feature(dropped.get<std::string>());
        for (auto& flavour : k.flavours) std::erase(flavour.features, feature);
        std::erase_if(k.requirements, [&](const Requirement& r) { return r.feature == feature; });
      }
      out.push_back(std::move(k));
    }
    return out;
  } catch (const std::exception& e) {
    throw std::invalid_argument(fmt::format("kernel declaration {}: {}", origin, e.what()));
  }
}

}  // namespace qgemv::kernels
