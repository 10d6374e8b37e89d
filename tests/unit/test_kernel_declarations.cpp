// Every built SPIR-V module against the kernel declaration it comes from (shaders/*.kernel.json):
// spirv-cross FILE --reflect (the file first: --reflect takes an optional argument) gives its bindings and specialization constants, spirv-dis its
// capabilities. The declaration is the one source of these facts, so a shader that drifts from
// it (a binding renumbered, a constant id changed, a capability a variant does not declare) fails
// here instead of on some device.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "kernels/kernel_table.hpp"
#include "util/error.hpp"

namespace qgemv {
namespace {

using nlohmann::json;

std::string command_output(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) throw std::runtime_error("cannot run " + command);
  std::string out;
  char buffer[4096];
  while (auto n = std::fread(buffer, 1, sizeof buffer, pipe.get())) out.append(buffer, n);
  return out;
}

std::filesystem::path module_path(const std::string& variant) {
  return std::filesystem::path(QGEMV_SPIRV_DIR) / (variant + ".spv");
}

std::string disassembly(const std::string& variant) {
  return command_output(std::string(QGEMV_SPIRV_DIS) + " " + module_path(variant).string());
}

std::set<std::string> capabilities(const std::string& variant) {
  const auto text = disassembly(variant);
  std::set<std::string> out;
  std::size_t at = 0;
  while ((at = text.find("OpCapability ", at)) != std::string::npos) {
    at += 13;
    out.insert(text.substr(at, text.find('\n', at) - at));
  }
  return out;
}

// spirv-cross's reflection rebuilt from spirv-dis's decorations, for modules Debian 12's
// SPIRV-Cross cannot read (cooperative matrices: "Currently no block to insert opcode"). Only what
// such a module has: storage buffers, specialization constants, a fixed workgroup size.
json reflect_from_disassembly(const std::string& variant) {
  const auto text = disassembly(variant);
  std::map<std::string, json> buffers;   // by variable
  std::set<std::string> restrict_blocks;  // block types whose member is Restrict
  json constants = json::array();
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string op, target, decoration, value;
    words >> op >> target >> decoration >> value;
    if (op == "OpMemberDecorate" && value == "Restrict") restrict_blocks.insert(target.substr(1));
    if (op != "OpDecorate") continue;
    if (decoration == "SpecId") constants.push_back({{"id", std::stoul(value)}});
    if (decoration == "Binding") buffers[target]["binding"] = std::stoul(value);
    if (decoration == "DescriptorSet") buffers[target]["set"] = std::stoi(value);
  }
  json ssbos = json::array();
  for (auto& [name, buffer] : buffers) {
    const std::string declaration = name + " = OpVariable %_ptr_StorageBuffer_";
    const auto at = text.find(declaration);
    EXPECT_NE(at, std::string::npos) << name << " is not a storage buffer";
    if (at == std::string::npos) continue;
    const auto block_at = at + declaration.size();
    buffer["restrict"] = restrict_blocks.contains(text.substr(block_at, text.find(' ', block_at) - block_at));
    ssbos.push_back(buffer);
  }
  const json entry = {{"workgroup_size_is_spec_constant_id", {false, false, false}}};
  return {{"ssbos", ssbos}, {"specialization_constants", constants}, {"entryPoints", {entry}}};
}

json reflect(const std::string& variant) {
  if (capabilities(variant).contains("CooperativeMatrixNV")) return reflect_from_disassembly(variant);
  return json::parse(command_output(std::string(QGEMV_SPIRV_CROSS) + " " + module_path(variant).string() + " --reflect"));
}

std::string_view reflection_list(vk::DescriptorType type) {
  switch (type) {
    case vk::DescriptorType::eStorageBuffer: return "ssbos";
    case vk::DescriptorType::eCombinedImageSampler: return "textures";
    case vk::DescriptorType::eStorageImage: return "images";
    default: return "?";
  }
}

// Calls `check` for every (kernel, dtype, storage, flavour) the declarations build, test-only
// kernels included (this is the test build).
template <typename F>
void for_each_variant(F check) {
  for (const auto& kernel : kernels::kernel_table()) {
    for (auto dtype : kernel.dtypes) {
      for (auto storage : kernel.storages) {
        for (const auto& flavour : kernel.flavours) {
          const auto variant = kernels::variant_name(kernel, dtype, storage, flavour.name);
          SCOPED_TRACE(variant);
          check(kernel, dtype, storage, flavour, variant);
        }
      }
    }
  }
}

TEST(KernelDeclarations, TheTestBuildHasEveryRoleAndTheTestOnlyTwins) {
  std::set<kernels::Role> roles;
  for (const auto& k : kernels::kernel_table()) roles.insert(k.role);
  EXPECT_EQ(roles.size(), 4u);
  EXPECT_EQ(kernels::baseline_kernel().name, "legacy");
  EXPECT_TRUE(kernels::find_kernel("coop_swapped_nibbles").test_only);
}

TEST(KernelDeclarations, EveryDeclaredVariantIsBuiltAndEmbedded) {
  for_each_variant([](const auto&, auto, auto, const auto&, const std::string& variant) {
    EXPECT_TRUE(std::filesystem::exists(module_path(variant)));
    EXPECT_FALSE(kernels::load_spirv(variant).empty());
  });
}

TEST(KernelDeclarations, BindingsMatchTheDeclaration) {
  for_each_variant([](const kernels::KernelDesc& kernel, DType, Storage storage, const auto&, const std::string& variant) {
    const auto reflection = reflect(variant);
    std::set<std::uint32_t> bound;
    for (const auto* list : {"ssbos", "textures", "images"}) {
      for (const auto& r : reflection.value(list, json::array())) {
        EXPECT_EQ(r.at("set").template get<int>(), 0);
        bound.insert(r.at("binding").template get<std::uint32_t>());
        // ExecuTorch's generator declares every resource restrict; ours do too.
        if (std::string_view(list) != "textures") {
          EXPECT_TRUE(r.value("restrict", false)) << list;
        }
      }
    }
    std::set<std::uint32_t> declared;
    for (const auto& [resource, binding] : kernel.bindings) {
      declared.insert(binding);
      const auto list = reflection_list(kernels::descriptor_type(resource, storage));
      bool found = false;
      for (const auto& r : reflection.value(std::string(list), json::array())) found |= r.at("binding") == binding;
      EXPECT_TRUE(found) << resource << " is not a " << list << " entry at binding " << binding;
    }
    EXPECT_EQ(bound, declared);
  });
}

TEST(KernelDeclarations, SpecializationConstantIdsMatchTheDeclaration) {
  for_each_variant([](const kernels::KernelDesc& kernel, DType, Storage, const auto&, const std::string& variant) {
    const auto reflection = reflect(variant);
    std::set<std::uint32_t> in_module;
    for (const auto& c : reflection.value("specialization_constants", json::array())) {
      in_module.insert(c.at("id").template get<std::uint32_t>());
    }
    // A specialised workgroup size is reflected on the entry point, not as a constant.
    const auto& entry = reflection.at("entryPoints").at(0);
    for (int axis = 0; axis < 3; ++axis) {
      if (entry.at("workgroup_size_is_spec_constant_id").at(axis).template get<bool>()) {
        in_module.insert(entry.at("workgroup_size").at(axis).template get<std::uint32_t>());
      }
    }
    std::set<std::uint32_t> declared;
    for (const auto& [name, id] : kernel.specialization) declared.insert(id);
    EXPECT_EQ(in_module, declared);
  });
}

// The group size is specialised as such, or (q4gsw_coop, as ExecuTorch's q4gsw shader) as
// k4_per_group = group size / 4.
TEST(KernelDeclarations, ReproducedKernelsSpecialiseTheGroupSize) {
  int reproduced = 0;
  for_each_variant([&](const kernels::KernelDesc& kernel, DType, Storage, const auto&, const std::string& variant) {
    if (kernel.reproduces.empty()) return;
    ++reproduced;
    const auto declared = std::find_if(kernel.specialization.begin(), kernel.specialization.end(),
                                       [](const auto& c) { return c.first == "group_size" || c.first == "k4_per_group"; });
    ASSERT_NE(declared, kernel.specialization.end());
    bool found = false;
    for (const auto& c : reflect(variant).value("specialization_constants", json::array())) {
      found |= c.at("id").template get<std::uint32_t>() == declared->second;
    }
    EXPECT_TRUE(found) << "no specialization constant with the group size's id " << declared->second;
  });
  EXPECT_GE(reproduced, 18);  // legacy, coop and q4gsw_coop, 2 dtypes x 3 storages each
}

TEST(KernelDeclarations, Q4gswCoopSpecialisesK4PerGroupAtExecuTorchsId) {
  const auto& kernel = kernels::find_kernel("q4gsw_coop");
  EXPECT_EQ(kernel.quantization, quant::Quantization::symmetric);
  EXPECT_EQ(kernel.layout, quant::Layout::q4gsw_block4x8);
  ASSERT_EQ(kernel.specialization.size(), 1u);
  EXPECT_EQ(kernel.specialization.front(), (std::pair<std::string, std::uint32_t>{"k4_per_group", 4}));
  const auto constants =
      kernels::specialization(kernel, kernels::dispatch_for(kernel, kernels::TuneConfig{}), 128);
  ASSERT_EQ(constants.size(), 1u);
  EXPECT_EQ(constants.front().id, 4u);
  EXPECT_EQ(constants.front().value, 32u);  // 128 / 4
  for (const auto& c : reflect("q4gsw_coop.fp32.tt").value("specialization_constants", json::array())) {
    EXPECT_EQ(c.at("id").template get<std::uint32_t>(), 4u);
  }
  EXPECT_TRUE(kernels::is_extension("q4gsw_coop", DType::fp16));
  EXPECT_EQ(kernels::quantization_of("coop"), quant::Quantization::affine);
}

TEST(KernelDeclarations, CapabilitiesAreExactlyTheDeclaredFeatures) {
  for_each_variant([](const kernels::KernelDesc& kernel, DType dtype, Storage storage, const kernels::Flavour& flavour,
                      const std::string& variant) {
    std::set<kernels::Feature> declared(flavour.features.begin(), flavour.features.end());
    for (const auto& r : kernel.requirements) {
      if ((!r.dtype || *r.dtype == dtype) && (!r.storage || *r.storage == storage)) declared.insert(r.feature);
    }
    const auto caps = capabilities(variant);
    for (const auto& f : kernels::feature_infos()) {
      EXPECT_EQ(caps.contains(std::string(f.spirv_capability)), declared.contains(f.feature)) << f.name;
    }
  });
}

TEST(KernelDeclarations, CoopTunedHasAFlavourForEveryVulkan11Device) {
  const auto& tuned = kernels::find_kernel("coop_tuned");
  EXPECT_TRUE(tuned.flavour("shared").features.empty());
  EXPECT_FALSE(capabilities("coop_tuned.fp32.bb.shared").contains("GroupNonUniformArithmetic"));
  EXPECT_TRUE(capabilities("coop_tuned.fp32.bb.subgroup").contains("GroupNonUniformArithmetic"));
}

TEST(KernelDeclarations, MalformedDeclarationsAreRejectedWithTheirOrigin) {
  const std::string good = R"({"name": "x", "summary": "s", "role": "tuned", "source": "x.comp",
      "compiler": "glslc -O", "layout": "coop_block4x8", "channels_per_workgroup": 8, "dtypes": ["fp32"],
      "storages": ["bb"], "bindings": {"weights": 0, "qparams": 1, "input": 2, "output": 3}})";
  EXPECT_EQ(kernels::parse_declaration(good, "x").size(), 1u);
  auto broken = json::parse(good);
  broken["bindings"].erase("output");
  EXPECT_THROW(kernels::parse_declaration(broken.dump(), "x"), std::invalid_argument);
  broken = json::parse(good);
  broken["role"] = "reproduced";  // without "reproduces"
  EXPECT_THROW(kernels::parse_declaration(broken.dump(), "x"), std::invalid_argument);
  broken = json::parse(good);
  broken["quantization"] = "symmetric";  // the coop layout holds zeros
  EXPECT_THROW(kernels::parse_declaration(broken.dump(), "x"), std::invalid_argument);
  broken["layout"] = "q4gsw_block4x8";
  EXPECT_EQ(kernels::parse_declaration(broken.dump(), "x").front().quantization, quant::Quantization::symmetric);
  broken["quantization"] = "asymmetric";
  EXPECT_THROW(kernels::parse_declaration(broken.dump(), "x"), std::invalid_argument);
  broken = json::parse(good);
  broken["requires"] = json::array({{{"feature", "warp_drive"}}});
  try {
    kernels::parse_declaration(broken.dump(), "shaders/x.kernel.json");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("shaders/x.kernel.json"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("warp_drive"), std::string::npos);
  }
}

// A split-K kernel binds its scratch buffer and sizes its workgroup along K; only a split-K
// kernel has the buffer.
TEST(KernelDeclarations, SplitKComesWithTheScratchBindingAndItsConstant) {
  const std::string good = R"({"name": "x", "summary": "s", "role": "tuned", "source": "x.comp",
      "compiler": "glslc -O", "layout": "coop_block4x8", "channels_per_workgroup": 64, "dtypes": ["fp32"],
      "storages": ["bb"], "bindings": {"weights": 0, "qparams": 1, "input": 2, "output": 3, "scratch": 4},
      "specialization": {"subgroups_along_k": 0},
      "split_k": {"until_workgroups": 1024, "subgroups": 8, "min_subgroups": 2, "max_subgroups": 16}})";
  const auto parsed = kernels::parse_declaration(good, "x").front();
  ASSERT_TRUE(parsed.split_k);
  EXPECT_EQ(*parsed.split_k, (kernels::SplitK{1024, 8, 2, 16}));
  EXPECT_EQ(kernels::descriptor_layout(parsed, Storage::bb).at(4), vk::DescriptorType::eStorageBuffer);
  const auto broken_by = [&](auto&& change) {
    auto broken = json::parse(good);
    change(broken);
    return broken.dump();
  };
  EXPECT_THROW(kernels::parse_declaration(broken_by([](json& d) { d.erase("split_k"); }), "x"), std::invalid_argument);
  EXPECT_THROW(kernels::parse_declaration(broken_by([](json& d) { d["bindings"].erase("scratch"); }), "x"),
               std::invalid_argument);
  // A hole in the descriptor layout.
  EXPECT_THROW(kernels::parse_declaration(broken_by([](json& d) { d["bindings"]["scratch"] = 7; }), "x"),
               std::invalid_argument);
  EXPECT_THROW(kernels::parse_declaration(broken_by([](json& d) { d.erase("specialization"); }), "x"),
               std::invalid_argument);
  EXPECT_THROW(kernels::parse_declaration(broken_by([](json& d) { d["split_k"]["until"] = 4; }), "x"),
               std::invalid_argument);
  EXPECT_THROW(kernels::parse_declaration(broken_by([](json& d) { d["split_k"]["subgroups"] = 12; }), "x"),
               std::invalid_argument);
  EXPECT_THROW(kernels::parse_declaration(broken_by([](json& d) { d["split_k"]["max_subgroups"] = 4; }), "x"),
               std::invalid_argument);
}

// coopmat's rule on large.json, llama1b.json and smoke.json (measured on the H200:
// results/README.md, section 12).
TEST(KernelDeclarations, SplitKFillsTheGpuWithoutIdleSubgroups) {
  const auto& coopmat = kernels::find_kernel("coopmat");
  using S = kernels::KSplit;
  EXPECT_EQ(kernels::k_split(coopmat, 128256, 2048, 128), (S{8, 1}));  // 2004 ranges are enough
  EXPECT_EQ(kernels::k_split(coopmat, 28672, 8192, 128), (S{8, 4}));   // 448 ranges: 24 subgroups wanted, 32
  EXPECT_EQ(kernels::k_split(coopmat, 2048, 8192, 128), (S{8, 8}));    // 32 ranges: as many as the 64 groups
  EXPECT_EQ(kernels::k_split(coopmat, 2048, 2048, 128), (S{16, 1}));   // 16 groups fit one workgroup
  EXPECT_EQ(kernels::k_split(coopmat, 512, 2048, 128), (S{16, 1}));
  EXPECT_EQ(kernels::k_split(coopmat, 1, 768, 128), (S{4, 1}));        // 6 groups
  EXPECT_EQ(kernels::k_split(coopmat, 13, 256, 256), (S{2, 1}));       // one group; 64 invocations at least
  EXPECT_EQ(kernels::k_split(kernels::find_kernel("coop"), 64, 8192, 128), (S{1, 1}));
  // A counter per range, then a partial per channel per slice.
  EXPECT_EQ(kernels::scratch_bytes(coopmat, 100, 4), 4u * (2 + 4 * 2 * 64));
}

// Without a shape (explain) a split-K kernel runs at its declared subgroups; a shape sets both.
TEST(KernelDeclarations, SplitKDispatchFollowsTheShape) {
  const auto& coopmat = kernels::find_kernel("coopmat");
  const auto plain = kernels::dispatch_for(coopmat, {});
  EXPECT_EQ(plain.constant("subgroups_along_k"), 8u);
  EXPECT_EQ(plain.k_slices, 1u);
  const auto fitted = kernels::fit_to_shape(coopmat, plain, 2048, 8192, 128);
  EXPECT_EQ(fitted.constant("subgroups_along_k"), 8u);
  EXPECT_EQ(fitted.k_slices, 8u);
  EXPECT_EQ(kernels::fit_to_shape(coopmat, plain, 2048, 2048, 128).constant("subgroups_along_k"), 16u);
  const auto& coop = kernels::find_kernel("coop");
  EXPECT_EQ(kernels::fit_to_shape(coop, kernels::dispatch_for(coop, {}), 2048, 8192, 128),
            kernels::dispatch_for(coop, {}));
}

TEST(KernelDeclarations, FindKernelNeverOffersTestOnlyKernels) {
  try {
    kernels::find_kernel("nope");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()).find("swapped"), std::string::npos) << e.what();
  }
}

TEST(KernelDeclarations, Fp16OfReproducedKernelsIsMarkedAsAnExtension) {
  EXPECT_TRUE(kernels::is_extension("coop", DType::fp16));
  EXPECT_FALSE(kernels::is_extension("coop", DType::fp32));
  EXPECT_FALSE(kernels::is_extension("coop_tuned", DType::fp16));
  EXPECT_NE(kernels::reproduces_of("coop", DType::fp16).find("extension"), std::string::npos);
  EXPECT_NE(kernels::reproduces_of("legacy", DType::fp32).find("ExecuTorch"), std::string::npos);
  EXPECT_TRUE(kernels::reproduces_of("coop_tuned", DType::fp32).empty());
}

}  // namespace
}  // namespace qgemv
