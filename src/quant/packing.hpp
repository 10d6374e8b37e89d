#pragma once
// GPU weight layouts of docs/design.md, "Weight layouts". Channel rows of qparams are padded to a multiple of 8
// (padded_n) with scale 0 and zero 0 so every 8-channel block is vec4-aligned; padded weight
// codes are 8, so padded channels compute exactly 0 and are never written.
#include <cstdint>
#include <span>
#include <vector>

#include "quant/quant_data.hpp"

namespace qgemv::quant {

enum class Layout { legacy_interleaved, coop_block4x8, q4gsw_block4x8, coopmat_fragment16 };

struct PackedWeights {
  Layout layout;
  std::vector<std::uint8_t> weights;  // raw bytes as uploaded
  std::vector<float> qparams;         // fp32 values; converted to the dtype at upload
};

// Legacy: bytes [K][N8*4]; byte i of block n8 at row k = q[8n8+i][k] << 4 | q[8n8+4+i][k].
// qparams [K/G][2][padded_n]: a row of scales, then a row of zeros.
PackedWeights pack_legacy(const QuantData& data);

// Coop: uvec4 P[N8][K/4]; component r of block (n8, k4) holds k = 4*k4 + r for channels
// 8*n8 + c, channel c in bits 4*(7-c)..4*(7-c)+3. qparams [K/G][padded_n][2] (scale, zero) pairs.
PackedWeights pack_coop(const QuantData& data);

// q4gsw (ExecuTorch's symmetric int4 layout): uvec4 P[N8][K/4] like coop, but component r of block
// (n8, k4) holds channels 8*n8 + r and 8*n8 + 4 + r, nibble j (bits 4j..4j+3) = channel
// 8*n8 + r + 4*(j & 1) at k = 4*k4 + j/2 (low nibble first). qparams: scales only, [K/G][padded_n].
// std::invalid_argument when a zero is not 0 (the layout has no place for it).
PackedWeights pack_q4gsw(const QuantData& data);

// Where NVIDIA's driver keeps the elements of the cooperative-matrix fragments coopmat multiplies:
// invocation lane = 4g + t holds element e of the 16 x 16 A tile at row g + 8 (e / 4), column
// 2t + e % 2 + 8 ((e / 2) % 2), and element e of a 16 x 8 B or C tile at row g + 8 (e / 2), column
// 2t + e % 2. pack_coopmat packs in this order; kernels/fragment_layout.hpp checks that a device
// keeps it.
struct TileCell {
  int row;
  int column;
};
TileCell coopmat_a_cell(int lane, int element);
TileCell coopmat_bc_cell(int lane, int element);

// Cooperative-matrix fragments (shaders/coopmat.comp): N padded to 64 with code 8; uvec4
// P[N/64][K/16][32]: invocation i of quad Q at k-block b holds in component j its A fragment of
// tile (channels 16 (4Q + j) + 0..15, k 16b + 0..15): element e (at coopmat_a_cell(i, e)) in bits
// 4 (e / 2) + 16 (e % 2) .. +3. qparams as coop's.
PackedWeights pack_coopmat(const QuantData& data);

PackedWeights pack(const QuantData& data, Layout layout);

// Bytes of x / qparams / y in the GPU's element type (fp32 as is, fp16 as binary16).
std::vector<std::uint8_t> to_storage_bytes(std::span<const float> values, DType dtype);
std::vector<float> from_storage_bytes(std::span<const std::uint8_t> bytes, DType dtype);

}  // namespace qgemv::quant
