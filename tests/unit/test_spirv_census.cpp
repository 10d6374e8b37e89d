// The SPIR-V reader and the inner-loop census of `explain`, on a small module with known counts
// (tests/shaders/census_probe.comp, compiled by the build) and on the embedded kernels.
#include <gtest/gtest.h>

#include "../support/spirv_file.hpp"
#include "explain/census.hpp"
#include "explain/explain.hpp"
#include "explain/spirv_module.hpp"
#include "kernels/kernel_table.hpp"

namespace qgemv::explain {
namespace {

using testing::read_spirv_words;

TEST(SpirvModule, ReadsHeaderFunctionsNamesAndDecorations) {
  const SpirvModule module(read_spirv_words(QGEMV_CENSUS_PROBE_SPV));
  EXPECT_GE(module.version(), 0x00010300u);  // --target-env vulkan1.1 is SPIR-V 1.3
  ASSERT_EQ(module.functions().size(), 1u);
  EXPECT_EQ(module.name(module.entry_point()), "main");
  int bindings_seen = 0;
  for (const auto& inst : module.instructions()) {
    if (inst.opcode != spv::OpVariable) continue;
    if (const auto binding = module.decoration(*inst.result_id, spv::DecorationBinding)) {
      ++bindings_seen;
      EXPECT_LE(*binding, 3u);
    }
  }
  EXPECT_EQ(bindings_seen, 4);
}

TEST(SpirvModule, RejectsWhatIsNotAModule) {
  EXPECT_THROW(SpirvModule(std::vector<std::uint32_t>{}), std::invalid_argument);
  auto words = read_spirv_words(QGEMV_CENSUS_PROBE_SPV);
  auto bad_magic = words;
  bad_magic[0] = 0x12345678u;
  EXPECT_THROW(SpirvModule{bad_magic}, std::invalid_argument);
  // The first instruction claims more words than the module has.
  auto overlong = words;
  overlong[5] = (0xFFFFu << spv::WordCountShift) | (overlong[5] & spv::OpCodeMask);
  EXPECT_THROW(SpirvModule{overlong}, std::invalid_argument);
  auto zero_count = words;
  zero_count[5] &= spv::OpCodeMask;
  EXPECT_THROW(SpirvModule{zero_count}, std::invalid_argument);
  // Cut in the middle of the first instruction (OpCapability, two words).
  ASSERT_GE(words[5] >> spv::WordCountShift, 2u);
  words.resize(6);
  EXPECT_THROW(SpirvModule{words}, std::invalid_argument);
}

void expect_probe_counts(const LoopCensus& census) {
  ASSERT_TRUE(census.found);
  const auto& t = census.per_iteration;
  EXPECT_EQ(t[Category::weight_load], 1);
  EXPECT_EQ(t.weight_load_bits.at(128), 1);
  EXPECT_EQ(t[Category::x_load], 4);
  EXPECT_EQ(t.x_load_bits.at(32), 4);
  EXPECT_EQ(t[Category::conversion], 4);
  EXPECT_EQ(t[Category::bit_op], 8);  // a shift and an and per weight
  EXPECT_EQ(t[Category::fmul] + t[Category::fma], 4);  // spirv-opt -O fuses them into GLSL.std.450 Fma
  EXPECT_EQ(t[Category::barrier], 0);
  EXPECT_EQ(t[Category::output_store], 0);  // after the loop
}

TEST(Census, CountsTheInnerLoopOfTheProbe) {
  const SpirvModule module(read_spirv_words(QGEMV_CENSUS_PROBE_SPV));
  const auto census = census_inner_loop(module, Bindings{}, {});
  expect_probe_counts(census);
  EXPECT_EQ(census.per_iteration[Category::qparam_load], 0);  // EXTRA_QPARAM_LOAD defaults to 0
  EXPECT_EQ(census.per_iteration[Category::fadd], 4);
  EXPECT_TRUE(census.constant_branches_folded);
  ASSERT_EQ(census.nested.size(), 1u);
  EXPECT_EQ(census.nested[0].trip_count, 4);
  EXPECT_TRUE(census.nested[0].unroll_hint);
  EXPECT_GT(census.per_iteration[Category::local], 0);  // unoptimized: function variables
}

TEST(Census, FollowsSpecializationOfBranchConditions) {
  const SpirvModule module(read_spirv_words(QGEMV_CENSUS_PROBE_SPV));
  const auto census = census_inner_loop(module, Bindings{}, {{0u, 1u}});
  expect_probe_counts(census);
  EXPECT_EQ(census.per_iteration[Category::qparam_load], 1);
  EXPECT_EQ(census.per_iteration[Category::fadd], 5);
}

TEST(Census, ReadsTheOptimizedSsaFormToo) {
  const SpirvModule module(read_spirv_words(QGEMV_CENSUS_PROBE_OPT_SPV));
  const auto census = census_inner_loop(module, Bindings{}, {});
  expect_probe_counts(census);
  EXPECT_EQ(census.per_iteration[Category::local], 0);
}

TEST(Census, BindingNumbersDecideWhatCountsAsWeights) {
  const SpirvModule module(read_spirv_words(QGEMV_CENSUS_PROBE_SPV));
  Bindings swapped;
  swapped.weights = 2;  // x becomes "the weights": 4 loads of 32 bits
  swapped.input = 0;
  const auto census = census_inner_loop(module, swapped, {});
  ASSERT_TRUE(census.found);
  EXPECT_EQ(census.per_iteration[Category::weight_load], 4);
  EXPECT_EQ(census.per_iteration[Category::x_load], 1);
}

// The finding of the ExecuTorch change that introduced coop: legacy reads a weight block with
// several narrow loads where coop reads it with one 128-bit load.
TEST(Census, LegacyLoadsWeightsInNarrowerPiecesThanCoop) {
  for (const auto dtype : {DType::fp32, DType::fp16}) {
    const auto legacy = explain_variant(kernels::find_kernel("legacy"), dtype, Storage::bb);
    const auto coop = explain_variant(kernels::find_kernel("coop"), dtype, Storage::bb);
    ASSERT_TRUE(legacy.census.found && coop.census.found);
    EXPECT_EQ(legacy.per_32_weights[Category::weight_load], 4);
    EXPECT_EQ(legacy.per_32_weights.weight_load_bits.at(32), 4);
    EXPECT_EQ(coop.per_32_weights[Category::weight_load], 1);
    EXPECT_EQ(coop.per_32_weights.weight_load_bits.at(128), 1);
    EXPECT_TRUE(legacy.notes.empty()) << legacy.notes.front();
  }
}

TEST(Census, EveryShippedVariantHasAnInnerLoopWithStatedTripCounts) {
  for (const auto& shipped : kernels::kernel_table()) {
    if (shipped.test_only) continue;
    const auto* kernel = &shipped;
    for (const auto dtype : kernel->dtypes) {
      for (const auto storage : kernel->storages) {
        const auto v = explain_variant(*kernel, dtype, storage);
        ASSERT_TRUE(v.census.found) << v.module;
        for (const auto& loop : v.census.nested) EXPECT_GT(loop.trip_count, 0) << v.module << " %" << loop.header;
        EXPECT_GT(v.per_32_weights[Category::x_load], 0) << v.module;
        const auto& t = v.per_32_weights;
        EXPECT_GT(t[Category::fma] + t[Category::fmul] + t[Category::matrix_multiply_add], 0) << v.module;
      }
    }
  }
}

// A cooperative-matrix product is counted as one, not as arithmetic: coopmat issues one per
// 16 x 16 tile, i.e. 4 per 32 weights of an invocation (8 weights of each tile are its own),
// and scalar fma only in the per-group fold, far below one per weight; coop_tuned no product.
TEST(Census, CountsCooperativeMatrixProducts) {
  int coopmat = 0;
  for (const auto& shipped : kernels::kernel_table()) {
    const auto* kernel = &shipped;
    if (kernel->layout != quant::Layout::coopmat_fragment16) continue;
    ++coopmat;
    const auto v = explain_variant(*kernel, DType::fp32, Storage::bb);
    EXPECT_EQ(v.per_32_weights[Category::matrix_multiply_add], 4.0) << v.module;
    EXPECT_LE(v.per_32_weights[Category::fma], 2.0) << v.module;
  }
  EXPECT_EQ(coopmat, 1);
  const auto tuned = explain_variant(kernels::find_kernel("coop_tuned"), DType::fp32, Storage::bb);
  EXPECT_EQ(tuned.per_32_weights[Category::matrix_multiply_add], 0.0);
}

}  // namespace
}  // namespace qgemv::explain
