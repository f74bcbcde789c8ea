#pragma once
// The interface every training paradigm implements, so one trainer runs them all.
//
// A paradigm owns its models and optimizers (a classifier and its optimizer; a GAN's
// generator and discriminator with one optimizer each), and performs one optimisation step
// itself, which leaves room for custom steps (alternating updates, several losses). The
// trainer owns everything around the steps: epochs, the order of items, learning-rate
// schedules, validation, early stopping, checkpoints and logs.
//
// Plugging in a paradigm: subclass Paradigm, return the named modules and optimizers (they
// are checkpointed and exported under those names), implement train_step over the item
// indices the trainer hands over, evaluate for validation/test metrics and, for generative
// paradigms, sample.

#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "paradigms/data/dataset.h"
#include "paradigms/train/examples.h"

namespace paradigms {

using NamedModules = std::vector<std::pair<std::string, std::shared_ptr<torch::nn::Module>>>;
using NamedOptimizers = std::vector<std::pair<std::string, torch::optim::Optimizer*>>;

/// What one optimisation step reports: named losses (the first is the one watched for NaN).
struct StepResult {
  std::vector<std::pair<std::string, double>> losses;
  std::int64_t samples = 0;
};

class Paradigm {
 public:
  virtual ~Paradigm() = default;

  virtual std::string name() const = 0;
  /// Every module to checkpoint and export, by name.
  virtual NamedModules modules() = 0;
  /// Every optimizer with its base learning rate, by name (schedules scale the base).
  virtual NamedOptimizers optimizers() = 0;
  virtual double base_learning_rate(const std::string& optimizer) const = 0;

  /// The items one epoch draws its steps from.
  virtual std::vector<std::size_t> train_items() const = 0;
  /// The steps of epoch `epoch` (0-based), each a list of micro-batches of indices that
  /// train_step understands. The default cuts a seeded shuffle of train_items() by
  /// `batching`; paradigms with their own sampling (m items per class, batches of mined
  /// triplets) override it. Must depend on (seed, epoch) and the paradigm's state only, so a
  /// resumed run replays it, and must give the same number of steps for every epoch.
  virtual train::EpochPlan plan_epoch(const train::BatchingOptions& batching, std::uint64_t seed,
                                      std::int64_t epoch);
  /// Called before the first step of every epoch; `resumed_mid_epoch` is true when the epoch
  /// continues from a checkpoint taken inside it (state built at the epoch's start, such as
  /// offline-mined triplets, is then in the checkpoint). `seed` is the run's seed.
  virtual void begin_epoch(std::int64_t epoch, std::uint64_t seed, bool resumed_mid_epoch) {}
  /// Statistics of the epoch so far (mined tuple counts, ...), a JSON object merged into the
  /// epoch record's `train` entry; the trainer calls it once at the end of every epoch.
  virtual nlohmann::json epoch_stats() { return nlohmann::json::object(); }
  /// One optimisation step over `micro_batches` (gradients accumulated over them); `rng`
  /// drives the data randomness of this step (crops, augmentations).
  virtual StepResult train_step(const std::vector<std::vector<std::size_t>>& micro_batches,
                                std::mt19937_64& rng) = 0;
  /// Metrics of `split` as a flat JSON object of numbers (plus optional nested details).
  virtual nlohmann::json evaluate(data::Split split) = 0;
  /// Writes reports for `split` (confusion matrix, ...) into `dir`.
  virtual void write_reports(data::Split split, const std::filesystem::path& dir) {}

  /// Embeddings [N, D] of `indices` (eval mode, centred crops) on the CPU: the embedding
  /// model's output, or the pooled features before a classifier's head. Throws by default.
  virtual at::Tensor embed(const std::vector<std::size_t>& indices);
  /// The module written by `paradigms export` (the first of modules() by default).
  virtual std::shared_ptr<torch::nn::Module> export_module();
  /// What a user of the exported weights needs beside them to read the outputs, as JSON
  /// (written next to the weights): {"paradigm": name()} by default.
  virtual nlohmann::json export_info() const { return {{"paradigm", name()}}; }

  /// Generative paradigms draw `count` samples; others throw.
  virtual bool generative() const { return false; }
  virtual at::Tensor sample(std::int64_t count);

  /// Train or eval mode for every module.
  void set_training(bool training);
};

/// f(part) over consecutive parts of at most `chunk` of `indices`, in order, concatenated
/// along dim 0 on the CPU, so evaluation memory stays bounded by the chunk; [0, columns]
/// when `indices` is empty.
at::Tensor concat_chunks(const std::vector<std::size_t>& indices, std::int64_t chunk,
                         std::int64_t columns,
                         const std::function<at::Tensor(const std::vector<std::size_t>&)>& f);

}  // namespace paradigms
