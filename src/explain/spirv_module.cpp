#include "explain/spirv_module.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace qgemv::explain {
namespace {

constexpr std::size_t kHeaderWords = 5;

bool is_terminator(spv::Op op) {
  switch (op) {
    case spv::OpBranch:
    case spv::OpBranchConditional:
    case spv::OpSwitch:
    case spv::OpReturn:
    case spv::OpReturnValue:
    case spv::OpKill:
    case spv::OpUnreachable:
    case spv::OpTerminateInvocation:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::uint32_t Instruction::operand(std::size_t i) const {
  if (i >= operands.size()) {
    throw std::out_of_range(fmt::format("SPIR-V opcode {} has no operand {}", int(opcode), i));
  }
  return operands[i];
}

std::span<const std::uint32_t> Instruction::inputs() const {
  const std::size_t skip = (result_type ? 1 : 0) + (result_id ? 1 : 0);
  return operands.subspan(std::min(skip, operands.size()));
}

const Instruction* Block::merge() const {
  if (instructions.size() < 2) return nullptr;
  const auto* candidate = instructions[instructions.size() - 2];
  const bool is_merge = candidate->opcode == spv::OpLoopMerge || candidate->opcode == spv::OpSelectionMerge;
  return is_merge ? candidate : nullptr;
}

std::string literal_string(std::span<const std::uint32_t> words) {
  std::string out;
  for (const auto word : words) {
    for (int byte = 0; byte < 4; ++byte) {
      const char c = static_cast<char>((word >> (8 * byte)) & 0xFFu);
      if (c == '\0') return out;
      out += c;
    }
  }
  return out;
}

SpirvModule::SpirvModule(std::vector<std::uint32_t> words) : words_(std::move(words)) {
  if (words_.size() < kHeaderWords) throw std::invalid_argument("SPIR-V module shorter than its 5-word header");
  if (words_[0] != spv::MagicNumber) {
    throw std::invalid_argument(fmt::format("not a SPIR-V module (magic {:#010x}, expected {:#010x})", words_[0],
                                            spv::MagicNumber));
  }
  // The instructions first, so the spans and pointers below stay valid.
  for (std::size_t at = kHeaderWords; at < words_.size();) {
    const std::uint32_t count = words_[at] >> spv::WordCountShift;
    if (count == 0 || at + count > words_.size()) {
      throw std::invalid_argument(fmt::format("SPIR-V instruction at word {} has word count {} past the end ({} words)",
                                              at, count, words_.size()));
    }
    Instruction inst{static_cast<spv::Op>(words_[at] & spv::OpCodeMask),
                     std::span<const std::uint32_t>(words_).subspan(at + 1, count - 1), {}, {}};
    bool has_result = false, has_type = false;
    spv::HasResultAndType(inst.opcode, &has_result, &has_type);
    const std::size_t needed = (has_type ? 1 : 0) + (has_result ? 1 : 0);
    if (inst.operands.size() < needed) {
      throw std::invalid_argument(fmt::format("SPIR-V instruction at word {} (opcode {}) lacks its result", at,
                                              int(inst.opcode)));
    }
    if (has_type) inst.result_type = inst.operands[0];
    if (has_result) inst.result_id = inst.operands[has_type ? 1 : 0];
    instructions_.push_back(inst);
    at += count;
  }

  Function* current_function = nullptr;
  Block* current_block = nullptr;
  for (const auto& inst : instructions_) {
    if (inst.result_id) definitions_[*inst.result_id] = &inst;
    switch (inst.opcode) {
      case spv::OpName:
        if (!inst.operands.empty()) names_[inst.operands[0]] = literal_string(inst.operands.subspan(1));
        break;
      case spv::OpDecorate:
        if (!inst.operands.empty()) decorations_.emplace(inst.operands[0], &inst);
        break;
      case spv::OpEntryPoint:
        if (entry_point_ == 0) entry_point_ = inst.operand(1);
        break;
      case spv::OpFunction:
        functions_.push_back(Function{*inst.result_id, {}});
        current_function = &functions_.back();
        break;
      case spv::OpFunctionEnd:
        current_function = nullptr;
        current_block = nullptr;
        break;
      case spv::OpLabel:
        if (current_function == nullptr) throw std::invalid_argument("SPIR-V OpLabel outside a function");
        current_function->blocks.push_back(Block{*inst.result_id, {}});
        current_block = &current_function->blocks.back();
        break;
      default:
        if (current_block != nullptr) {
          current_block->instructions.push_back(&inst);
          if (is_terminator(inst.opcode)) current_block = nullptr;
        }
    }
  }
  for (std::size_t f = 0; f < functions_.size(); ++f) {
    function_index_[functions_[f].id] = f;
    for (std::size_t b = 0; b < functions_[f].blocks.size(); ++b) {
      const auto& block = functions_[f].blocks[b];
      if (block.instructions.empty() || !is_terminator(block.terminator().opcode)) {
        throw std::invalid_argument(fmt::format("SPIR-V block %{} has no terminator", block.label));
      }
      block_index_[block.label] = {f, b};
    }
  }
  if (entry_point_ == 0) throw std::invalid_argument("SPIR-V module has no entry point");
}

const Instruction* SpirvModule::definition(std::uint32_t id) const {
  const auto it = definitions_.find(id);
  return it == definitions_.end() ? nullptr : it->second;
}

const Function* SpirvModule::function(std::uint32_t id) const {
  const auto it = function_index_.find(id);
  return it == function_index_.end() ? nullptr : &functions_[it->second];
}

const Block* SpirvModule::block(std::uint32_t label) const {
  const auto it = block_index_.find(label);
  if (it == block_index_.end()) return nullptr;
  return &functions_[it->second.first].blocks[it->second.second];
}

std::string SpirvModule::name(std::uint32_t id) const {
  const auto it = names_.find(id);
  return it == names_.end() ? std::string() : it->second;
}

std::optional<std::uint32_t> SpirvModule::decoration(std::uint32_t id, spv::Decoration decoration) const {
  const auto [first, last] = decorations_.equal_range(id);
  for (auto it = first; it != last; ++it) {
    const auto& ops = it->second->operands;
    if (ops.size() >= 2 && ops[1] == static_cast<std::uint32_t>(decoration)) {
      return ops.size() >= 3 ? ops[2] : 0u;
    }
  }
  return std::nullopt;
}

std::uint32_t SpirvModule::type_bits(std::uint32_t type_id) const {
  const auto* type = definition(type_id);
  if (type == nullptr) return 0;
  switch (type->opcode) {
    case spv::OpTypeInt:
    case spv::OpTypeFloat:
      return type->operand(1);
    case spv::OpTypeBool:
      return 1;
    case spv::OpTypeVector:
      return type->operand(2) * type_bits(type->operand(1));
    default:
      return 0;
  }
}

std::uint32_t SpirvModule::components(std::uint32_t type_id) const {
  const auto* type = definition(type_id);
  if (type != nullptr && type->opcode == spv::OpTypeVector) return type->operand(2);
  return 1;
}

}  // namespace qgemv::explain
