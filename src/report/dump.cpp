#include "report/dump.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "kernels/kernel_table.hpp"
#include "report/npy.hpp"
#include "util/error.hpp"

namespace qgemv::report {

namespace {

// Shape names are restricted when the shapes file is read; this holds whatever the name.
bool single_safe_component(const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name.size() > 255) return false;
  return std::none_of(name.begin(), name.end(), [](char c) {
    return c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
}

}  // namespace

void prepare_dump_folder(const std::filesystem::path& dir) {
  if (dir.empty()) throw UsageError("--dump: must not be empty");
  std::error_code error;
  const auto status = std::filesystem::symlink_status(dir, error);
  if (std::filesystem::exists(status) && !std::filesystem::is_directory(std::filesystem::status(dir, error))) {
    throw UsageError(fmt::format("--dump {}: not a folder", dir.string()));
  }
  std::filesystem::create_directories(dir, error);
  if (error) throw UsageError(fmt::format("--dump {}: cannot create the folder: {}", dir.string(), error.message()));
}

std::filesystem::path dump_case(const std::filesystem::path& dir, const bench::Problem& problem,
                                const bench::CaseKey& key, std::span<const float> y) {
  const auto name = fmt::format("{}.{}.{}.{}", key.shape, key.kernel, to_string(key.dtype), to_string(key.storage));
  if (!single_safe_component(name)) {
    throw std::runtime_error(fmt::format("--dump: case folder name {} would leave {}", nlohmann::json(name).dump(),
                                         dir.string()));
  }
  const auto folder = dir / name;
  std::filesystem::create_directories(folder);
  const auto quantization = kernels::quantization_of(key.kernel);
  const auto& data = problem.data(quantization);
  const auto& shape = data.shape;
  write_npy(folder / "q.npy", data.q, {shape.n, shape.k});
  write_npy(folder / "scale.npy", data.scale, {shape.groups(), shape.n});
  write_npy(folder / "zero.npy", data.zero, {shape.groups(), shape.n});
  write_npy(folder / "x.npy", data.x, {shape.k});
  write_npy(folder / "y.npy", y, {shape.n});
  if (const auto* reference = problem.reference(quantization)) write_npy(folder / "y_ref.npy", reference->y, {shape.n});

  nlohmann::json manifest = {
      {"shape", key.shape},       {"n", shape.n},
      {"k", shape.k},             {"group_size", shape.group_size},
      {"kernel", key.kernel},     {"dtype", to_string(key.dtype)},
      {"storage", to_string(key.storage)}, {"seed", data.seed},
      {"quantization", quant::to_string(quantization)},
      {"formula", "y[n] = sum_k x[k] * ((q[n][k] - 8) * scale[k / group_size][n] + zero[k / group_size][n])"},
  };
  std::ofstream out(folder / "manifest.json");
  out << manifest.dump(2) << "\n";
  if (!out) throw std::runtime_error(fmt::format("cannot write {}", (folder / "manifest.json").string()));
  return folder;
}

bench::GpuOutputSink case_dumper(const std::filesystem::path& dir) {
  return [dir](const bench::Problem& problem, const bench::CaseKey& key, std::span<const float> y) {
    dump_case(dir, problem, key, y);
  };
}

}  // namespace qgemv::report
