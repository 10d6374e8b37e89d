#include "reference/reference.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <thread>

#include "util/parallel.hpp"

namespace qgemv::reference {
namespace {

// An explicit count is honoured (up to one thread per channel); the default also keeps at least
// kMinCodesPerThread codes per thread, so small cases do not pay for thread start-up.
constexpr std::int64_t kMinCodesPerThread = std::int64_t{1} << 18;

unsigned resolve_threads(unsigned requested, const quant::ProblemShape& shape) {
  std::int64_t wanted = requested;
  if (requested == 0) {
    const std::int64_t hardware = std::max(1u, std::thread::hardware_concurrency());
    wanted = std::min(hardware, shape.n * shape.k / kMinCodesPerThread);
  }
  return static_cast<unsigned>(std::clamp<std::int64_t>(wanted, 1, shape.n));
}

// Four independent accumulator lanes (k % 4) break the floating-point add dependency chain;
// in double the order is irrelevant to validation, and it is fixed, so results are reproducible.
struct Lanes {
  double y[4] = {0, 0, 0, 0};
  double abs[4] = {0, 0, 0, 0};
};

void accumulate_group(const std::uint8_t* codes, const double* x, std::int64_t count, double scale,
                      double zero, Lanes& lanes) {
  for (std::int64_t k = 0; k < count; k += 4) {
    for (int lane = 0; lane < 4; ++lane) {
      const double w = (static_cast<double>(codes[k + lane]) - 8.0) * scale + zero;
      const double term = x[k + lane] * w;
      lanes.y[lane] += term;
      lanes.abs[lane] += std::fabs(term);
    }
  }
}

void compute_channel(const quant::QuantData& data, const std::vector<double>& x, std::int64_t n,
                     Reference& out) {
  const std::int64_t k_total = data.shape.k;
  const std::int64_t group = data.shape.group_size;
  const std::uint8_t* row = data.q.data() + n * k_total;
  Lanes lanes;
  for (std::int64_t g = 0; g < data.shape.groups(); ++g)
    accumulate_group(row + g * group, x.data() + g * group, group, data.scale_of(g, n), data.zero_of(g, n),
                     lanes);
  out.y[n] = (lanes.y[0] + lanes.y[1]) + (lanes.y[2] + lanes.y[3]);
  out.abs_sum[n] = (lanes.abs[0] + lanes.abs[1]) + (lanes.abs[2] + lanes.abs[3]);
}

// The loops index raw pointers, so a hand-built QuantData with the wrong sizes must not reach them.
void check_data(const quant::QuantData& data) {
  quant::check_shape(data.shape);
  const auto params = static_cast<std::size_t>(data.shape.groups() * data.shape.n);
  if (data.q.size() != static_cast<std::size_t>(data.shape.n * data.shape.k) || data.scale.size() != params ||
      data.zero.size() != params || data.x.size() != static_cast<std::size_t>(data.shape.k))
    throw std::invalid_argument("reference: QuantData arrays do not match its shape");
}

}  // namespace

Reference compute(const quant::QuantData& data, unsigned threads) {
  // Group sizes are multiples of 32, so every group splits evenly into the four lanes.
  check_data(data);
  const std::int64_t n_total = data.shape.n;
  Reference out;
  out.y.assign(static_cast<std::size_t>(n_total), 0.0);
  out.abs_sum.assign(static_cast<std::size_t>(n_total), 0.0);
  const std::vector<double> x(data.x.begin(), data.x.end());

  const unsigned count = resolve_threads(threads, data.shape);
  auto work = [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t n = begin; n < end; ++n) compute_channel(data, x, n, out);
  };
  parallel_ranges(n_total, count, work);
  return out;
}

}  // namespace qgemv::reference
