#include "report/case_list.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "bench/footprint.hpp"
#include "kernels/kernel_table.hpp"
#include "util/error.hpp"

namespace qgemv::report {

std::string case_list(const bench::SweepPlan& plan) {
  const auto cases = bench::planned_cases(plan);
  std::size_t name_width = 4;
  for (const auto& key : cases) name_width = std::max(name_width, bench::case_name(key).size());
  std::string out = fmt::format("{:<{}}  {:<13}  {:>4}  {:>10}\n", "case", name_width, "NxK", "G", "bytes");
  std::uint64_t total = 0;
  for (const auto& key : cases) {
    std::string bytes;
    try {
      const auto moved =
          bench::gemv_bytes({key.n, key.k, key.group_size}, key.dtype, kernels::quantization_of(key.kernel)).total();
      total += static_cast<std::uint64_t>(moved);
      bytes = bench::format_bytes(static_cast<std::uint64_t>(moved));
    } catch (const UnsupportedError&) {
      bytes = "too large";
    }
    out += fmt::format("{:<{}}  {:<13}  {:>4}  {:>10}\n", bench::case_name(key), name_width,
                       fmt::format("{}x{}", key.n, key.k), key.group_size, bytes);
  }
  out += fmt::format("{} case(s); one GEMV of each moves {} in all (bytes: weights + qparams + x + y)\n",
                     cases.size(), bench::format_bytes(total));
  return out;
}

}  // namespace qgemv::report
