#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "quant/fp16.hpp"
#include "quant/packing.hpp"
#include "util/error.hpp"

namespace qgemv::quant {
namespace {

// N = 9 (one full block of 8 channels plus a one-channel tail), K = 64, G = 32 (two groups).
// Codes are zero except where set by hand below.
//   k = 0: channel n has code n            (channels 0..8)
//   k = 1: channel n has code 15 - n
//   k = 2: q[0] = 0xA, q[4] = 0xB, q[8] = 0x6
//   k = 5: q[3] = 0x1, q[7] = 0xF
// scale[g][n] = 1 + 100g + n, zero[g][n] = -(1 + 100g + n).
QuantData hand_fixture() {
  QuantData data;
  data.shape = {9, 64, 32};
  data.q.assign(9 * 64, 0);
  auto set = [&](std::int64_t n, std::int64_t k, std::uint8_t code) { data.q[n * 64 + k] = code; };
  for (std::uint8_t n = 0; n < 9; ++n) {
    set(n, 0, n);
    set(n, 1, static_cast<std::uint8_t>(15 - n));
  }
  set(0, 2, 0xA);
  set(4, 2, 0xB);
  set(8, 2, 0x6);
  set(3, 5, 0x1);
  set(7, 5, 0xF);
  for (int g = 0; g < 2; ++g) {
    for (int n = 0; n < 9; ++n) {
      data.scale.push_back(static_cast<float>(1 + 100 * g + n));
      data.zero.push_back(-static_cast<float>(1 + 100 * g + n));
    }
  }
  data.x.assign(64, 1.0f);
  return data;
}

std::uint32_t word_at(const std::vector<std::uint8_t>& bytes, std::size_t word_index) {
  const std::uint8_t* b = bytes.data() + word_index * 4;
  return static_cast<std::uint32_t>(b[0]) | static_cast<std::uint32_t>(b[1]) << 8 |
         static_cast<std::uint32_t>(b[2]) << 16 | static_cast<std::uint32_t>(b[3]) << 24;
}

TEST(PackLegacy, HandWorkedBytes) {
  const PackedWeights packed = pack_legacy(hand_fixture());
  EXPECT_EQ(packed.layout, Layout::legacy_interleaved);
  ASSERT_EQ(packed.weights.size(), 64u * 2u * 4u);  // K * N8 * 4
  // Rows k = 0 and k = 1: block 0 then block 1 (channel 8 high nibble, padding code 8 elsewhere).
  const std::vector<std::uint8_t> first_rows = {
      0x04, 0x15, 0x26, 0x37, 0x88, 0x88, 0x88, 0x88,  // k = 0
      0xFB, 0xEA, 0xD9, 0xC8, 0x78, 0x88, 0x88, 0x88,  // k = 1
      0xAB, 0x00, 0x00, 0x00, 0x68, 0x88, 0x88, 0x88,  // k = 2
  };
  EXPECT_EQ(std::vector<std::uint8_t>(packed.weights.begin(), packed.weights.begin() + 24), first_rows);
  EXPECT_EQ(packed.weights[(5 * 2 + 0) * 4 + 3], 0x1F);  // k = 5, n8 = 0, i = 3: q[3] << 4 | q[7]
  EXPECT_EQ(packed.weights[(5 * 2 + 0) * 4 + 0], 0x00);
  EXPECT_EQ(packed.weights[(63 * 2 + 1) * 4 + 0], 0x08);  // q[8][63] = 0 over padding
  EXPECT_EQ(packed.weights[(63 * 2 + 1) * 4 + 3], 0x88);
}

TEST(PackLegacy, QparamsRowsWithZeroPadding) {
  const PackedWeights packed = pack_legacy(hand_fixture());
  ASSERT_EQ(packed.qparams.size(), 2u * 2u * 16u);  // [K/G][2][padded_n]
  const std::vector<float> group0 = {
      1,  2,  3,  4,  5,  6,  7,  8,  9,  0, 0, 0, 0, 0, 0, 0,  // scales, padded
      -1, -2, -3, -4, -5, -6, -7, -8, -9, 0, 0, 0, 0, 0, 0, 0,  // zeros, padded
  };
  EXPECT_EQ(std::vector<float>(packed.qparams.begin(), packed.qparams.begin() + 32), group0);
  EXPECT_EQ(packed.qparams[32], 101.0f);
  EXPECT_EQ(packed.qparams[40], 109.0f);
  EXPECT_EQ(packed.qparams[41], 0.0f);
  EXPECT_EQ(packed.qparams[48], -101.0f);
  EXPECT_EQ(packed.qparams[56], -109.0f);
  EXPECT_EQ(packed.qparams[63], 0.0f);
}

TEST(PackCoop, HandWorkedWords) {
  const PackedWeights packed = pack_coop(hand_fixture());
  EXPECT_EQ(packed.layout, Layout::coop_block4x8);
  ASSERT_EQ(packed.weights.size(), 2u * 16u * 16u);  // N8 * K/4 uvec4 of 16 bytes
  // Little-endian bytes of word 0 (n8 = 0, k4 = 0, r = 0): channel c holds code c.
  EXPECT_EQ(std::vector<std::uint8_t>(packed.weights.begin(), packed.weights.begin() + 4),
            (std::vector<std::uint8_t>{0x67, 0x45, 0x23, 0x01}));
  EXPECT_EQ(word_at(packed.weights, 0), 0x01234567u);
  EXPECT_EQ(word_at(packed.weights, 1), 0xFEDCBA98u);  // k = 1: code 15 - c
  EXPECT_EQ(word_at(packed.weights, 2), 0xA000B000u);  // k = 2: channel 0 = A, channel 4 = B
  EXPECT_EQ(word_at(packed.weights, 3), 0x00000000u);
  EXPECT_EQ(word_at(packed.weights, (0 * 16 + 1) * 4 + 1), 0x0001000Fu);  // k = 5 = 4 * 1 + 1
  // Block 1 (channel 8 + seven padding channels) starts at word K/4 * 4 = 64.
  EXPECT_EQ(word_at(packed.weights, 64), 0x88888888u);  // q[8][0] = 8
  EXPECT_EQ(word_at(packed.weights, 65), 0x78888888u);  // q[8][1] = 7
  EXPECT_EQ(word_at(packed.weights, 66), 0x68888888u);  // q[8][2] = 6
  EXPECT_EQ(word_at(packed.weights, 127), 0x08888888u);
}

TEST(PackCoop, QparamsPairsWithZeroPadding) {
  const PackedWeights packed = pack_coop(hand_fixture());
  ASSERT_EQ(packed.qparams.size(), 2u * 16u * 2u);  // [K/G][padded_n][2]
  const std::vector<float> group0 = {1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6, 7, -7, 8, -8,
                                     9, -9, 0, 0,  0, 0,  0, 0,  0, 0,  0, 0,  0, 0,  0, 0};
  EXPECT_EQ(std::vector<float>(packed.qparams.begin(), packed.qparams.begin() + 32), group0);
  EXPECT_EQ(packed.qparams[32], 101.0f);
  EXPECT_EQ(packed.qparams[33], -101.0f);
  EXPECT_EQ(packed.qparams[48], 109.0f);
  EXPECT_EQ(packed.qparams[49], -109.0f);
  EXPECT_EQ(packed.qparams[50], 0.0f);
  EXPECT_EQ(packed.qparams[63], 0.0f);
}

// q4gsw: component r of block (n8, k4) packs channels r (even nibbles) and r + 4 (odd nibbles),
// k = 4*k4 + j/2 for nibble j, lowest nibble first. Worked by hand from the fixture above.
TEST(PackQ4gsw, HandWorkedWords) {
  const PackedWeights packed = pack_q4gsw(make_symmetric(hand_fixture()));
  EXPECT_EQ(packed.layout, Layout::q4gsw_block4x8);
  ASSERT_EQ(packed.weights.size(), 2u * 16u * 16u);  // N8 * K/4 blocks of 16 bytes
  // r = 0: (ch0, ch4) at k = 0..3 = (0, 4), (F, B), (A, B), (0, 0); nibble 0 in the low bits.
  EXPECT_EQ(std::vector<std::uint8_t>(packed.weights.begin(), packed.weights.begin() + 4),
            (std::vector<std::uint8_t>{0x40, 0xBF, 0xBA, 0x00}));
  EXPECT_EQ(word_at(packed.weights, 0), 0x00BABF40u);
  EXPECT_EQ(word_at(packed.weights, 1), 0x0000AE51u);  // (ch1, ch5): (1, 5), (E, A)
  EXPECT_EQ(word_at(packed.weights, 2), 0x00009D62u);  // (ch2, ch6): (2, 6), (D, 9)
  EXPECT_EQ(word_at(packed.weights, 3), 0x00008C73u);  // (ch3, ch7): (3, 7), (C, 8)
  EXPECT_EQ(word_at(packed.weights, 4), 0x00000000u);  // block (0, 1), r = 0
  EXPECT_EQ(word_at(packed.weights, 7), 0x0000F100u);  // block (0, 1), r = 3: k = 5 has (1, F)
  // Block (1, 0) at word 64: channel 8 on even nibbles (8, 7, 6, 0), padding code 8 on odd ones.
  EXPECT_EQ(word_at(packed.weights, 64), 0x80868788u);
  EXPECT_EQ(word_at(packed.weights, 65), 0x88888888u);  // channels 9 and 13: padding only
  EXPECT_EQ(word_at(packed.weights, 124), 0x80808080u);  // block (1, 15), r = 0: q[8][60..63] = 0
}

TEST(PackQ4gsw, ScalesOnlyWithZeroPadding) {
  const PackedWeights packed = pack_q4gsw(make_symmetric(hand_fixture()));
  ASSERT_EQ(packed.qparams.size(), 2u * 16u);  // [K/G][padded_n]
  const std::vector<float> group0 = {1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(std::vector<float>(packed.qparams.begin(), packed.qparams.begin() + 16), group0);
  EXPECT_EQ(packed.qparams[16], 101.0f);
  EXPECT_EQ(packed.qparams[24], 109.0f);
  EXPECT_EQ(packed.qparams[25], 0.0f);
}

TEST(PackQ4gsw, RefusesDataWithZeros) {
  EXPECT_THROW(pack_q4gsw(hand_fixture()), std::invalid_argument);
  EXPECT_THROW(pack(hand_fixture(), Layout::q4gsw_block4x8), std::invalid_argument);
}

TEST(Pack, RejectsInconsistentData) {
  QuantData data = hand_fixture();
  data.q.pop_back();
  EXPECT_THROW(pack_coop(data), std::invalid_argument);
  data = hand_fixture();
  data.zero.push_back(0.0f);
  EXPECT_THROW(pack_legacy(data), std::invalid_argument);
  data = hand_fixture();
  data.shape.group_size = 48;
  EXPECT_THROW(pack_legacy(data), UsageError);
}

TEST(Pack, DispatchesOnLayout) {
  const QuantData data = hand_fixture();
  EXPECT_EQ(pack(data, Layout::legacy_interleaved).weights, pack_legacy(data).weights);
  EXPECT_EQ(pack(data, Layout::coop_block4x8).weights, pack_coop(data).weights);
  EXPECT_EQ(pack(data, Layout::coop_block4x8).qparams, pack_coop(data).qparams);
  EXPECT_EQ(pack(make_symmetric(data), Layout::q4gsw_block4x8).weights, pack_q4gsw(make_symmetric(data)).weights);
  EXPECT_EQ(pack(data, Layout::coopmat_fragment16).weights, pack_coopmat(data).weights);
}

// What shaders/coopmat.comp's decode_tile makes of one word: the halves it builds by OR-ing
// nibbles under the exponents of 1024 and 64, minus 1032 and 72, in fragment element order.
std::array<float, 8> coopmat_tile_values(std::uint32_t word) {
  const std::uint32_t high = word >> 8;
  const std::uint32_t pairs[4] = {(word & 0x000F000Fu) | 0x64006400u, (word & 0x00F000F0u) | 0x54005400u,
                                  (high & 0x000F000Fu) | 0x64006400u, (high & 0x00F000F0u) | 0x54005400u};
  std::array<float, 8> values{};
  for (int e = 0; e < 8; ++e) {
    const auto half = static_cast<std::uint16_t>(pairs[e / 2] >> (16 * (e % 2)));
    values[static_cast<std::size_t>(e)] = half_to_float(half) - ((e / 2) % 2 == 0 ? 1032.0f : 72.0f);
  }
  return values;
}

// Every element of every fragment, placed as NVIDIA's driver places A's elements, is q - 8 of
// the right channel and k (8 - 8 = 0 past N); independent of the packer's own loops.
TEST(PackCoopmat, ShaderDecodeOfEachFragmentGivesTheCodesMinus8) {
  for (const auto shape : {ProblemShape{64, 32, 32}, ProblemShape{100, 64, 32}, ProblemShape{130, 256, 128}}) {
    const QuantData data = generate_random(shape, 7);
    const PackedWeights packed = pack_coopmat(data);
    const std::int64_t quads = (shape.n + 63) / 64, k_blocks = shape.k / 16;
    ASSERT_EQ(packed.weights.size(), static_cast<std::size_t>(quads * 64 * shape.k / 2));
    EXPECT_EQ(packed.qparams, pack_coop(data).qparams);
    for (std::int64_t quad = 0; quad < quads; ++quad) {
      for (std::int64_t kb = 0; kb < k_blocks; ++kb) {
        for (int lane = 0; lane < 32; ++lane) {
          for (int j = 0; j < 4; ++j) {
            const auto word = word_at(packed.weights, static_cast<std::size_t>(((quad * k_blocks + kb) * 32 + lane) * 4 + j));
            const auto values = coopmat_tile_values(word);
            for (int e = 0; e < 8; ++e) {
              const std::int64_t n = 64 * quad + 16 * j + lane / 4 + 8 * (e / 4);
              const std::int64_t k = 16 * kb + 2 * (lane % 4) + e % 2 + 8 * ((e / 2) % 2);
              const float expected = n < shape.n ? static_cast<float>(data.code(n, k)) - 8.0f : 0.0f;
              ASSERT_EQ(values[static_cast<std::size_t>(e)], expected) << "n=" << n << " k=" << k << " e=" << e;
            }
          }
        }
      }
    }
  }
}

// Decoders written from docs/design.md, "Weight layouts" alone; they return codes/qparams for all padded_n channels.
std::uint8_t legacy_code(const PackedWeights& p, const ProblemShape& s, std::int64_t n, std::int64_t k) {
  const std::int64_t c = n % 8;
  const std::uint8_t byte = p.weights[static_cast<std::size_t>((k * s.blocks_of_8() + n / 8) * 4 + c % 4)];
  return c < 4 ? byte >> 4 : byte & 0xf;
}

std::uint8_t coop_code(const PackedWeights& p, const ProblemShape& s, std::int64_t n, std::int64_t k) {
  const auto word = word_at(p.weights, static_cast<std::size_t>(((n / 8) * (s.k / 4) + k / 4) * 4 + k % 4));
  return static_cast<std::uint8_t>((word >> (4 * (7 - n % 8))) & 0xf);
}

std::uint8_t q4gsw_code(const PackedWeights& p, const ProblemShape& s, std::int64_t n, std::int64_t k) {
  const std::int64_t c = n % 8;
  const auto word = word_at(p.weights, static_cast<std::size_t>(((n / 8) * (s.k / 4) + k / 4) * 4 + c % 4));
  return static_cast<std::uint8_t>((word >> (4 * (2 * (k % 4) + c / 4))) & 0xf);
}

void expect_q4gsw_decodes_to(const QuantData& data, const PackedWeights& p) {
  const ProblemShape& s = data.shape;
  for (std::int64_t n = 0; n < s.padded_n(); ++n) {
    for (std::int64_t k = 0; k < s.k; ++k) {
      ASSERT_EQ(q4gsw_code(p, s, n, k), n < s.n ? data.code(n, k) : 8) << "n=" << n << " k=" << k;
    }
    for (std::int64_t g = 0; g < s.groups(); ++g) {
      ASSERT_EQ(p.qparams[static_cast<std::size_t>(g * s.padded_n() + n)], n < s.n ? data.scale_of(g, n) : 0.0f);
    }
  }
}

void expect_decodes_to(const QuantData& data, const PackedWeights& p, bool legacy) {
  const ProblemShape& s = data.shape;
  for (std::int64_t n = 0; n < s.padded_n(); ++n) {
    for (std::int64_t k = 0; k < s.k; ++k) {
      const std::uint8_t expected = n < s.n ? data.code(n, k) : 8;
      const std::uint8_t got = legacy ? legacy_code(p, s, n, k) : coop_code(p, s, n, k);
      ASSERT_EQ(got, expected) << "n=" << n << " k=" << k;
    }
    for (std::int64_t g = 0; g < s.groups(); ++g) {
      const float scale = n < s.n ? data.scale_of(g, n) : 0.0f;
      const float zero = n < s.n ? data.zero_of(g, n) : 0.0f;
      const std::int64_t p_n = s.padded_n();
      const auto si = static_cast<std::size_t>(legacy ? g * 2 * p_n + n : (g * p_n + n) * 2);
      const auto zi = static_cast<std::size_t>(legacy ? g * 2 * p_n + p_n + n : (g * p_n + n) * 2 + 1);
      ASSERT_EQ(p.qparams[si], scale) << "n=" << n << " g=" << g;
      ASSERT_EQ(p.qparams[zi], zero) << "n=" << n << " g=" << g;
    }
  }
}

struct ShapeCase {
  std::int64_t n, k, g;
};

class PackRoundTrip : public ::testing::TestWithParam<ShapeCase> {};

TEST_P(PackRoundTrip, IndependentDecoderRecoversCodes) {
  const ShapeCase c = GetParam();
  const QuantData data = generate_random({c.n, c.k, c.g}, static_cast<std::uint64_t>(c.n * 1000 + c.k));
  const PackedWeights legacy = pack_legacy(data);
  const PackedWeights coop = pack_coop(data);
  ASSERT_EQ(legacy.weights.size(), static_cast<std::size_t>(c.k * data.shape.blocks_of_8() * 4));
  ASSERT_EQ(coop.weights.size(), static_cast<std::size_t>(data.shape.blocks_of_8() * c.k * 4));
  ASSERT_EQ(legacy.qparams.size(), static_cast<std::size_t>(data.shape.groups() * 2 * data.shape.padded_n()));
  ASSERT_EQ(coop.qparams.size(), legacy.qparams.size());
  expect_decodes_to(data, legacy, true);
  expect_decodes_to(data, coop, false);
  expect_q4gsw_decodes_to(data, pack_q4gsw(make_symmetric(data)));
}

// Includes shapes large enough to take the multi-threaded paths (and tiles with a partial tail).
INSTANTIATE_TEST_SUITE_P(Shapes, PackRoundTrip,
                         ::testing::Values(ShapeCase{1, 32, 32}, ShapeCase{7, 64, 32}, ShapeCase{8, 128, 64},
                                           ShapeCase{13, 256, 128}, ShapeCase{100, 512, 256},
                                           ShapeCase{100, 96, 32}, ShapeCase{2051, 256, 64},
                                           ShapeCase{4100, 320, 32}));

TEST(StorageBytes, Fp32IsRawLittleEndian) {
  const std::vector<float> values = {1.0f, -2.0f};
  EXPECT_EQ(to_storage_bytes(values, DType::fp32),
            (std::vector<std::uint8_t>{0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0}));
}

TEST(StorageBytes, Fp16IsBinary16) {
  const std::vector<float> values = {1.0f, -2.0f, 0.1f};
  EXPECT_EQ(to_storage_bytes(values, DType::fp16),
            (std::vector<std::uint8_t>{0x00, 0x3c, 0x00, 0xc0, 0x66, 0x2e}));
}

TEST(StorageBytes, RoundTrip) {
  const std::vector<float> values = {0.0f, 1.5f, -0.25f, 3.0e-3f, 65504.0f};
  EXPECT_EQ(from_storage_bytes(to_storage_bytes(values, DType::fp32), DType::fp32), values);
  const std::vector<float> halves = from_storage_bytes(to_storage_bytes(values, DType::fp16), DType::fp16);
  ASSERT_EQ(halves.size(), values.size());
  EXPECT_EQ(halves[1], 1.5f);
  EXPECT_NEAR(halves[3], 3.0e-3f, 3.0e-3f * 0x1p-11f);
  EXPECT_TRUE(from_storage_bytes({}, DType::fp16).empty());
}

TEST(StorageBytes, RejectsPartialElements) {
  const std::vector<std::uint8_t> bytes(6, 0);
  EXPECT_THROW(from_storage_bytes(bytes, DType::fp32), std::invalid_argument);
  EXPECT_NO_THROW(from_storage_bytes(bytes, DType::fp16));
}

}  // namespace
}  // namespace qgemv::quant
