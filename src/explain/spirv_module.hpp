#pragma once
// A SPIR-V module read word by word: the header, every instruction, and the lookups the census
// needs (definitions, decorations, names, functions split into blocks). Opcodes come from
// Khronos' spirv.hpp (Debian: spirv-headers), never from hand-typed numbers.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#define SPV_ENABLE_UTILITY_CODE
#include <spirv/unified1/spirv.hpp>

namespace qgemv::explain {

struct Instruction {
  spv::Op opcode;
  std::span<const std::uint32_t> operands;  // the words after the opcode/word-count word
  std::optional<std::uint32_t> result_type;
  std::optional<std::uint32_t> result_id;

  std::uint32_t operand(std::size_t i) const;  // std::out_of_range past the end
  // Operands after the result type and id (the instruction's own inputs).
  std::span<const std::uint32_t> inputs() const;
};

struct Block {
  std::uint32_t label = 0;
  std::vector<const Instruction*> instructions;  // after OpLabel, the terminator last
  const Instruction& terminator() const { return *instructions.back(); }
  const Instruction* merge() const;              // OpLoopMerge / OpSelectionMerge, if any
};

struct Function {
  std::uint32_t id = 0;
  std::vector<Block> blocks;  // in module order; blocks[0] is the entry
};

class SpirvModule {
 public:
  // std::invalid_argument when the words are not a well-formed module.
  explicit SpirvModule(std::vector<std::uint32_t> words);

  std::uint32_t version() const { return words_[1]; }
  std::uint32_t id_bound() const { return words_[3]; }
  const std::vector<Instruction>& instructions() const { return instructions_; }
  const std::vector<Function>& functions() const { return functions_; }

  const Instruction* definition(std::uint32_t id) const;
  const Function* function(std::uint32_t id) const;
  // The block with this label and its function, or nullptr.
  const Block* block(std::uint32_t label) const;
  std::string name(std::uint32_t id) const;  // OpName, "" when none
  // First literal of decoration `decoration` on `id`; an empty optional when not decorated.
  std::optional<std::uint32_t> decoration(std::uint32_t id, spv::Decoration decoration) const;
  // The entry point's function id (the first OpEntryPoint).
  std::uint32_t entry_point() const { return entry_point_; }

  // Bits of one value of a type (scalars, vectors, arrays of fixed length); 0 when unknown.
  std::uint32_t type_bits(std::uint32_t type_id) const;
  // Components of a scalar or vector type (1 for a scalar).
  std::uint32_t components(std::uint32_t type_id) const;

 private:
  std::vector<std::uint32_t> words_;
  std::vector<Instruction> instructions_;
  std::vector<Function> functions_;
  std::map<std::uint32_t, const Instruction*> definitions_;
  std::map<std::uint32_t, std::size_t> function_index_;
  std::map<std::uint32_t, std::pair<std::size_t, std::size_t>> block_index_;
  std::map<std::uint32_t, std::string> names_;
  std::multimap<std::uint32_t, const Instruction*> decorations_;
  std::uint32_t entry_point_ = 0;
};

// The literal string starting at `words` (nul-terminated, packed 4 characters a word).
std::string literal_string(std::span<const std::uint32_t> words);

}  // namespace qgemv::explain
