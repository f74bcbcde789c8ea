#pragma once
// Metric learning: an encoder and an embedding head trained so that items of one class are
// close and items of different classes far apart, evaluated by retrieval (MAP@R, ...).
//
// Supervision:
//   labels          batches of m items per class (or plain shuffled batches); a loss over
//                   the tuples an online miner picks in each batch, with the current model
//   offline         every K epochs the whole training split is embedded with the current
//                   model and a miner picks triplets (at most k per anchor); the steps until
//                   the next refresh train on batches of those triplets
//   triplets_file   batches of the triplets (a, p, n) of a CSV file (d(a,p) < d(a,n))
//   pairs_file      batches of the pairs (i, j, ±1) of a CSV file
// An epoch has as many steps as plain mini-batches over the training split (for the files:
// one pass over their tuples); a tuple step uses `batch_size` tuples.
//
// Validation and test: retrieval over the split's embeddings, leave-one-out, relevant = same
// label, so held-out classes measure zero-shot retrieval; plus the loss over the whole split
// (every valid tuple, no miner).

#include <array>
#include <memory>
#include <string>

#include "paradigms/losses/metric_loss.h"
#include "paradigms/models/classifier.h"
#include "paradigms/optim/optimizers.h"
#include "paradigms/paradigms/paradigm.h"
#include "paradigms/train/examples.h"
#include "paradigms/train/samplers.h"

namespace paradigms {

enum class MetricSupervision { Labels, Offline, TripletsFile, PairsFile };
const char* to_string(MetricSupervision supervision);

struct MetricLearningOptions {
  models::ModelOptions model;        ///< encoder, pooling, optional hidden head layer
  std::int64_t embedding_dim = 128;  ///< output size of the embedding head
  bool normalize_embeddings = true;  ///< L2-normalise the model's output rows
  losses::MetricLossOptions loss;    ///< the loss and its distance
  miners::MinerOptions miner;        ///< online miner (labels supervision)
  MetricSupervision supervision = MetricSupervision::Labels;
  bool class_balanced = true;       ///< labels: m items per class in every batch
  std::int64_t per_class = 4;       ///< labels: m
  std::int64_t refresh_epochs = 1;  ///< offline: mine again every K epochs
  miners::MinerOptions offline_miner{miners::MinerKind::SemiHard};  ///< offline: strategy
  std::int64_t triplets_per_anchor = 8;  ///< offline: triplets kept per anchor
  std::string tuples_file;               ///< triplets_file / pairs_file: the CSV
  optim::OptimizerOptions optimizer;     ///< algorithm and hyper-parameters
  double grad_clip_norm = 0.0;           ///< clip the global gradient norm (0: off)
  std::int64_t eval_batch_size = 256;    ///< items per forward pass in evaluation

  /// Throws ConfigError for a value out of range or a combination that cannot train.
  void validate() const;
  std::string describe() const;
};

class MetricLearningParadigm : public Paradigm {
 public:
  /// `batch_size` is the trainer's (items, or tuples for tuple supervision).
  MetricLearningParadigm(std::shared_ptr<const train::Examples> examples,
                         MetricLearningOptions options, std::int64_t batch_size,
                         c10::Device device);

  std::string name() const override { return "metric"; }
  NamedModules modules() override;
  NamedOptimizers optimizers() override;
  double base_learning_rate(const std::string& optimizer) const override;
  std::vector<std::size_t> train_items() const override;
  train::EpochPlan plan_epoch(const train::BatchingOptions& batching, std::uint64_t seed,
                              std::int64_t epoch) override;
  void begin_epoch(std::int64_t epoch, std::uint64_t seed, bool resumed_mid_epoch) override;
  nlohmann::json epoch_stats() override;
  StepResult train_step(const std::vector<std::vector<std::size_t>>& micro_batches,
                        std::mt19937_64& rng) override;
  nlohmann::json evaluate(data::Split split) override;
  at::Tensor embed(const std::vector<std::size_t>& indices) override;
  /// The embedding's size and whether the model's rows are L2-normalised after the head
  /// (the exported weights end at the head).
  nlohmann::json export_info() const override;

  models::Classifier& model() { return model_; }
  /// Triplets (dataset item indices) the tuple steps currently draw from.
  std::int64_t current_triplets() const;

 private:
  at::Tensor embed_features(const at::Tensor& features);
  at::Tensor labels_of(const std::vector<std::size_t>& indices) const;
  void mine_offline(std::int64_t epoch, std::uint64_t seed);
  StepResult labels_step(const std::vector<std::size_t>& items, std::mt19937_64& rng);
  StepResult tuples_step(const std::vector<std::size_t>& slots, std::mt19937_64& rng);

  std::shared_ptr<const train::Examples> examples_;
  MetricLearningOptions options_;
  std::int64_t batch_size_;
  c10::Device device_;
  models::Classifier model_{nullptr};
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  // Tuples as rows of dataset item indices: [K, 3] triplets or [K, 3] pairs (i, j, similar).
  // Offline-mined triplets live in a module buffer, so checkpoints carry them.
  std::shared_ptr<torch::nn::Module> tuple_state_;
  at::Tensor tuples_;
  std::vector<std::int64_t> slot_order_;  // this epoch's shuffle of tuple rows
  std::int64_t steps_per_epoch_ = 0;
  std::int64_t epoch_tuples_ = 0, epoch_steps_ = 0, epoch_mined_ = 0;
};

}  // namespace paradigms
