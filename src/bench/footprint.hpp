#pragma once
// Memory one shape x dtype needs, computed from its sizes before anything is allocated, so a case
// too large for the device or the machine is skipped with its sizes instead of failing (or being
// killed) halfway through generating its data.
#include <cstdint>
#include <string>

#include "bench/case_result.hpp"
#include "quant/quant_data.hpp"
#include "vk/device_info.hpp"

namespace qgemv::bench {

// Bytes one GEMV moves (docs/design.md, "Measurement"): every layout holds padded_n * K / 2 weight bytes, and 2 qparams
// per channel and group (affine) or 1 (symmetric: scales only). Overflow-checked (UnsupportedError).
Bytes gemv_bytes(const quant::ProblemShape& shape, DType dtype,
                 quant::Quantization quantization = quant::Quantization::affine);

struct Footprint {
  Bytes gemv;                   // one copy on the device: weights, qparams, x, y
  std::uint64_t host_bytes = 0;  // codes, packed weights and the staging copy of the largest upload
  std::uint64_t device_bytes() const { return static_cast<std::uint64_t>(gemv.total()); }
};

Footprint footprint(const quant::ProblemShape& shape, DType dtype,
                    quant::Quantization quantization = quant::Quantization::affine);

// Host memory a symmetric kernel's own copy of the data takes (quant::make_symmetric: codes,
// scales, zeros and x again), to add to the footprint when such a kernel runs on the shape.
std::uint64_t symmetric_copy_bytes(const quant::ProblemShape& shape);

// Empty when the case fits, else why not, with the sizes. A CPU driver's "device memory" is the
// host's, so there the two needs add up.
std::string too_large_reason(const Footprint& need, const vk_util::DeviceInfo& device, std::uint64_t host_available);

// Memory a new allocation can get on this machine: MemAvailable, else physical memory.
std::uint64_t host_available_bytes();

std::string format_bytes(std::uint64_t bytes);  // "1.5 GiB", "12.0 MiB", "512 B"

}  // namespace qgemv::bench
