#include "explain/census.hpp"

#include <spirv/unified1/GLSL.std.450.h>

#include <algorithm>
#include <functional>
#include <numeric>
#include <optional>
#include <set>

namespace qgemv::explain {
namespace {

enum class Role { none, weights, qparams, input, output, shared, local, handle };

// Values of constants and specialization constants (with the given specialization applied), and
// of the few specialization-constant expressions glslang emits for loop bounds and conditions.
class Constants {
 public:
  Constants(const SpirvModule& module, const Specialization& specialization)
      : module_(module), specialization_(specialization) {}

  std::optional<std::int64_t> value(std::uint32_t id, int depth = 0) const {
    const auto* def = module_.definition(id);
    if (def == nullptr || depth > 32) return std::nullopt;
    switch (def->opcode) {
      case spv::OpConstantTrue: return 1;
      case spv::OpConstantFalse: return 0;
      case spv::OpSpecConstantTrue: return specialized(id).value_or(1) != 0;
      case spv::OpSpecConstantFalse: return specialized(id).value_or(0) != 0;
      case spv::OpConstant: return integer(*def, def->operand(2));
      case spv::OpSpecConstant: {
        const auto chosen = specialized(id);
        return integer(*def, chosen ? *chosen : def->operand(2));
      }
      case spv::OpSpecConstantOp: return operation(*def, depth);
      default: return std::nullopt;
    }
  }

 private:
  std::optional<std::uint32_t> specialized(std::uint32_t id) const {
    const auto spec_id = module_.decoration(id, spv::DecorationSpecId);
    if (!spec_id) return std::nullopt;
    const auto it = specialization_.find(*spec_id);
    return it == specialization_.end() ? std::nullopt : std::optional<std::uint32_t>(it->second);
  }

  // Integer constants only (a float constant's bits are no loop bound).
  std::optional<std::int64_t> integer(const Instruction& def, std::uint32_t bits) const {
    const auto* type = module_.definition(*def.result_type);
    if (type == nullptr || type->opcode != spv::OpTypeInt || type->operand(1) > 32) return std::nullopt;
    const bool is_signed = type->operand(2) != 0;
    return is_signed ? std::int64_t(std::int32_t(bits)) : std::int64_t(bits);
  }

  std::optional<std::int64_t> operation(const Instruction& def, int depth) const {
    const auto op = static_cast<spv::Op>(def.operand(2));
    const auto args = def.operands.subspan(3);
    if (op == spv::OpCompositeExtract && args.size() == 2) {
      const auto* composite = module_.definition(args[0]);
      if (composite == nullptr || (composite->opcode != spv::OpSpecConstantComposite &&
                                   composite->opcode != spv::OpConstantComposite)) {
        return std::nullopt;
      }
      const auto parts = composite->inputs();
      return args[1] < parts.size() ? value(parts[args[1]], depth + 1) : std::nullopt;
    }
    std::vector<std::int64_t> v;
    for (const auto a : args) {
      const auto x = value(a, depth + 1);
      if (!x) return std::nullopt;
      v.push_back(*x);
    }
    auto need = [&](std::size_t n) { return v.size() == n; };
    switch (op) {
      case spv::OpIAdd: if (need(2)) return v[0] + v[1]; break;
      case spv::OpISub: if (need(2)) return v[0] - v[1]; break;
      case spv::OpIMul: if (need(2)) return v[0] * v[1]; break;
      case spv::OpUDiv:
      case spv::OpSDiv: if (need(2) && v[1] != 0) return v[0] / v[1]; break;
      case spv::OpUMod: if (need(2) && v[1] != 0) return v[0] % v[1]; break;
      case spv::OpShiftLeftLogical: if (need(2)) return v[0] << v[1]; break;
      case spv::OpShiftRightLogical: if (need(2)) return v[0] >> v[1]; break;
      case spv::OpBitwiseAnd: if (need(2)) return v[0] & v[1]; break;
      case spv::OpBitwiseOr: if (need(2)) return v[0] | v[1]; break;
      case spv::OpIEqual:
      case spv::OpLogicalEqual: if (need(2)) return v[0] == v[1]; break;
      case spv::OpINotEqual:
      case spv::OpLogicalNotEqual: if (need(2)) return v[0] != v[1]; break;
      case spv::OpULessThan:
      case spv::OpSLessThan: if (need(2)) return v[0] < v[1]; break;
      case spv::OpUGreaterThan:
      case spv::OpSGreaterThan: if (need(2)) return v[0] > v[1]; break;
      case spv::OpULessThanEqual:
      case spv::OpSLessThanEqual: if (need(2)) return v[0] <= v[1]; break;
      case spv::OpUGreaterThanEqual:
      case spv::OpSGreaterThanEqual: if (need(2)) return v[0] >= v[1]; break;
      case spv::OpLogicalAnd: if (need(2)) return v[0] && v[1]; break;
      case spv::OpLogicalOr: if (need(2)) return v[0] || v[1]; break;
      case spv::OpLogicalNot: if (need(1)) return !v[0]; break;
      case spv::OpSelect: if (need(3)) return v[0] ? v[1] : v[2]; break;
      default: break;
    }
    return std::nullopt;
  }

  const SpirvModule& module_;
  const Specialization& specialization_;
};

// The variable a pointer, image or sampled image comes from, through access chains and loads.
const Instruction* root_variable(const SpirvModule& module, std::uint32_t id) {
  for (int depth = 0; depth < 64; ++depth) {
    const auto* def = module.definition(id);
    if (def == nullptr) return nullptr;
    switch (def->opcode) {
      case spv::OpVariable: return def;
      case spv::OpAccessChain:
      case spv::OpInBoundsAccessChain:
      case spv::OpPtrAccessChain:
      case spv::OpInBoundsPtrAccessChain:
      case spv::OpCopyObject:
      case spv::OpLoad:
      case spv::OpImage:
      case spv::OpSampledImage:
        if (def->inputs().empty()) return nullptr;
        id = def->inputs()[0];
        break;
      default: return nullptr;
    }
  }
  return nullptr;
}

Role role_of(const SpirvModule& module, const Bindings& bindings, std::uint32_t id) {
  const auto* variable = root_variable(module, id);
  if (variable == nullptr) return Role::none;
  const auto storage = static_cast<spv::StorageClass>(variable->operand(2));
  switch (storage) {
    case spv::StorageClassFunction:
    case spv::StorageClassPrivate: return Role::local;
    case spv::StorageClassWorkgroup: return Role::shared;
    case spv::StorageClassStorageBuffer:
    case spv::StorageClassUniform:
    case spv::StorageClassUniformConstant: {
      const auto binding = module.decoration(*variable->result_id, spv::DecorationBinding);
      if (!binding) return Role::none;
      if (*binding == bindings.weights) return Role::weights;
      if (*binding == bindings.qparams) return Role::qparams;
      if (*binding == bindings.input) return Role::input;
      if (*binding == bindings.output) return Role::output;
      return Role::none;
    }
    default: return Role::none;
  }
}

bool is_handle_type(const SpirvModule& module, std::uint32_t type_id) {
  const auto* type = module.definition(type_id);
  if (type == nullptr) return false;
  return type->opcode == spv::OpTypeImage || type->opcode == spv::OpTypeSampledImage ||
         type->opcode == spv::OpTypeSampler;
}

std::optional<Category> load_category(Role role) {
  switch (role) {
    case Role::weights: return Category::weight_load;
    case Role::input: return Category::x_load;
    case Role::qparams: return Category::qparam_load;
    case Role::shared: return Category::shared_access;
    case Role::local: return Category::local;
    default: return std::nullopt;
  }
}

bool in_range(spv::Op op, spv::Op first, spv::Op last) { return op >= first && op <= last; }

Category arithmetic_category(const SpirvModule& module, const Instruction& inst) {
  switch (inst.opcode) {
    case spv::OpIAdd: case spv::OpISub: case spv::OpIMul: case spv::OpUDiv: case spv::OpSDiv:
    case spv::OpUMod: case spv::OpSMod: case spv::OpSRem: case spv::OpSNegate: case spv::OpIAddCarry:
    case spv::OpISubBorrow: case spv::OpUMulExtended: case spv::OpSMulExtended:
      return Category::int_op;
    case spv::OpShiftRightLogical: case spv::OpShiftRightArithmetic: case spv::OpShiftLeftLogical:
    case spv::OpBitwiseOr: case spv::OpBitwiseXor: case spv::OpBitwiseAnd: case spv::OpNot:
    case spv::OpBitFieldInsert: case spv::OpBitFieldSExtract: case spv::OpBitFieldUExtract:
    case spv::OpBitReverse: case spv::OpBitCount:
      return Category::bit_op;
    case spv::OpConvertFToU: case spv::OpConvertFToS: case spv::OpConvertSToF: case spv::OpConvertUToF:
    case spv::OpUConvert: case spv::OpSConvert: case spv::OpFConvert: case spv::OpQuantizeToF16:
      return Category::conversion;
    case spv::OpBitcast: return Category::bitcast;
    case spv::OpFMul: case spv::OpVectorTimesScalar: return Category::fmul;
    case spv::OpFAdd: case spv::OpFSub: return Category::fadd;
    case spv::OpDot: return Category::fma;
    case spv::OpCooperativeMatrixMulAddNV: return Category::matrix_multiply_add;
    case spv::OpFDiv: case spv::OpFRem: case spv::OpFMod: case spv::OpFNegate: return Category::other_float;
    case spv::OpSelect: case spv::OpAny: case spv::OpAll: case spv::OpIsNan: case spv::OpIsInf:
    case spv::OpLogicalEqual: case spv::OpLogicalNotEqual: case spv::OpLogicalOr: case spv::OpLogicalAnd:
    case spv::OpLogicalNot:
      return Category::compare_select;
    case spv::OpExtInst: {
      const auto* set = module.definition(inst.operand(2));
      const bool glsl = set != nullptr && literal_string(set->operands.subspan(1)) == "GLSL.std.450";
      if (!glsl) return Category::other;
      switch (inst.operand(3)) {
        case GLSLstd450Fma: return Category::fma;
        case GLSLstd450UMin: case GLSLstd450UMax: case GLSLstd450SMin: case GLSLstd450SMax:
        case GLSLstd450SAbs: case GLSLstd450UClamp: case GLSLstd450SClamp:
          return Category::int_op;
        case GLSLstd450FindILsb: case GLSLstd450FindSMsb: case GLSLstd450FindUMsb: return Category::bit_op;
        case GLSLstd450PackHalf2x16: case GLSLstd450UnpackHalf2x16: return Category::conversion;
        default: return Category::other_float;
      }
    }
    default: break;
  }
  if (in_range(inst.opcode, spv::OpIEqual, spv::OpFUnordGreaterThanEqual)) return Category::compare_select;
  (void)module;
  return Category::other;
}

// Instructions that do no work of their own (structure, declarations, debug information).
bool is_free(spv::Op op) {
  switch (op) {
    case spv::OpVariable: case spv::OpBranch: case spv::OpLoopMerge: case spv::OpSelectionMerge:
    case spv::OpReturn: case spv::OpReturnValue: case spv::OpLine: case spv::OpNoLine: case spv::OpNop:
    case spv::OpUndef: case spv::OpPhi: case spv::OpFunctionCall: case spv::OpUnreachable:
      return true;
    default: return false;
  }
}

class Walker {
 public:
  Walker(const SpirvModule& module, const Bindings& bindings, const Constants& constants)
      : module_(module), bindings_(bindings), constants_(constants) {}

  Tally tally;
  std::vector<NestedLoop> nested;
  std::set<std::uint32_t> visited;  // blocks of the walked loop's own function
  bool folded = false;

  // One iteration of the loop whose header is `header`.
  void walk_loop_body(const Block& header) {
    visited.insert(header.label);
    count_block(header, 1.0);
    const std::vector<std::uint32_t> stops = {header.merge()->operand(0), header.label};
    for (const auto next : successors(header.terminator())) walk(next, stops, 1.0, visited);
  }

  std::int64_t trip_count(const Block& header) const;

 private:
  void walk_function(std::uint32_t id, double multiplier) {
    const auto* function = module_.function(id);
    if (function == nullptr || function->blocks.empty() || ++call_depth_ > 32) return;
    std::set<std::uint32_t> seen;
    walk(function->blocks[0].label, {}, multiplier, seen);
    --call_depth_;
  }

  // Loops met on the way, in called functions too, are recorded in `nested`.
  void walk(std::uint32_t label, std::vector<std::uint32_t> stops, double multiplier, std::set<std::uint32_t>& seen) {
    while (true) {
      if (std::find(stops.begin(), stops.end(), label) != stops.end() || !seen.insert(label).second) return;
      const auto* block = module_.block(label);
      if (block == nullptr) return;
      const auto* merge = block->merge();
      if (merge != nullptr && merge->opcode == spv::OpLoopMerge) {
        const auto trips = trip_count(*block);
        nested.push_back({label, trips, (merge->operand(2) & spv::LoopControlUnrollMask) != 0});
        const double inner = multiplier * double(trips > 0 ? trips : 1);
        count_block(*block, inner);
        auto inner_stops = stops;
        inner_stops.push_back(merge->operand(0));
        inner_stops.push_back(label);
        for (const auto next : successors(block->terminator())) walk(next, inner_stops, inner, seen);
        label = merge->operand(0);
        continue;
      }
      count_block(*block, multiplier);
      const auto next = successors(block->terminator());
      if (merge != nullptr) {
        auto inner_stops = stops;
        inner_stops.push_back(merge->operand(0));
        for (const auto n : next) walk(n, inner_stops, multiplier, seen);
        label = merge->operand(0);
        continue;
      }
      if (next.size() == 1) {
        label = next[0];
        continue;
      }
      for (const auto n : next) walk(n, stops, multiplier, seen);
      return;
    }
  }

  std::vector<std::uint32_t> successors(const Instruction& terminator) {
    switch (terminator.opcode) {
      case spv::OpBranch: return {terminator.operand(0)};
      case spv::OpBranchConditional: {
        if (const auto condition = constants_.value(terminator.operand(0))) {
          folded = true;
          return {*condition != 0 ? terminator.operand(1) : terminator.operand(2)};
        }
        return {terminator.operand(1), terminator.operand(2)};
      }
      case spv::OpSwitch: {
        std::vector<std::uint32_t> out = {terminator.operand(1)};
        for (std::size_t i = 3; i < terminator.operands.size(); i += 2) out.push_back(terminator.operands[i]);
        return out;
      }
      default: return {};
    }
  }

  void add(Category category, double amount) { tally[category] += amount; }

  void count_block(const Block& block, double multiplier) {
    for (const auto* inst : block.instructions) count(*inst, multiplier);
  }

  void count_load(Role role, std::uint32_t result_type, double multiplier) {
    const auto category = load_category(role);
    if (!category) {
      add(Category::other, multiplier);
      return;
    }
    add(*category, multiplier);
    const auto bits = module_.type_bits(result_type);
    if (role == Role::weights) tally.weight_load_bits[bits] += multiplier;
    if (role == Role::input) tally.x_load_bits[bits] += multiplier;
    if (role == Role::qparams) tally.qparam_load_bits[bits] += multiplier;
  }

  void count(const Instruction& inst, double multiplier) {
    if (inst.opcode == spv::OpFunctionCall) {
      walk_function(inst.operand(2), multiplier);
      return;
    }
    if (is_free(inst.opcode)) return;
    switch (inst.opcode) {
      case spv::OpLoad: {
        if (is_handle_type(module_, *inst.result_type)) return add(Category::move, multiplier);
        return count_load(role_of(module_, bindings_, inst.operand(2)), *inst.result_type, multiplier);
      }
      case spv::OpStore: {
        const auto role = role_of(module_, bindings_, inst.operand(0));
        if (role == Role::output) return add(Category::output_store, multiplier);
        if (role == Role::shared) return add(Category::shared_access, multiplier);
        if (role == Role::local) return add(Category::local, multiplier);
        return add(Category::other, multiplier);
      }
      case spv::OpImageFetch:
      case spv::OpImageRead:
      case spv::OpImageSampleExplicitLod:
      case spv::OpImageSampleImplicitLod:
      case spv::OpImageGather:
        return count_load(role_of(module_, bindings_, inst.operand(2)), *inst.result_type, multiplier);
      case spv::OpImageWrite: {
        const bool output = role_of(module_, bindings_, inst.operand(0)) == Role::output;
        return add(output ? Category::output_store : Category::other, multiplier);
      }
      case spv::OpAccessChain:
      case spv::OpInBoundsAccessChain:
      case spv::OpPtrAccessChain:
      case spv::OpInBoundsPtrAccessChain: {
        const auto role = role_of(module_, bindings_, inst.operand(2));
        if (role == Role::local) return add(Category::local, multiplier);
        if (role == Role::none) return add(Category::other, multiplier);
        return add(Category::address, multiplier);
      }
      case spv::OpControlBarrier:
      case spv::OpMemoryBarrier: return add(Category::barrier, multiplier);
      case spv::OpBranchConditional:
      case spv::OpSwitch: return add(Category::branch, multiplier);
      case spv::OpCompositeConstruct: case spv::OpCompositeExtract: case spv::OpCompositeInsert:
      case spv::OpVectorShuffle: case spv::OpCopyObject: case spv::OpVectorExtractDynamic:
      case spv::OpVectorInsertDynamic: case spv::OpImage: case spv::OpSampledImage: case spv::OpCopyLogical:
        return add(Category::move, multiplier);
      default: break;
    }
    if (in_range(inst.opcode, spv::OpGroupNonUniformElect, spv::OpGroupNonUniformQuadSwap)) {
      return add(Category::subgroup, multiplier);
    }
    const auto category = arithmetic_category(module_, inst);
    const double lanes = inst.result_type ? double(module_.components(*inst.result_type)) : 1.0;
    const bool per_lane = category != Category::other;
    add(category, multiplier * (per_lane ? lanes : 1.0));
  }

  const SpirvModule& module_;
  const Bindings& bindings_;
  const Constants& constants_;
  int call_depth_ = 0;
};

// Blocks that branch to `label`.
std::vector<const Block*> predecessors(const SpirvModule& module, std::uint32_t label) {
  std::vector<const Block*> out;
  for (const auto& function : module.functions()) {
    for (const auto& block : function.blocks) {
      const auto& t = block.terminator();
      const bool targets = (t.opcode == spv::OpBranch && t.operand(0) == label) ||
                           (t.opcode == spv::OpBranchConditional && (t.operand(1) == label || t.operand(2) == label));
      if (targets) out.push_back(&block);
    }
  }
  return out;
}

// The value last stored to `variable` in `block`.
std::optional<std::uint32_t> stored_value(const Block& block, std::uint32_t variable) {
  std::optional<std::uint32_t> value;
  for (const auto* inst : block.instructions) {
    if (inst->opcode == spv::OpStore && inst->operand(0) == variable) value = inst->operand(1);
  }
  return value;
}

struct Step {
  enum class Kind { add, halve } kind = Kind::add;
  std::int64_t amount = 0;
};

// How `next` derives from `current`: current + c, current - c, or current / 2 (>> 1).
std::optional<Step> step_of(const SpirvModule& module, const Constants& constants, std::uint32_t next,
                            const std::function<bool(std::uint32_t)>& is_current) {
  const auto* def = module.definition(next);
  if (def == nullptr || def->inputs().size() != 2) return std::nullopt;
  const auto a = def->inputs()[0], b = def->inputs()[1];
  const auto cb = constants.value(b);
  switch (def->opcode) {
    case spv::OpIAdd:
      if (is_current(a) && cb) return Step{Step::Kind::add, *cb};
      if (is_current(b)) {
        if (const auto ca = constants.value(a)) return Step{Step::Kind::add, *ca};
      }
      return std::nullopt;
    case spv::OpISub:
      if (is_current(a) && cb) return Step{Step::Kind::add, -*cb};
      return std::nullopt;
    case spv::OpUDiv:
      if (is_current(a) && cb && *cb == 2) return Step{Step::Kind::halve, 0};
      return std::nullopt;
    case spv::OpShiftRightLogical:
      if (is_current(a) && cb && *cb == 1) return Step{Step::Kind::halve, 0};
      return std::nullopt;
    default: return std::nullopt;
  }
}

std::int64_t iterations(std::int64_t init, Step step, spv::Op compare, std::int64_t limit) {
  constexpr std::int64_t kMaxTrips = 1 << 20;
  std::int64_t n = 0;
  auto holds = [&](std::int64_t i) {
    switch (compare) {
      case spv::OpULessThan: case spv::OpSLessThan: return i < limit;
      case spv::OpULessThanEqual: case spv::OpSLessThanEqual: return i <= limit;
      case spv::OpUGreaterThan: case spv::OpSGreaterThan: return i > limit;
      case spv::OpUGreaterThanEqual: case spv::OpSGreaterThanEqual: return i >= limit;
      case spv::OpINotEqual: return i != limit;
      default: return false;
    }
  };
  for (std::int64_t i = init; holds(i); ++n) {
    if (n >= kMaxTrips) return 0;
    if (step.kind == Step::Kind::halve) {
      i /= 2;
    } else {
      if (step.amount == 0) return 0;
      i += step.amount;
    }
  }
  return n;
}

}  // namespace

std::int64_t Walker::trip_count(const Block& header) const {
  const auto* merge = header.merge();
  const auto merge_label = merge->operand(0), continue_label = merge->operand(1);
  const Block* test = &header;
  if (header.terminator().opcode == spv::OpBranch) test = module_.block(header.terminator().operand(0));
  if (test == nullptr || test->terminator().opcode != spv::OpBranchConditional) return 0;
  const auto& branch = test->terminator();
  if (branch.operand(2) != merge_label) return 0;  // the loop runs while the condition holds
  const auto* compare = module_.definition(branch.operand(0));
  if (compare == nullptr || compare->inputs().size() != 2) return 0;
  const auto limit = constants_.value(compare->inputs()[1]);
  if (!limit) return 0;
  const auto counter = compare->inputs()[0];
  const auto* counter_def = module_.definition(counter);
  if (counter_def == nullptr) return 0;

  std::optional<std::int64_t> init;
  std::optional<Step> step;
  if (counter_def->opcode == spv::OpLoad) {
    // Unoptimized form: a function variable stored before the loop and in its continue block.
    const auto variable = counter_def->operand(2);
    for (const auto* pred : predecessors(module_, header.label)) {
      if (pred->label == continue_label) continue;
      if (const auto v = stored_value(*pred, variable)) init = constants_.value(*v);
    }
    const auto* continue_block = module_.block(continue_label);
    const auto next = continue_block ? stored_value(*continue_block, variable) : std::nullopt;
    if (next) {
      step = step_of(module_, constants_, *next, [&](std::uint32_t id) {
        const auto* d = module_.definition(id);
        return d != nullptr && d->opcode == spv::OpLoad && d->operand(2) == variable;
      });
    }
  } else if (counter_def->opcode == spv::OpPhi) {
    // SSA form: (value, parent) pairs, the back edge coming from the continue block.
    const auto pairs = counter_def->inputs();
    for (std::size_t i = 0; i + 1 < pairs.size(); i += 2) {
      if (pairs[i + 1] == continue_label) {
        step = step_of(module_, constants_, pairs[i], [&](std::uint32_t id) { return id == counter; });
      } else {
        init = constants_.value(pairs[i]);
      }
    }
  }
  if (!init || !step) return 0;
  return iterations(*init, *step, compare->opcode, *limit);
}

std::string_view to_string(Category category) {
  static constexpr std::array<std::string_view, kCategoryCount> names = {
      "weight_loads", "x_loads",  "qparam_loads", "output_stores", "shared_accesses", "int_ops",  "bit_ops",
      "compare_select", "conversions", "bitcasts", "fma", "matrix_multiply_adds", "fmul", "fadd", "other_float", "address", "barriers",
      "subgroup_ops", "branches", "local_accesses", "moves", "other"};
  return names[static_cast<std::size_t>(category)];
}

Tally Tally::scaled(double factor) const {
  Tally out;
  for (std::size_t i = 0; i < kCategoryCount; ++i) out.counts[i] = counts[i] * factor;
  for (const auto& [bits, n] : weight_load_bits) out.weight_load_bits[bits] = n * factor;
  for (const auto& [bits, n] : x_load_bits) out.x_load_bits[bits] = n * factor;
  for (const auto& [bits, n] : qparam_load_bits) out.qparam_load_bits[bits] = n * factor;
  return out;
}

LoopCensus census_inner_loop(const SpirvModule& module, const Bindings& bindings,
                             const Specialization& specialization) {
  const Constants constants(module, specialization);
  struct Candidate {
    LoopCensus census;
    std::set<std::uint32_t> blocks;
    bool unroll_hint;
    double total;
  };
  std::vector<Candidate> candidates;
  for (const auto& function : module.functions()) {
    for (const auto& block : function.blocks) {
      const auto* merge = block.merge();
      if (merge == nullptr || merge->opcode != spv::OpLoopMerge) continue;
      Walker walker(module, bindings, constants);
      walker.walk_loop_body(block);
      if (walker.tally[Category::weight_load] <= 0) continue;
      Candidate c;
      c.census.found = true;
      c.census.header = block.label;
      c.census.function = module.name(function.id);
      c.census.per_iteration = walker.tally;
      c.census.nested = walker.nested;
      c.census.constant_branches_folded = walker.folded;
      c.blocks = walker.visited;
      c.unroll_hint = (merge->operand(2) & spv::LoopControlUnrollMask) != 0;
      c.total = std::accumulate(walker.tally.counts.begin(), walker.tally.counts.end(), 0.0);
      candidates.push_back(std::move(c));
    }
  }
  // Loops marked [[unroll]] are straight-line code once the driver unrolls them: the inner loop
  // is the innermost of the others, unless every loop reading weights carries the hint.
  const bool any_rolled = std::any_of(candidates.begin(), candidates.end(), [](const auto& c) { return !c.unroll_hint; });
  const Candidate* best = nullptr;
  for (const auto& c : candidates) {
    if (any_rolled && c.unroll_hint) continue;
    const bool holds_another = std::any_of(candidates.begin(), candidates.end(), [&](const Candidate& d) {
      return &d != &c && (!any_rolled || !d.unroll_hint) && c.blocks.count(d.census.header) > 0;
    });
    if (holds_another) continue;
    if (best == nullptr || c.total < best->total) best = &c;
  }
  return best == nullptr ? LoopCensus{} : best->census;
}

ModuleTotals module_totals(const SpirvModule& module) {
  ModuleTotals totals;
  for (const auto& function : module.functions()) {
    for (const auto& block : function.blocks) {
      totals.instructions += static_cast<std::int64_t>(block.instructions.size());
      for (const auto* inst : block.instructions) {
        if (inst->opcode == spv::OpControlBarrier) ++totals.barriers;
        if (inst->opcode == spv::OpLoopMerge) {
          ++totals.loops;
          if (inst->operand(2) & spv::LoopControlUnrollMask) ++totals.unroll_loops;
        }
      }
    }
  }
  return totals;
}

}  // namespace qgemv::explain
