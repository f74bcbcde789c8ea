#pragma once
// Supervised learning: input x with ground truth y, empirical risk minimisation.
// Multi-class: softmax + cross-entropy; binary and multi-label: one sigmoid per class +
// binary cross-entropy on logits; regression: one output + MSE/MAE/Huber. The target kind
// comes from the dataset.

#include <memory>

#include "paradigms/losses/supervised_loss.h"
#include "paradigms/models/classifier.h"
#include "paradigms/optim/optimizers.h"
#include "paradigms/paradigms/paradigm.h"
#include "paradigms/train/examples.h"

namespace paradigms {

struct SupervisedOptions {
  models::ModelOptions model;          ///< architecture
  losses::SupervisedLossOptions loss;  ///< kind is replaced by the target kind's default
                                       ///< unless explicitly set for regression
  optim::OptimizerOptions optimizer;   ///< algorithm and hyper-parameters
  double grad_clip_norm = 0.0;         ///< clip the global gradient norm (0: off)
  std::int64_t eval_batch_size = 256;  ///< items per forward pass in evaluation
};

class SupervisedParadigm : public Paradigm {
 public:
  SupervisedParadigm(std::shared_ptr<const train::Examples> examples, SupervisedOptions options,
                     c10::Device device);

  std::string name() const override { return "supervised"; }
  NamedModules modules() override;
  NamedOptimizers optimizers() override;
  double base_learning_rate(const std::string& optimizer) const override;
  std::vector<std::size_t> train_items() const override;
  StepResult train_step(const std::vector<std::vector<std::size_t>>& micro_batches,
                        std::mt19937_64& rng) override;
  nlohmann::json evaluate(data::Split split) override;
  void write_reports(data::Split split, const std::filesystem::path& dir) override;
  at::Tensor embed(const std::vector<std::size_t>& indices) override;
  /// The task, the class names in output order, and for regression the standardisation:
  /// value = output · target_scale + target_mean.
  nlohmann::json export_info() const override;

  models::Classifier& model() { return model_; }
  const train::Examples& examples() const { return *examples_; }
  /// Raw outputs [N, K] for `indices` (eval mode, centred crops), on the CPU.
  at::Tensor predict(const std::vector<std::size_t>& indices);
  /// predict() in target units (regression outputs de-standardised).
  at::Tensor predict_values(const std::vector<std::size_t>& indices);
  /// Maps raw regression outputs to target units (identity otherwise).
  at::Tensor to_target_units(const at::Tensor& outputs) const {
    return examples_->target_kind() == data::TargetKind::Regression
               ? outputs * target_scale_ + target_mean_
               : outputs;
  }
  /// Outputs for features [B, C, L] already cropped.
  at::Tensor predict_features(const at::Tensor& features);

 private:
  std::shared_ptr<const train::Examples> examples_;
  SupervisedOptions options_;
  c10::Device device_;
  models::Classifier model_{nullptr};
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  // Regression trains on targets standardised with the training split's mean and spread, so
  // targets far from zero (MIDI pitch ~ 36-96) need no tuning of the output layer's init.
  double target_mean_ = 0.0, target_scale_ = 1.0;
  at::Tensor standardize(const at::Tensor& targets) const;
};

/// The loss kind a target kind uses unless the config says otherwise.
losses::SupervisedLossKind default_loss(data::TargetKind kind);

}  // namespace paradigms
