#pragma once
// How a case is cut along N when one binding, image or dispatch would exceed a device limit
// (docs/design.md, "Kernels"): every slice is a whole number of 64-channel blocks (a legacy workgroup) except the
// last, gets its own weight and qparam binding and its own dispatch, and writes its part of the
// one output tensor.
#include <cstdint>

#include "quant/packing.hpp"
#include "util/dtype.hpp"

namespace qgemv::bench {

struct DeviceLimits {
  std::uint64_t max_binding_bytes = 0;   // maxStorageBufferRange, or lower with --max-binding-mib
  std::uint32_t max_image_dimension = 0;
  std::uint32_t max_workgroups_x = 0;
};

struct SplitPlan {
  std::int64_t channels_per_slice = 0;  // multiple of 64 unless there is only one slice
  std::int64_t slices = 0;
  std::uint32_t output_row_texels = 0;  // tt: RGBA texels per output image row
  std::uint32_t output_rows = 0;        // tt: rows of the output image
};

inline constexpr std::int64_t kSliceGranule = 64;

// Throws UnsupportedError naming the limit when even one 64-channel slice cannot run.
SplitPlan plan_split(quant::Layout layout, Storage storage, DType dtype, std::int64_t n, std::int64_t k,
                     std::int64_t group_size, std::uint32_t channels_per_workgroup, const DeviceLimits& limits);

}  // namespace qgemv::bench
