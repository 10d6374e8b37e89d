// Google Benchmark's own JSON for the fidelity test of --format gbench: built against Debian's
// libbenchmark-dev (1.7.1), it reports the features qgemv-bench's writer uses: repetitions with
// their aggregates, a time measured outside the CPU clock (manual time, like a GPU timestamp), a
// bytes_per_second counter, a label, and a benchmark that ends in an error.
#include <benchmark/benchmark.h>

#include <chrono>

namespace {

void measured(benchmark::State& state) {
  double sum = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 1000; ++i) benchmark::DoNotOptimize(sum += i);
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  state.SetBytesProcessed(state.iterations() * 11520);
  state.SetLabel("N=64 K=256 G=64 timer=gpu");
}
BENCHMARK(measured)->Repetitions(3)->Iterations(50)->UseManualTime()->Unit(benchmark::kMicrosecond);

void failing(benchmark::State& state) {
  for (auto _ : state) {
    state.SkipWithError("validation: nrmse 1.0 > 3e-06");
    break;
  }
  state.SetLabel("N=64 K=256 G=64");
}
BENCHMARK(failing)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
