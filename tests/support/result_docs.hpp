#pragma once
// Builds qgemv-bench result documents with chosen timings, for compare tests: schema_version 1
// (raw per-dispatch samples) and 2 (independent repetitions, measurement settings, stability).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace qgemv::testing {

inline constexpr const char* kLavapipe = "llvmpipe (LLVM 15.0.6, 256 bits)";

// Samples are given in microseconds, as people read them; the document stores seconds.
inline nlohmann::json result_case(const std::string& shape, const std::string& kernel,
                                  const std::vector<double>& samples_us, std::optional<double> speedup = 1.0,
                                  const std::string& status = "ok", const std::string& message = "") {
  nlohmann::json samples = nlohmann::json::array();
  for (double us : samples_us) samples.push_back(us * 1e-6);
  nlohmann::json timing = nullptr;
  if (!samples_us.empty()) timing = {{"timer", "gpu"}, {"unit", "s"}, {"samples", samples}};
  return {{"shape", shape},
          {"n", 64},
          {"k", 256},
          {"group_size", 64},
          {"kernel", kernel},
          {"dtype", "fp32"},
          {"storage", "bb"},
          {"status", status},
          {"message", message},
          {"timing", timing},
          {"bytes", {{"total", 11520}}},
          {"speedup_vs_legacy", speedup ? nlohmann::json(*speedup) : nlohmann::json(nullptr)}};
}

inline nlohmann::json result_doc(const std::vector<nlohmann::json>& cases, const std::string& device = kLavapipe) {
  return {{"schema_version", 1},
          {"context", {{"device", {{"name", device}}}}},
          {"complete", true},
          {"results", cases}};
}

// Ten samples a side, each set within 1 us, 20 us apart: the U test's smallest p for 10 vs 10.
inline std::vector<double> tight(double start_us) {
  std::vector<double> out;
  for (int i = 0; i < 10; ++i) out.push_back(start_us + 0.1 * i);
  return out;
}

// Nine samples whose medians are 100 and 120 us (20 % apart) but which overlap so much that the
// U test finds no difference: U = 29.5, p = 0.35358840642707257 (SciPy, method="asymptotic").
inline const std::vector<double> kNoisyBase = {60, 70, 80, 90, 100, 110, 120, 130, 140};
inline const std::vector<double> kNoisySlower = {65, 75, 95, 105, 120, 125, 135, 145, 150};

// Version 2: one case whose repetitions (microseconds per dispatch) are `reps_us`; `ratios` are its
// paired speedups over the baseline kernel.
inline nlohmann::json result_case_v2(const std::string& shape, const std::string& kernel,
                                     const std::vector<double>& reps_us, bool unstable = false,
                                     const std::vector<double>& ratios = {}, bool ratios_unstable = false) {
  auto c = result_case(shape, kernel, {}, std::nullopt);
  nlohmann::json reps = nlohmann::json::array();
  std::vector<double> sorted = reps_us;
  std::sort(sorted.begin(), sorted.end());
  for (double us : reps_us) reps.push_back({{"seconds", us * 1e-6}, {"dispatches", 100}});
  c["timing"] = {{"timer", "gpu"},
                 {"unit", "s"},
                 {"median", sorted.empty() ? 0.0 : sorted[sorted.size() / 2] * 1e-6},
                 {"repetitions", reps},
                 {"stability", {{"unstable", unstable}, {"reason", unstable ? "drift: last third +20.0% from the first" : ""}}}};
  if (!ratios.empty()) {
    std::vector<double> r = ratios;
    std::sort(r.begin(), r.end());
    c["speedup_vs_legacy"] = r[r.size() / 2];
    c["speedup"] = {{"ratios", ratios}, {"stability", {{"unstable", ratios_unstable}}}};
  }
  return c;
}

inline nlohmann::json settings_v2() {
  return {{"cold_cache", "on"}, {"cold_cache_target_bytes", 268435456}, {"group_size", nullptr},
          {"repetitions", 10},  {"min_time_s", 0.02},                   {"max_time_s", 3.0},
          {"warmup", {{"min_dispatches", 10}, {"tolerance", 0.05}, {"max_seconds", 1.5}}},
          {"max_binding_bytes", 0}, {"interleaved", true}};
}

inline nlohmann::json result_doc_v2(const std::vector<nlohmann::json>& cases, double read_gbps = 0.5) {
  auto doc = result_doc(cases);
  doc["schema_version"] = 2;
  doc["settings"] = settings_v2();
  doc["roofline"] = {{"read_gbps", read_gbps}};
  return doc;
}

}  // namespace qgemv::testing
