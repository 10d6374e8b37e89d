#pragma once
// Census of a GEMV shader's inner loop: what one iteration of the innermost loop that reads the
// weight binding executes, by category, counted from the SPIR-V. Function calls are counted
// through (as the driver inlines them); a loop nested in the body counts its body times its trip
// count when the module states it (constant or specialization-constant bounds); both sides of a
// branch count unless its condition is a (specialization) constant.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "explain/spirv_module.hpp"

namespace qgemv::explain {

enum class Category {
  weight_load,   // load / texel fetch from the weight binding
  x_load,        // load / texel fetch from the input binding
  qparam_load,   // load from the scales-and-zeros binding
  output_store,  // store / image write to the output binding
  shared_access, // workgroup-memory load or store
  int_op,        // integer add, sub, mul, div, mod, negate
  bit_op,        // shifts, and/or/xor/not, bit-field ops
  compare_select,// comparisons, select, logical ops
  conversion,    // int<->float and width conversions (not bitcasts)
  bitcast,       // reinterpretation, free on GPUs
  fma,           // fused multiply-add (GLSL.std.450 Fma)
  matrix_multiply_add,  // cooperative-matrix product: one per subgroup, a whole tile of multiply-adds
  fmul,
  fadd,          // add and subtract
  other_float,   // divide, negate, min/max and other float math
  address,       // access chains into buffers, images and workgroup memory
  barrier,       // control and memory barriers
  subgroup,      // subgroup operations
  branch,        // conditional branches and switches
  local,         // loads/stores/access chains of function-local variables (registers after the driver)
  move,          // composite construct/extract/insert, shuffles, copies
  other,
};
constexpr std::size_t kCategoryCount = static_cast<std::size_t>(Category::other) + 1;

std::string_view to_string(Category category);

// Binding numbers of the GEMV kernels (shaders/common.glsl).
struct Bindings {
  std::uint32_t weights = 0;
  std::uint32_t qparams = 1;
  std::uint32_t input = 2;
  std::uint32_t output = 3;
};

struct Tally {
  // Instructions for loads, stores, barriers, branches; scalar operations (instructions times
  // vector components) for arithmetic, so a vec4 multiply counts 4.
  std::array<double, kCategoryCount> counts{};
  std::map<std::uint32_t, double> weight_load_bits;  // bits of one load -> loads
  std::map<std::uint32_t, double> x_load_bits;
  std::map<std::uint32_t, double> qparam_load_bits;

  double operator[](Category c) const { return counts[static_cast<std::size_t>(c)]; }
  double& operator[](Category c) { return counts[static_cast<std::size_t>(c)]; }
  Tally scaled(double factor) const;
};

struct NestedLoop {
  std::uint32_t header = 0;
  std::int64_t trip_count = 0;  // 0: not stated by the module (counted once)
  bool unroll_hint = false;     // [[unroll]]: straight-line code once the driver unrolls it
};

struct LoopCensus {
  bool found = false;
  std::uint32_t header = 0;             // label of the inner loop's header block
  std::string function;                 // OpName of the function holding it
  Tally per_iteration;                  // one iteration of the inner loop
  std::vector<NestedLoop> nested;       // loops inside its body, with their trip counts
  bool constant_branches_folded = false;// a branch on a specialization constant took one side only
};

struct ModuleTotals {
  std::int64_t instructions = 0;  // in all function bodies
  std::int64_t loops = 0;
  std::int64_t unroll_loops = 0;
  std::int64_t barriers = 0;      // OpControlBarrier anywhere (static)
};

// Specialization constant values by SpecId; constants not listed keep the module's defaults.
using Specialization = std::map<std::uint32_t, std::uint32_t>;

LoopCensus census_inner_loop(const SpirvModule& module, const Bindings& bindings,
                             const Specialization& specialization);
ModuleTotals module_totals(const SpirvModule& module);

}  // namespace qgemv::explain
