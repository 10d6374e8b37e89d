#include "report/dump.hpp"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "report/npy.hpp"

namespace qgemv::report {

std::filesystem::path dump_case(const std::filesystem::path& dir, const bench::Problem& problem,
                                const bench::CaseKey& key, std::span<const float> y) {
  const auto folder = dir / fmt::format("{}.{}.{}.{}", key.shape, key.kernel, to_string(key.dtype),
                                        to_string(key.storage));
  std::filesystem::create_directories(folder);
  const auto& data = problem.data();
  const auto& shape = data.shape;
  write_npy(folder / "q.npy", data.q, {shape.n, shape.k});
  write_npy(folder / "scale.npy", data.scale, {shape.groups(), shape.n});
  write_npy(folder / "zero.npy", data.zero, {shape.groups(), shape.n});
  write_npy(folder / "x.npy", data.x, {shape.k});
  write_npy(folder / "y.npy", y, {shape.n});
  if (problem.reference()) write_npy(folder / "y_ref.npy", problem.reference()->y, {shape.n});

  nlohmann::json manifest = {
      {"shape", key.shape},       {"n", shape.n},
      {"k", shape.k},             {"group_size", shape.group_size},
      {"kernel", key.kernel},     {"dtype", to_string(key.dtype)},
      {"storage", to_string(key.storage)}, {"seed", data.seed},
      {"formula", "y[n] = sum_k x[k] * ((q[n][k] - 8) * scale[k / group_size][n] + zero[k / group_size][n])"},
  };
  std::ofstream out(folder / "manifest.json");
  out << manifest.dump(2) << "\n";
  if (!out) throw std::runtime_error(fmt::format("cannot write {}", (folder / "manifest.json").string()));
  return folder;
}

}  // namespace qgemv::report
