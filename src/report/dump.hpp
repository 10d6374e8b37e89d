#pragma once
// --dump DIR: each case's inputs and outputs as .npy files, for checking the kernels elsewhere.
#include <filesystem>
#include <span>

#include "bench/case_result.hpp"
#include "bench/problem.hpp"
#include "bench/runner.hpp"

namespace qgemv::report {

// Before the sweep: UsageError when DIR exists and is not a folder, or cannot be created.
void prepare_dump_folder(const std::filesystem::path& dir);

// Writes q.npy (uint8 N x K), scale.npy, zero.npy (float32 K/G x N), x.npy, y.npy, y_ref.npy and
// manifest.json into DIR/<shape>.<kernel>.<dtype>.<storage>/ and returns that folder. Throws
// (the case fails) rather than write anywhere but directly under DIR.
std::filesystem::path dump_case(const std::filesystem::path& dir, const bench::Problem& problem,
                                const bench::CaseKey& key, std::span<const float> y);

// What the sweep calls with each case's GPU output (bench::RunSettings::on_gpu_output).
bench::GpuOutputSink case_dumper(const std::filesystem::path& dir);

}  // namespace qgemv::report
