// Sizes of a case before anything is allocated: exact byte counts, 64-bit overflow checks, and
// the skip reason a case too large for the device or the machine gets.
#include <gtest/gtest.h>

#include <cstdint>

#include "bench/footprint.hpp"
#include "util/checked_math.hpp"

namespace qgemv::bench {
namespace {

constexpr std::uint64_t kGiB = 1ull << 30;

vk_util::DeviceInfo device(std::string type, std::uint64_t local_bytes) {
  vk_util::DeviceInfo info;
  info.type = std::move(type);
  info.device_local_bytes = local_bytes;
  return info;
}

TEST(Footprint, BytesOfOneGemvFollowTheLayouts) {
  // N = 13 pads to 16 channels; K = 256 in 2 groups of 128; fp16 qparams and vectors.
  const auto bytes = gemv_bytes({13, 256, 128}, DType::fp16);
  EXPECT_EQ(bytes.weights, 16 * 256 / 2);
  EXPECT_EQ(bytes.qparams, 2 * 16 * 2 * 2);
  EXPECT_EQ(bytes.input, 256 * 2);
  EXPECT_EQ(bytes.output, 13 * 2);
  const auto f = footprint({13, 256, 128}, DType::fp16);
  EXPECT_EQ(f.device_bytes(), static_cast<std::uint64_t>(bytes.total()));
  EXPECT_EQ(f.host_bytes, 13u * 256 + 2 * static_cast<std::uint64_t>(bytes.weights + bytes.qparams));
}

TEST(Footprint, SymmetricKernelsMoveScalesOnly) {
  const auto affine = gemv_bytes({13, 256, 128}, DType::fp32);
  const auto symmetric = gemv_bytes({13, 256, 128}, DType::fp32, quant::Quantization::symmetric);
  EXPECT_EQ(symmetric.weights, affine.weights);
  EXPECT_EQ(symmetric.qparams, 2 * 16 * 4);  // 2 groups x 16 padded channels x one fp32 scale
  EXPECT_EQ(2 * symmetric.qparams, affine.qparams);
  // The symmetric copy of the data: codes, scales and zeros (fp32, unpadded), x.
  EXPECT_EQ(symmetric_copy_bytes({13, 256, 128}), 13u * 256 + 2 * 13 * 2 * 4 + 256 * 4);
}

TEST(Footprint, LargestShapesTheParserAllowsStillCountIn64Bits) {
  const std::int64_t most = 2147483647;  // the parser's cap on n and k
  const auto bytes = gemv_bytes({most, 2147483520, 128}, DType::fp32);
  EXPECT_EQ(bytes.weights, (most + 1) * 2147483520 / 2);  // padded to 2^31 channels
  EXPECT_GT(bytes.total(), bytes.weights);
}

TEST(Footprint, ProductsThatOverflowAreErrorsNotWrappedSizes) {
  EXPECT_THROW(checked_mul(1ull << 32, 1ull << 32), UnsupportedError);
  EXPECT_THROW(checked_add(~0ull, 1), UnsupportedError);
  EXPECT_EQ(checked_mul(1ull << 31, 1ull << 31), 1ull << 62);
  EXPECT_THROW(gemv_bytes({std::int64_t(1) << 40, std::int64_t(1) << 40, 32}, DType::fp32), UnsupportedError);
}

TEST(Footprint, TooLargeForTheDeviceNamesEverySize) {
  const auto need = footprint({1048576, 1048576, 128}, DType::fp32);
  const auto why = too_large_reason(need, device("discrete", 80 * kGiB), 1000 * kGiB);
  EXPECT_EQ(why, "too large for the device: needs 576.0 GiB of device memory (weights 512.0 GiB, qparams 64.0 GiB, "
                 "x 4.0 MiB, y 4.0 MiB), the largest device-local heap is 80.0 GiB");
}

TEST(Footprint, TooLargeForTheHostWhereTheDeviceFits) {
  const auto need = footprint({65536, 65536, 128}, DType::fp32);  // 4 GiB of codes on the host
  EXPECT_EQ(too_large_reason(need, device("discrete", 80 * kGiB), 64 * kGiB), "");
  const auto why = too_large_reason(need, device("discrete", 80 * kGiB), 2 * kGiB);
  EXPECT_NE(why.find("too large for this machine: needs"), std::string::npos) << why;
  EXPECT_NE(why.find("2.0 GiB is available"), std::string::npos) << why;
}

TEST(Footprint, CpuDriverNeedsHostMemoryForBothCopies) {
  const auto need = footprint({65536, 65536, 128}, DType::fp32);
  const auto host_only = need.host_bytes;
  EXPECT_EQ(too_large_reason(need, device("discrete", 80 * kGiB), host_only), "");
  const auto why = too_large_reason(need, device("cpu", 80 * kGiB), host_only);
  EXPECT_NE(why.find("and hold the device's copy"), std::string::npos) << why;
}

TEST(Footprint, FormatsBytesInBinaryUnits) {
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(12ull << 20), "12.0 MiB");
  EXPECT_EQ(format_bytes(3ull << 40), "3.0 TiB");
  EXPECT_GT(host_available_bytes(), 0u);
}

}  // namespace
}  // namespace qgemv::bench
