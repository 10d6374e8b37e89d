#include "bench/footprint.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "util/checked_math.hpp"

namespace qgemv::bench {
namespace {

std::int64_t as_signed(std::uint64_t bytes) {
  if (bytes > static_cast<std::uint64_t>(INT64_MAX)) throw UnsupportedError("a buffer size overflows 64 bits");
  return static_cast<std::int64_t>(bytes);
}

}  // namespace

Bytes gemv_bytes(const quant::ProblemShape& shape, DType dtype, quant::Quantization quantization) {
  const auto elem = static_cast<std::uint64_t>(element_bytes(dtype));
  const auto padded_n = static_cast<std::uint64_t>(shape.padded_n());
  const auto k = static_cast<std::uint64_t>(shape.k);
  const auto groups = static_cast<std::uint64_t>(shape.groups());
  Bytes bytes;
  bytes.weights = as_signed(checked_mul(padded_n, k) / 2);
  const std::uint64_t per_channel = quantization == quant::Quantization::symmetric ? 1 : 2;
  bytes.qparams = as_signed(checked_mul(checked_mul(groups, padded_n), per_channel * elem));
  bytes.input = as_signed(checked_mul(k, elem));
  bytes.output = as_signed(checked_mul(static_cast<std::uint64_t>(shape.n), elem));
  as_signed(checked_add(checked_add(bytes.weights, bytes.qparams), checked_add(bytes.input, bytes.output)));
  return bytes;
}

Footprint footprint(const quant::ProblemShape& shape, DType dtype, quant::Quantization quantization) {
  Footprint f;
  f.gemv = gemv_bytes(shape, dtype, quantization);
  // One byte per code while generating, the packed copy, and its staging copy during the upload.
  const auto codes = checked_mul(static_cast<std::uint64_t>(shape.n), static_cast<std::uint64_t>(shape.k));
  const auto packed = checked_add(f.gemv.weights, f.gemv.qparams);
  f.host_bytes = checked_add(codes, checked_mul(packed, 2));
  return f;
}

std::uint64_t symmetric_copy_bytes(const quant::ProblemShape& shape) {
  const auto n = static_cast<std::uint64_t>(shape.n);
  const auto k = static_cast<std::uint64_t>(shape.k);
  const auto params = checked_mul(checked_mul(static_cast<std::uint64_t>(shape.groups()), n), 2 * sizeof(float));
  return checked_add(checked_add(checked_mul(n, k), params), k * sizeof(float));
}

std::string too_large_reason(const Footprint& need, const vk_util::DeviceInfo& device, std::uint64_t host_available) {
  const auto sizes = fmt::format("weights {}, qparams {}, x {}, y {}", format_bytes(need.gemv.weights),
                                 format_bytes(need.gemv.qparams), format_bytes(need.gemv.input),
                                 format_bytes(need.gemv.output));
  if (need.device_bytes() > device.device_local_bytes) {
    return fmt::format("too large for the device: needs {} of device memory ({}), the largest device-local heap "
                       "is {}", format_bytes(need.device_bytes()), sizes, format_bytes(device.device_local_bytes));
  }
  const bool shared = device.type == "cpu";
  const auto host_need = shared ? checked_add(need.host_bytes, need.device_bytes()) : need.host_bytes;
  if (host_need > host_available) {
    return fmt::format("too large for this machine: needs {} of host memory to generate and upload the data{} "
                       "({}), {} is available", format_bytes(host_need), shared ? " and hold the device's copy" : "",
                       sizes, format_bytes(host_available));
  }
  return {};
}

std::uint64_t host_available_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  while (std::getline(meminfo, line)) {
    std::istringstream fields(line);
    std::string key;
    std::uint64_t kib = 0;
    if (fields >> key >> kib && key == "MemAvailable:") return kib * 1024;
  }
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page) : UINT64_MAX;
}

std::string format_bytes(std::uint64_t bytes) {
  constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return fmt::format("{} B", bytes);
  double value = static_cast<double>(bytes) / 1024;
  int unit = 0;
  while (value >= 1024 && unit < 5) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {}", value, kUnits[unit]);
}

}  // namespace qgemv::bench
