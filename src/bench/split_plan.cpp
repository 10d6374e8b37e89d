#include "bench/split_plan.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/error.hpp"

namespace qgemv::bench {
namespace {

constexpr std::uint32_t kPreferredOutputRow = 4096;

std::int64_t floor_to_granule(std::int64_t channels) { return channels / kSliceGranule * kSliceGranule; }

// Largest channel count per slice that each limit allows (before rounding to the granule).
std::int64_t max_channels(quant::Layout layout, Storage storage, DType dtype, std::int64_t k, std::int64_t group_size,
                          std::uint32_t channels_per_workgroup, const DeviceLimits& limits) {
  const auto bytes = static_cast<std::int64_t>(limits.max_binding_bytes);
  std::int64_t most = bytes / (k / 2);  // weights: channels * K / 2 bytes in both layouts
  most = std::min(most, bytes / ((k / group_size) * 2 * element_bytes(dtype)));  // qparams
  most = std::min(most, std::int64_t(limits.max_workgroups_x) * channels_per_workgroup);
  if (storage != Storage::bb) {
    const std::int64_t dim = limits.max_image_dimension;
    const bool legacy = layout == quant::Layout::legacy_interleaved;
    // legacy texels at (n8, k); coop texels at (k4, n8): the other side must fit as it is.
    const std::int64_t fixed_side = legacy ? k : k / 4;
    if (fixed_side > dim) {
      throw UnsupportedError(fmt::format("K = {} needs a weight image side of {} texels, over maxImageDimension2D ({})",
                                         k, fixed_side, dim));
    }
    most = std::min(most, dim * 8);
  }
  return most;
}

}  // namespace

SplitPlan plan_split(quant::Layout layout, Storage storage, DType dtype, std::int64_t n, std::int64_t k,
                     std::int64_t group_size, std::uint32_t channels_per_workgroup, const DeviceLimits& limits) {
  SplitPlan plan;
  const std::int64_t padded_n = (n + 7) / 8 * 8;
  const auto most = max_channels(layout, storage, dtype, k, group_size, channels_per_workgroup, limits);
  if (most >= padded_n) {
    plan.channels_per_slice = n;
    plan.slices = 1;
  } else {
    plan.channels_per_slice = floor_to_granule(most);
    if (plan.channels_per_slice == 0) {
      throw UnsupportedError(fmt::format("even {} channels exceed a device limit (binding {} MiB, image {}, "
                                         "workgroups {})", kSliceGranule, limits.max_binding_bytes >> 20,
                                         limits.max_image_dimension, limits.max_workgroups_x));
    }
    plan.slices = (n + plan.channels_per_slice - 1) / plan.channels_per_slice;
  }
  if (storage == Storage::tt) {
    if (k / 4 > limits.max_image_dimension) {
      throw UnsupportedError(fmt::format("K / 4 = {} input texels exceed maxImageDimension2D ({})", k / 4,
                                         limits.max_image_dimension));
    }
    const std::int64_t texels = padded_n / 4;
    plan.output_row_texels = static_cast<std::uint32_t>(
        std::min<std::int64_t>({texels, kPreferredOutputRow, limits.max_image_dimension}));
    const auto rows = (texels + plan.output_row_texels - 1) / plan.output_row_texels;
    if (rows > limits.max_image_dimension) {
      throw UnsupportedError(fmt::format("{} output texels do not fit one image", texels));
    }
    plan.output_rows = static_cast<std::uint32_t>(rows);
  }
  return plan;
}

}  // namespace qgemv::bench
