// Throughput of the audio pipeline: log-mel front-end in batches, and resampling.
//   build/bench/bench_frontend --benchmark_counters_tabular=true

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <cmath>
#include <random>
#include <vector>

#include "paradigms/audio/log_mel.h"
#include "paradigms/audio/resample.h"
#include "paradigms/core/threads.h"

namespace {

// One second of 16 kHz audio per item, batch size from the argument.
void BM_LogMelBatch(benchmark::State& state) {
  paradigms::set_torch_threads(0);
  const paradigms::audio::FrontEnd frontend(paradigms::audio::FrontendOptions{});
  torch::manual_seed(0);
  const torch::Tensor batch = torch::randn({state.range(0), 16000});
  for (auto _ : state) benchmark::DoNotOptimize(frontend(batch));
  state.counters["clips/s"] =
      benchmark::Counter(double(state.range(0)), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_LogMelBatch)->Arg(1)->Arg(64)->Arg(256)->Unit(benchmark::kMillisecond);

// Ten seconds of 44.1 kHz audio to 16 kHz.
void BM_Resample44kTo16k(benchmark::State& state) {
  std::mt19937 rng(0);
  std::normal_distribution<float> noise(0.0f, 0.1f);
  std::vector<float> samples(441000);
  for (auto& sample : samples) sample = noise(rng);
  for (auto _ : state) {
    benchmark::DoNotOptimize(paradigms::audio::resample(samples, 44100, 16000));
  }
  state.counters["audio_s/s"] =
      benchmark::Counter(10.0, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Resample44kTo16k)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
