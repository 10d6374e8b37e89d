#pragma once
// Decode-step replay: one token = every GEMV of a model (own weights per layer) recorded back to
// back in one command buffer, timed over whole tokens, next to the sum of the same shapes timed in
// isolation. Measures and returns; never prints.
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bench/case_result.hpp"
#include "bench/decode_timing.hpp"
#include "bench/decode_token.hpp"
#include "bench/sweep.hpp"
#include "quant/quant_data.hpp"

namespace qgemv::bench {

struct DecodePlan {
  // Shapes, kernels, dtypes, storages, seed, timing, validation, roofline, tuning table and
  // device: as the sweep reads them. Its cold-cache setting applies to the isolated pass.
  SweepPlan sweep;
  std::int64_t layers = 0;  // replayed: the file's, or fewer (--layers)
  BarrierMode barriers = BarrierMode::graph;  // where barriers go between a token's GEMVs
  bool profile = false;     // a timestamp pair per GEMV in extra tokens: each shape's share
  bool floor = false;       // also replay the token with every GEMV shrunk to 8 x G (floor_model)
  bool fused = false;       // `sweep.shapes` is fused_model of the file (--fuse): reported, not applied here
};

// One shape of the file timed alone by the per-case runner.
struct IsolatedShape {
  std::string shape;
  std::int64_t n = 0, k = 0, group_size = 0;
  std::int64_t count_per_token = 0;
  Status status = Status::failed;
  std::string message;
  std::optional<double> median_s;  // per GEMV; the first entry with the same (N, K, G) when shared
};

// --profile: one shape's GEMVs within a token.
struct ShapeShare {
  std::string shape;
  std::int64_t gemvs = 0;            // instances per token
  double seconds_per_token = 0;      // sum over instances of each one's median
  double share = 0;                  // of the sum over every GEMV of the token
};

inline constexpr std::size_t kMaxListedFailures = 32;

struct DecodeVariant {
  std::string kernel;
  DType dtype = DType::fp32;
  Storage storage = Storage::bb;
  Status status = Status::failed;
  std::string message;
  std::int64_t dispatches_per_token = 0;  // vkCmdDispatch calls (a GEMV split along N is several)
  std::int64_t barriers_per_token = 0;    // pipeline barriers recorded between the token's GEMVs
  Bytes bytes_per_token;
  std::optional<Timing> timing;  // per token: repetitions[i].seconds, .dispatches = tokens
  std::int64_t validated_gemvs = 0;   // outputs of the first token checked against the reference
  std::int64_t failed_gemvs = 0;
  double worst_nrmse = 0;
  std::string first_failure;          // "<instance>: <message>"
  std::vector<std::string> failed_instances;  // names, the first kMaxListedFailures
  std::vector<IsolatedShape> isolated;
  std::optional<double> isolated_seconds_per_token;  // null when a shape did not time ok
  TokenFigures figures;
  std::optional<double> speedup_vs_baseline;  // baseline kernel's token time / this one's, same dtype and storage
  std::vector<ShapeShare> profile;
  // --floor: the same token (dispatches, barriers, kernel, configurations) with every GEMV 8 x G,
  // whose work is next to nothing: what dispatching, synchronising and the kernel's shortest run
  // (one step of one invocation) cost per token.
  std::optional<double> floor_seconds_per_token;
  std::string floor_message;  // why the floor has no time, when it has none

  // Its token times stayed non-stationary after the re-measurement: not to be reported as fact.
  bool unstable() const { return timing && timing->stability.unstable; }
};

struct DecodeResult {
  vk_util::DeviceInfo device;
  std::vector<std::string> features;
  std::optional<Roofline> roofline;
  std::string roofline_error;
  std::int64_t layers_in_file = 0;
  std::int64_t layers = 0;
  std::int64_t gemvs_per_token = 0;
  std::vector<DecodeVariant> variants;
  bool incomplete = false;  // interrupted (stop signal, lost device) before every variant ran
  std::size_t validation_messages = 0;
  std::vector<std::string> first_validation_messages;
  double wall_s = 0;
};

// What the model needs per dtype: device bytes of every instance's weights, qparams, x and y, and
// host bytes to generate, pack and keep them. Empty reason when it fits.
struct ModelFootprint {
  Bytes per_token;
  std::uint64_t device_bytes = 0;
  std::uint64_t host_bytes = 0;
};
ModelFootprint model_footprint(const config::ShapesFile& file, std::int64_t layers, DType dtype,
                               quant::Quantization quantization = quant::Quantization::affine);

// `interrupted` (or a stop request, util/stop_request.hpp) ends the run after the current GPU
// submission: the variant under way is left out and the result is incomplete. `on_variant_done`
// gets the results so far (incomplete, derived figures not filled) after each variant.
DecodeResult run_decode(const DecodePlan& plan, const std::function<void(const std::string&)>& on_progress,
                        const std::atomic<bool>& interrupted,
                        const std::function<void(const DecodeResult&)>& on_variant_done = {});

// Fills figures and speedup_vs_baseline of every ok variant.
void fill_decode_derived(DecodeResult& result);

// The kernel the speedups are over: the kernel table's first row.
std::string baseline_kernel_name();

}  // namespace qgemv::bench
