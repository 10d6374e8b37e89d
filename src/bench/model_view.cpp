#include "bench/model_view.hpp"

#include <algorithm>

namespace qgemv::bench {

std::vector<TokenEstimate> estimate_tokens(const std::vector<CaseResult>& results, std::size_t shapes_in_file) {
  std::vector<TokenEstimate> out;
  std::vector<std::size_t> shapes_seen;
  for (const auto& r : results) {
    if (r.count_per_token <= 0) continue;
    auto it = std::find_if(out.begin(), out.end(), [&](const TokenEstimate& e) {
      return e.kernel == r.key.kernel && e.dtype == r.key.dtype && e.storage == r.key.storage;
    });
    if (it == out.end()) {
      out.push_back({r.key.kernel, r.key.dtype, r.key.storage, 0, 0, 0, true});
      shapes_seen.push_back(0);
      it = out.end() - 1;
    }
    ++shapes_seen[static_cast<std::size_t>(it - out.begin())];
    if (r.status != Status::ok || !r.timing) {
      it->complete = false;
      continue;
    }
    it->seconds_per_token += r.timing->summary.median * static_cast<double>(r.count_per_token);
    it->bytes_per_token += static_cast<double>(r.bytes.total()) * static_cast<double>(r.count_per_token);
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (shapes_seen[i] < shapes_in_file) out[i].complete = false;
  }
  for (auto& e : out) e.tokens_per_second = e.complete && e.seconds_per_token > 0 ? 1.0 / e.seconds_per_token : 0;
  return out;
}

}  // namespace qgemv::bench
