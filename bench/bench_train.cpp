// Training throughput of the main job's model (configs/notes_family.yaml) through the library:
// SupervisedParadigm::train_step over train::Examples, as the trainer drives it (seeded epoch
// plans, torch and crop generators re-seeded every step). Prints one JSON line, the format
// bench/train_python.py prints for the same model in PyTorch-Python:
//   {"impl": "cpp", "samples_per_s": ..., "steps": ..., "threads": ..., ...}
//
//   build/bench/bench_train --steps 200 --warmup 20 --threads 2
//       [--features data/notes/features.npy] [--labels data/notes/family.npy]
//
// bench/compare_train.sh makes the data and runs both programs side by side.

#include <sys/resource.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <ctime>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#if __has_include(<torch/csrc/autograd/profiler_legacy.h>)
#include <torch/csrc/autograd/profiler_legacy.h>
#define BENCH_HAS_RECORD_PROFILE 1
#endif

#include "paradigms/core/error.h"
#include "paradigms/core/memory.h"
#include "paradigms/core/threads.h"
#include "paradigms/data/csv_dataset.h"
#include "paradigms/data/npy_tensor.h"
#include "paradigms/paradigms/supervised.h"
#include "paradigms/train/examples.h"

namespace {

using Clock = std::chrono::steady_clock;

struct BenchArgs {
  std::string features = "data/notes/features.npy";
  std::string labels = "data/notes/family.npy";
  std::int64_t steps = 200;
  std::int64_t warmup = 20;
  std::int64_t batch_size = 64;
  int threads = 2;
  int interop_threads = 0;
  std::uint64_t seed = 0;
  // The defaults measure the library as the paradigms CLI runs it; the rest are experiments.
  bool tune_malloc = true;     // as the paradigms CLI does: paradigms::keep_freed_memory()
  bool channels_last = false;  // conv weights, hence activations, in NHWC
  double dropout = -1.0;       // override the encoder's dropout (< 0: the config's 0.1)
  std::string profile_trace;   // write a chrome://tracing file of the timed steps
};

// The model, loss and optimizer of configs/notes_family.yaml (the library defaults, spelled
// out so that a change of default does not silently change what is measured), with the
// --dropout experiment applied.
paradigms::SupervisedOptions notes_family_options(const BenchArgs& args) {
  paradigms::SupervisedOptions options;
  options.model.encoder.kind = paradigms::models::EncoderKind::Conv2d;
  options.model.encoder.channels = {16, 32, 64, 128};
  options.model.encoder.kernel_size = 3;
  options.model.encoder.pool_size = 2;
  options.model.encoder.dropout = 0.1;
  if (args.dropout >= 0) options.model.encoder.dropout = args.dropout;
  options.model.pooling = paradigms::models::PoolingKind::Mean;
  options.loss.kind = paradigms::losses::SupervisedLossKind::CrossEntropy;
  options.loss.label_smoothing = 0.0;
  options.optimizer.kind = paradigms::optim::OptimizerKind::Adam;
  options.optimizer.lr = 0.002;
  options.optimizer.weight_decay = 1e-4;
  return options;
}

// Every row is a training item; features are one [C, T] tensor per item, as the CLI holds
// them after extraction, and crops span the whole item (1-s notes, crop of 1 s).
std::shared_ptr<const paradigms::train::Examples> load_examples(const BenchArgs& args) {
  paradigms::data::Dataset dataset =
      paradigms::data::load_feature_arrays(args.features, args.labels);
  for (auto& item : dataset.items) item.split = paradigms::data::Split::Train;
  const at::Tensor stacked = paradigms::data::to_tensor(*dataset.feature_array);
  std::vector<at::Tensor> features;
  features.reserve(dataset.items.size());
  for (std::int64_t row = 0; row < stacked.size(0); ++row) {
    features.push_back(stacked[row].clone());
  }
  const std::int64_t crop_frames = stacked.size(2);
  return std::make_shared<const paradigms::train::Examples>(dataset, std::move(features),
                                                            crop_frames);
}

// Steps in the trainer's order: epoch after epoch of seeded plans, the last batch of an epoch
// possibly smaller, torch's generator and the crop generator seeded from the step.
class StepRunner {
 public:
  StepRunner(paradigms::SupervisedParadigm& paradigm, const BenchArgs& args)
      : paradigm_(paradigm), args_(args), items_(paradigm.train_items()) {
    batching_.batch_size = args.batch_size;
  }

  /// Runs `steps` steps and returns the samples seen; appends each step's wall time to
  /// `step_s` when given.
  std::int64_t run(std::int64_t steps, double* last_loss, std::vector<double>* step_s = nullptr) {
    std::int64_t samples = 0;
    for (std::int64_t s = 0; s < steps; ++s) {
      const auto start = Clock::now();
      if (next_ == plan_.size()) {
        plan_ = paradigms::train::plan_epoch(items_, batching_, args_.seed, epoch_++);
        next_ = 0;
      }
      torch::manual_seed(paradigms::train::mix_seed(args_.seed, 1, step_));
      std::mt19937_64 rng(paradigms::train::mix_seed(args_.seed, 2, step_));
      const paradigms::StepResult result = paradigm_.train_step(plan_[next_++], rng);
      ++step_;
      samples += result.samples;
      *last_loss = result.losses.front().second;
      if (step_s) step_s->push_back(std::chrono::duration<double>(Clock::now() - start).count());
    }
    return samples;
  }

 private:
  paradigms::SupervisedParadigm& paradigm_;
  const BenchArgs& args_;
  std::vector<std::size_t> items_;
  paradigms::train::BatchingOptions batching_;
  paradigms::train::EpochPlan plan_;
  std::size_t next_ = 0;
  std::int64_t epoch_ = 0;
  std::uint64_t step_ = 0;
};

// NHWC conv weights make mkldnn convolutions return NHWC activations, which batch-norm and
// max-pool then process in their vectorised channels-last kernels. The first block's weight
// [16, 1, k, k] counts as channels-last contiguous already, so contiguous(ChannelsLast) would
// leave its NCHW strides (and that block's activations NCHW): copy into NHWC strides instead,
// as Python's module.to(memory_format=...) does. set_data keeps each parameter's identity, so
// the optimizer built on them stays attached.
void use_channels_last(torch::nn::Module& model) {
  torch::NoGradGuard no_grad;
  for (auto& parameter : model.parameters()) {
    if (parameter.dim() == 4) {
      parameter.set_data(
          torch::empty_like(parameter, torch::MemoryFormat::ChannelsLast).copy_(parameter));
    }
  }
}

// Minor page faults of the process so far: first touches of memory the allocator got anew
// from the kernel.
long minor_page_faults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

int run_bench(const BenchArgs& args) {
  paradigms::check_input(args.steps >= 1,
                         "--steps must be >= 1 (got " + std::to_string(args.steps) + ")");
  paradigms::check_input(args.warmup >= 0,
                         "--warmup must be >= 0 (got " + std::to_string(args.warmup) + ")");
  paradigms::check_input(args.batch_size >= 1,
                         "--batch-size must be >= 1 (got " + std::to_string(args.batch_size) + ")");
  const int threads = paradigms::set_torch_threads(args.threads);
  // Inter-op threads can only be set once, before any parallel work, hence here.
  if (args.interop_threads > 0) torch::set_num_interop_threads(args.interop_threads);
  if (args.tune_malloc) {
    paradigms::check_input(paradigms::keep_freed_memory(),
                           "--tune-malloc: paradigms::keep_freed_memory() returned false (no "
                           "glibc, or mallopt refused a setting); --default-malloc skips it");
  }
  torch::manual_seed(args.seed);

  const auto examples = load_examples(args);
  paradigms::SupervisedParadigm paradigm(examples, notes_family_options(args), c10::Device("cpu"));
  if (args.channels_last) use_channels_last(*paradigm.model());
  StepRunner runner(paradigm, args);
  double loss = 0;
  runner.run(args.warmup, &loss);

  std::vector<double> step_s;
  step_s.reserve(std::size_t(args.steps));
  const long faults_start = minor_page_faults();
  const std::clock_t cpu_start = std::clock();
  const auto start = Clock::now();
  std::int64_t samples = 0;
  if (args.profile_trace.empty()) {
    samples = runner.run(args.steps, &loss, &step_s);
  } else {
#if defined(BENCH_HAS_RECORD_PROFILE)
    torch::autograd::profiler::RecordProfile profile(args.profile_trace);
    samples = runner.run(args.steps, &loss, &step_s);
#else
    throw paradigms::InputError("--profile-trace: this libtorch has no legacy profiler");
#endif
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu_s = double(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  const long faults = minor_page_faults() - faults_start;
  // The median step resists the bursts of other work on a shared machine.
  std::nth_element(step_s.begin(), step_s.begin() + std::ptrdiff_t(step_s.size() / 2),
                   step_s.end());
  const double median_step_s = step_s[step_s.size() / 2];

  const nlohmann::json line = {{"impl", "cpp"},
                               {"samples_per_s", double(samples) / seconds},
                               {"steps", args.steps},
                               {"threads", threads},
                               {"interop_threads", torch::get_num_interop_threads()},
                               {"batch_size", args.batch_size},
                               {"warmup", args.warmup},
                               {"samples", samples},
                               {"seconds", seconds},
                               {"cpu_s", cpu_s},
                               {"page_faults_per_step", double(faults) / double(args.steps)},
                               {"median_step_ms", median_step_s * 1e3},
                               {"median_samples_per_s", double(args.batch_size) / median_step_s},
                               {"items", examples->split(paradigms::data::Split::Train).size()},
                               {"last_loss", loss},
                               {"torch", TORCH_VERSION},
                               {"channels_last", args.channels_last},
                               {"tune_malloc", args.tune_malloc},
                               {"dropout", args.dropout >= 0 ? args.dropout : 0.1}};
  std::cout << line.dump() << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  BenchArgs args;
  CLI::App app{"Training samples/s of the notes_family model through SupervisedParadigm"};
  app.add_option("--features", args.features, "features .npy [N, C, T] float32")
      ->capture_default_str();
  app.add_option("--labels", args.labels, "labels .npy [N] int64")->capture_default_str();
  app.add_option("--steps", args.steps, "timed steps")->capture_default_str();
  app.add_option("--warmup", args.warmup, "untimed steps first")->capture_default_str();
  app.add_option("--batch-size", args.batch_size, "items per step")->capture_default_str();
  app.add_option("--threads", args.threads, "intra-op threads (0: all cores)")
      ->capture_default_str();
  app.add_option("--interop-threads", args.interop_threads, "inter-op threads (0: libtorch's)")
      ->capture_default_str();
  app.add_option("--seed", args.seed, "item order, dropout and init")->capture_default_str();
  app.add_flag("--channels-last", args.channels_last, "experiment: NHWC conv weights");
  app.add_flag("--tune-malloc,!--default-malloc", args.tune_malloc,
               "keep freed memory as the CLI does (default); --default-malloc: glibc's defaults");
  app.add_option("--dropout", args.dropout, "experiment: encoder dropout (default: 0.1)");
  app.add_option("--profile-trace", args.profile_trace,
                 "write a chrome://tracing file of the timed steps (slows them)");
  CLI11_PARSE(app, argc, argv);
  try {
    return run_bench(args);
  } catch (const std::exception& error) {
    std::cerr << "bench_train: " << error.what() << "\n";
    return 1;
  }
}
