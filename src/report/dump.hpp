#pragma once
#include <filesystem>
#include <span>

#include "bench/case_result.hpp"
#include "bench/problem.hpp"

namespace qgemv::report {

// Writes q.npy (uint8 N x K), scale.npy, zero.npy (float32 K/G x N), x.npy, y.npy, y_ref.npy and
// manifest.json into DIR/<shape>.<kernel>.<dtype>.<storage>/ and returns that folder.
std::filesystem::path dump_case(const std::filesystem::path& dir, const bench::Problem& problem,
                                const bench::CaseKey& key, std::span<const float> y);

}  // namespace qgemv::report
