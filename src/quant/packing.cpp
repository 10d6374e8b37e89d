#include "quant/packing.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

#include "quant/fp16.hpp"
#include "util/parallel.hpp"

namespace qgemv::quant {
namespace {

constexpr std::uint8_t kPadCode = 8;  // (8 - 8) * scale + zero with scale = zero = 0: exactly 0

// Splits [0, count) into contiguous ranges, one per thread. Packing lm_head-sized data
// (hundreds of MB) single-threaded would dominate the start-up of a sweep.
template <typename Fn>
void parallel_ranges(std::int64_t count, std::int64_t min_per_thread, Fn fn) {
  const auto hardware = static_cast<std::int64_t>(std::max(1u, std::thread::hardware_concurrency()));
  const std::int64_t threads =
      std::clamp(count / std::max<std::int64_t>(1, min_per_thread), std::int64_t{1}, hardware);
  qgemv::parallel_ranges(count, threads, fn);
}

// Rows of the 8 channels of block n8; channels past N read a shared row of padding codes, so
// the inner loops need no tail branch.
struct BlockRows {
  const std::uint8_t* row[8];
};

BlockRows block_rows(const QuantData& data, const std::vector<std::uint8_t>& pad_row, std::int64_t n8) {
  BlockRows rows{};
  for (std::int64_t c = 0; c < 8; ++c) {
    const std::int64_t n = 8 * n8 + c;
    rows.row[c] = n < data.shape.n ? data.q.data() + n * data.shape.k : pad_row.data();
  }
  return rows;
}

// Words are assembled kChunk k at a time into a local buffer: the compiler can then vectorize
// the assembly (a store through std::uint8_t* could alias the source rows and would block it).
// K is a multiple of 32, so chunks are always full.
constexpr std::int64_t kChunk = 32;
using ChunkWords = std::uint32_t[kChunk];

void store_le32(std::uint8_t* out, std::uint32_t word) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(out, &word, 4);
  } else {
    for (int b = 0; b < 4; ++b) out[b] = static_cast<std::uint8_t>(word >> (8 * b));
  }
}

void store_chunk_le32(std::uint8_t* out, const ChunkWords& words) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(out, words, sizeof words);
  } else {
    for (std::int64_t k = 0; k < kChunk; ++k) store_le32(out + 4 * k, words[k]);
  }
}

// Legacy cell of one k: byte i = q[8n8+i][k] << 4 | q[8n8+4+i][k], as a little-endian word.
void legacy_cells(const BlockRows& rows, std::int64_t k0, ChunkWords& words) {
  for (std::int64_t k = 0; k < kChunk; ++k) {
    std::uint32_t word = 0;
    for (int i = 0; i < 4; ++i)
      word |= static_cast<std::uint32_t>(rows.row[i][k0 + k] << 4 | rows.row[4 + i][k0 + k]) << (8 * i);
    words[k] = word;
  }
}

// Coop component of one k: channel c in bits 4*(7-c).., channel 0 most significant.
void coop_words(const BlockRows& rows, std::int64_t k0, ChunkWords& words) {
  for (std::int64_t k = 0; k < kChunk; ++k) {
    std::uint32_t word = 0;
    for (int c = 0; c < 8; ++c) word |= static_cast<std::uint32_t>(rows.row[c][k0 + k]) << (4 * (7 - c));
    words[k] = word;
  }
}

// q4gsw component r of block (n8, k0/4 + b): nibble j (bits 4j..4j+3) is channel r + 4*(j & 1) at
// k = k0 + 4*b + j/2; the eight blocks of a chunk are consecutive, so word 4*b + r is its place.
void q4gsw_words(const BlockRows& rows, std::int64_t k0, ChunkWords& words) {
  for (std::int64_t b = 0; b < kChunk / 4; ++b) {
    for (int r = 0; r < 4; ++r) {
      std::uint32_t word = 0;
      for (int j = 0; j < 8; ++j)
        word |= static_cast<std::uint32_t>(rows.row[r + 4 * (j & 1)][k0 + 4 * b + j / 2]) << (4 * j);
      words[4 * b + r] = word;
    }
  }
}

// Legacy writes are a transpose (rows of q become 4-byte cells strided by N8*4), so work in
// tiles of kTileBlocks blocks x kTileK k: 128 KiB of source rows and 64 KiB of destination lines
// stay cached, and each destination page is entered once per tile rather than once per block
// (TLB misses dominated lm_head-sized packing with narrow tiles). Sizes picked by measurement.
constexpr std::int64_t kTileBlocks = 128;
constexpr std::int64_t kTileK = 128;

void pack_legacy_tile(const QuantData& data, const std::vector<std::uint8_t>& pad_row, std::int64_t tile,
                      std::uint8_t* out) {
  const std::int64_t n8_count = data.shape.blocks_of_8();
  const std::int64_t n8_end = std::min(n8_count, (tile + 1) * kTileBlocks);
  ChunkWords words;
  for (std::int64_t k_tile = 0; k_tile < data.shape.k; k_tile += kTileK) {
    const std::int64_t k_end = std::min(data.shape.k, k_tile + kTileK);
    for (std::int64_t n8 = tile * kTileBlocks; n8 < n8_end; ++n8) {
      const BlockRows rows = block_rows(data, pad_row, n8);
      for (std::int64_t k0 = k_tile; k0 < k_end; k0 += kChunk) {
        legacy_cells(rows, k0, words);
        for (std::int64_t k = 0; k < kChunk; ++k) store_le32(out + ((k0 + k) * n8_count + n8) * 4, words[k]);
      }
    }
  }
}

void pack_legacy_weights(const QuantData& data, std::vector<std::uint8_t>& out) {
  const std::vector<std::uint8_t> pad_row(static_cast<std::size_t>(data.shape.k), kPadCode);
  const std::int64_t tiles = (data.shape.blocks_of_8() + kTileBlocks - 1) / kTileBlocks;
  parallel_ranges(tiles, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t tile = begin; tile < end; ++tile) pack_legacy_tile(data, pad_row, tile, out.data());
  });
}

// Both block layouts put block (n8, k4) at n8 * K/4 + k4: a block row is contiguous and word
// n8 * K + k0 starts a chunk, so packing is a streaming write; they differ in a chunk's words.
template <typename ChunkToWords>
void pack_block_rows(const QuantData& data, std::vector<std::uint8_t>& out, ChunkToWords chunk_to_words) {
  const std::int64_t k_total = data.shape.k;
  const std::vector<std::uint8_t> pad_row(static_cast<std::size_t>(k_total), kPadCode);
  parallel_ranges(data.shape.blocks_of_8(), 64, [&](std::int64_t begin, std::int64_t end) {
    ChunkWords words;
    for (std::int64_t n8 = begin; n8 < end; ++n8) {
      const BlockRows rows = block_rows(data, pad_row, n8);
      for (std::int64_t k0 = 0; k0 < k_total; k0 += kChunk) {
        chunk_to_words(rows, k0, words);
        store_chunk_le32(out.data() + (n8 * k_total + k0) * 4, words);
      }
    }
  });
}

// Word n8 * K + k is component r = k % 4 of uvec4 (n8, k4 = k / 4).
void pack_coop_weights(const QuantData& data, std::vector<std::uint8_t>& out) { pack_block_rows(data, out, coop_words); }

void pack_q4gsw_weights(const QuantData& data, std::vector<std::uint8_t>& out) { pack_block_rows(data, out, q4gsw_words); }

// One invocation's word of one 16 x 16 tile: elements e = 0..7 of its A fragment.
std::uint32_t fragment_word(const QuantData& data, std::int64_t n0, std::int64_t k0, int lane) {
  std::uint32_t word = 0;
  for (int e = 0; e < 8; ++e) {
    const TileCell cell = coopmat_a_cell(lane, e);
    const std::int64_t n = n0 + cell.row;
    const std::int64_t k = k0 + cell.column;
    const std::uint32_t code = n < data.shape.n ? data.q[static_cast<std::size_t>(n * data.shape.k + k)] : kPadCode;
    word |= code << (4 * (e / 2) + 16 * (e % 2));
  }
  return word;
}

}  // namespace

TileCell coopmat_a_cell(int lane, int element) {
  const int g = lane / 4, t = lane % 4;
  return {g + 8 * (element / 4), 2 * t + element % 2 + 8 * ((element / 2) % 2)};
}

TileCell coopmat_bc_cell(int lane, int element) {
  const int g = lane / 4, t = lane % 4;
  return {g + 8 * (element / 2), 2 * t + element % 2};
}

namespace {

std::int64_t coopmat_quads(const QuantData& data) { return (data.shape.n + 63) / 64; }

void pack_coopmat_weights(const QuantData& data, std::vector<std::uint8_t>& out) {
  const std::int64_t k_blocks = data.shape.k / 16;
  parallel_ranges(coopmat_quads(data), 16, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t quad = begin; quad < end; ++quad) {
      for (std::int64_t kb = 0; kb < k_blocks; ++kb) {
        std::uint8_t* at = out.data() + (quad * k_blocks + kb) * 32 * 16;
        for (int lane = 0; lane < 32; ++lane) {
          for (int j = 0; j < 4; ++j) store_le32(at + (lane * 4 + j) * 4, fragment_word(data, 64 * quad + 16 * j, 16 * kb, lane));
        }
      }
    }
  });
}

std::vector<float> legacy_qparams(const QuantData& data) {
  const std::int64_t n = data.shape.n;
  const std::int64_t padded = data.shape.padded_n();
  std::vector<float> qparams(static_cast<std::size_t>(data.shape.groups() * 2 * padded), 0.0f);
  for (std::int64_t g = 0; g < data.shape.groups(); ++g) {
    std::copy_n(data.scale.begin() + g * n, n, qparams.begin() + g * 2 * padded);
    std::copy_n(data.zero.begin() + g * n, n, qparams.begin() + g * 2 * padded + padded);
  }
  return qparams;
}

std::vector<float> coop_qparams(const QuantData& data) {
  const std::int64_t padded = data.shape.padded_n();
  std::vector<float> qparams(static_cast<std::size_t>(data.shape.groups() * padded * 2), 0.0f);
  for (std::int64_t g = 0; g < data.shape.groups(); ++g) {
    for (std::int64_t n = 0; n < data.shape.n; ++n) {
      qparams[static_cast<std::size_t>((g * padded + n) * 2)] = data.scale_of(g, n);
      qparams[static_cast<std::size_t>((g * padded + n) * 2 + 1)] = data.zero_of(g, n);
    }
  }
  return qparams;
}

std::vector<float> q4gsw_scales(const QuantData& data) {
  if (std::any_of(data.zero.begin(), data.zero.end(), [](float z) { return z != 0.0f; }))
    throw std::invalid_argument("pack: the q4gsw layout holds no zeros; its data must be symmetric");
  const std::int64_t n = data.shape.n;
  const std::int64_t padded = data.shape.padded_n();
  std::vector<float> scales(static_cast<std::size_t>(data.shape.groups() * padded), 0.0f);
  for (std::int64_t g = 0; g < data.shape.groups(); ++g)
    std::copy_n(data.scale.begin() + g * n, n, scales.begin() + g * padded);
  return scales;
}

std::uint16_t load_le16(const std::uint8_t* in) { return static_cast<std::uint16_t>(in[0] | in[1] << 8); }

std::uint32_t load_le32(const std::uint8_t* in) {
  return static_cast<std::uint32_t>(in[0]) | static_cast<std::uint32_t>(in[1]) << 8 |
         static_cast<std::uint32_t>(in[2]) << 16 | static_cast<std::uint32_t>(in[3]) << 24;
}

// The loops index raw pointers, so a hand-built QuantData with the wrong sizes must not reach them.
void check_data(const QuantData& data) {
  check_shape(data.shape);
  const auto params = static_cast<std::size_t>(data.shape.groups() * data.shape.n);
  if (data.q.size() != static_cast<std::size_t>(data.shape.n * data.shape.k) || data.scale.size() != params ||
      data.zero.size() != params)
    throw std::invalid_argument("pack: QuantData arrays do not match its shape");
}

}  // namespace

namespace {

// The block layouts hold K * ceil(N/8) * 4 bytes of weights, in their own order; the fragment
// layout pads N to 64 instead of 8.
PackedWeights assemble(const QuantData& data, Layout layout,
                       void (*write_weights)(const QuantData&, std::vector<std::uint8_t>&),
                       std::vector<float> (*qparams_of)(const QuantData&)) {
  check_data(data);
  PackedWeights packed{layout, {}, {}};
  const std::int64_t padded = layout == Layout::coopmat_fragment16 ? coopmat_quads(data) * 64 : data.shape.blocks_of_8() * 8;
  packed.weights.resize(static_cast<std::size_t>(padded * data.shape.k / 2));
  write_weights(data, packed.weights);
  packed.qparams = qparams_of(data);
  return packed;
}

}  // namespace

PackedWeights pack_legacy(const QuantData& data) {
  return assemble(data, Layout::legacy_interleaved, pack_legacy_weights, legacy_qparams);
}

PackedWeights pack_coop(const QuantData& data) {
  return assemble(data, Layout::coop_block4x8, pack_coop_weights, coop_qparams);
}

PackedWeights pack_q4gsw(const QuantData& data) {
  return assemble(data, Layout::q4gsw_block4x8, pack_q4gsw_weights, q4gsw_scales);
}

PackedWeights pack_coopmat(const QuantData& data) {
  return assemble(data, Layout::coopmat_fragment16, pack_coopmat_weights, coop_qparams);
}

PackedWeights pack(const QuantData& data, Layout layout) {
  switch (layout) {
    case Layout::legacy_interleaved: return pack_legacy(data);
    case Layout::coop_block4x8: return pack_coop(data);
    case Layout::q4gsw_block4x8: return pack_q4gsw(data);
    case Layout::coopmat_fragment16: return pack_coopmat(data);
  }
  throw std::logic_error("pack: unknown layout");
}

std::vector<std::uint8_t> to_storage_bytes(std::span<const float> values, DType dtype) {
  const auto size = static_cast<std::size_t>(element_bytes(dtype));
  std::vector<std::uint8_t> bytes(values.size() * size);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (dtype == DType::fp32) {
      store_le32(bytes.data() + i * 4, std::bit_cast<std::uint32_t>(values[i]));
    } else {
      const std::uint16_t half = float_to_half(values[i]);
      bytes[i * 2] = static_cast<std::uint8_t>(half);
      bytes[i * 2 + 1] = static_cast<std::uint8_t>(half >> 8);
    }
  }
  return bytes;
}

std::vector<float> from_storage_bytes(std::span<const std::uint8_t> bytes, DType dtype) {
  const auto size = static_cast<std::size_t>(element_bytes(dtype));
  if (bytes.size() % size != 0)
    throw std::invalid_argument("from_storage_bytes: " + std::to_string(bytes.size()) +
                                " bytes is not a whole number of elements");
  std::vector<float> values(bytes.size() / size);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::uint8_t* in = bytes.data() + i * size;
    values[i] = dtype == DType::fp32 ? std::bit_cast<float>(load_le32(in)) : half_to_float(load_le16(in));
  }
  return values;
}

}  // namespace qgemv::quant
