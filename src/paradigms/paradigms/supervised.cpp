#include "paradigms/paradigms/supervised.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

#include "paradigms/core/error.h"
#include "paradigms/eval/classification_metrics.h"
#include "paradigms/eval/multilabel_metrics.h"
#include "paradigms/eval/regression_metrics.h"

namespace paradigms {

using data::TargetKind;
using losses::SupervisedLossKind;

losses::SupervisedLossKind default_loss(data::TargetKind kind) {
  switch (kind) {
    case TargetKind::SingleLabel: return SupervisedLossKind::CrossEntropy;
    case TargetKind::MultiLabel: return SupervisedLossKind::BinaryCrossEntropy;
    case TargetKind::Regression: return SupervisedLossKind::Mse;
  }
  return SupervisedLossKind::CrossEntropy;
}

namespace {

void check_loss_fits(SupervisedLossKind loss, TargetKind target) {
  const bool regression_loss = loss == SupervisedLossKind::Mse || loss == SupervisedLossKind::Mae ||
                               loss == SupervisedLossKind::Huber;
  const bool fits =
      (target == TargetKind::Regression) == regression_loss &&
      (target != TargetKind::SingleLabel || loss == SupervisedLossKind::CrossEntropy) &&
      (target != TargetKind::MultiLabel || loss == SupervisedLossKind::BinaryCrossEntropy);
  if (!fits) {
    throw ConfigError(fmt::format("loss.kind: {} does not fit {} targets (use {})",
                                  losses::to_string(loss), data::to_string(target),
                                  losses::to_string(default_loss(target))));
  }
}

}  // namespace

SupervisedParadigm::SupervisedParadigm(std::shared_ptr<const train::Examples> examples,
                                       SupervisedOptions options, c10::Device device)
    : examples_(std::move(examples)), options_(std::move(options)), device_(device) {
  const TargetKind target = examples_->target_kind();
  check_loss_fits(options_.loss.kind, target);
  const std::int64_t outputs = target == TargetKind::Regression ? 1 : examples_->num_classes();
  options_.loss.validate(examples_->num_classes());
  model_ = models::Classifier(options_.model, examples_->channels(), outputs);
  model_->to(device_);
  optimizer_ = optim::make_optimizer(model_->parameters(), options_.optimizer);
  if (target == TargetKind::Regression) {
    const torch::Tensor train_targets =
        examples_->batch(examples_->split(data::Split::Train), data::CropMode::Center)
            .targets.to(torch::kFloat64);
    target_mean_ = train_targets.mean().item<double>();
    const double spread = train_targets.numel() > 1 ? train_targets.std().item<double>() : 0.0;
    target_scale_ = spread > 0 ? spread : 1.0;
  }
}

at::Tensor SupervisedParadigm::standardize(const at::Tensor& targets) const {
  if (examples_->target_kind() != TargetKind::Regression) return targets;
  return (targets - target_mean_) / target_scale_;
}

NamedModules SupervisedParadigm::modules() { return {{"model", model_.ptr()}}; }

NamedOptimizers SupervisedParadigm::optimizers() { return {{"optimizer", optimizer_.get()}}; }

double SupervisedParadigm::base_learning_rate(const std::string& /*optimizer*/) const {
  return options_.optimizer.lr;
}

std::vector<std::size_t> SupervisedParadigm::train_items() const {
  return examples_->split(data::Split::Train);
}

StepResult SupervisedParadigm::train_step(
    const std::vector<std::vector<std::size_t>>& micro_batches, std::mt19937_64& rng) {
  std::int64_t total = 0;
  for (const auto& micro : micro_batches) total += std::int64_t(micro.size());
  check_input(total > 0, "train_step: no item in the step");
  model_->train();
  optimizer_->zero_grad();
  double loss_sum = 0;
  for (const auto& micro : micro_batches) {
    const train::Batch batch = examples_->batch(micro, data::CropMode::Random, &rng);
    const torch::Tensor outputs = model_->forward(batch.inputs.to(device_));
    const torch::Tensor loss =
        losses::supervised_loss(outputs, standardize(batch.targets).to(device_), options_.loss);
    // Each chunk's mean weighted by its share: the accumulated gradient is the full mean's.
    const double share = double(micro.size()) / double(total);
    (loss * share).backward();
    loss_sum += loss.item<double>() * share;
  }
  if (options_.grad_clip_norm > 0) {
    torch::nn::utils::clip_grad_norm_(model_->parameters(), options_.grad_clip_norm);
  }
  if (std::isfinite(loss_sum)) optimizer_->step();
  return StepResult{{{"loss", loss_sum}}, total};
}

at::Tensor SupervisedParadigm::predict_features(const at::Tensor& features) {
  torch::NoGradGuard no_grad;
  model_->eval();
  return model_->forward(features.to(device_)).to(torch::kCPU);
}

at::Tensor SupervisedParadigm::predict(const std::vector<std::size_t>& indices) {
  return concat_chunks(indices, options_.eval_batch_size, 0,
                       [&](const std::vector<std::size_t>& part) {
                         return predict_features(
                             examples_->batch(part, data::CropMode::Center).inputs);
                       });
}

at::Tensor SupervisedParadigm::embed(const std::vector<std::size_t>& indices) {
  torch::NoGradGuard no_grad;
  model_->eval();
  return concat_chunks(indices, options_.eval_batch_size, 0,
                       [&](const std::vector<std::size_t>& part) {
                         const torch::Tensor inputs =
                             examples_->batch(part, data::CropMode::Center).inputs;
                         return model_->embed(inputs.to(device_));
                       });
}

nlohmann::json SupervisedParadigm::export_info() const {
  nlohmann::json info = Paradigm::export_info();
  info["task"] = data::to_string(examples_->target_kind());
  if (examples_->target_kind() == data::TargetKind::Regression) {
    info["target_mean"] = target_mean_;
    info["target_scale"] = target_scale_;
  } else {
    info["classes"] = examples_->class_names();
  }
  return info;
}

at::Tensor SupervisedParadigm::predict_values(const std::vector<std::size_t>& indices) {
  return to_target_units(predict(indices));
}

nlohmann::json SupervisedParadigm::evaluate(data::Split split) {
  const std::vector<std::size_t> indices = examples_->split(split);
  if (indices.empty()) return nlohmann::json::object();
  const torch::Tensor outputs = predict(indices);
  const torch::Tensor targets = examples_->batch(indices, data::CropMode::Center).targets;
  nlohmann::json metrics;
  {
    torch::NoGradGuard no_grad;
    metrics["loss"] =
        losses::supervised_loss(outputs, standardize(targets), options_.loss).item<double>();
  }
  metrics["items"] = indices.size();
  switch (examples_->target_kind()) {
    case TargetKind::SingleLabel:
      metrics.update(
          eval::classification_metrics(outputs.argmax(1), targets, examples_->num_classes())
              .to_json());
      break;
    case TargetKind::MultiLabel:
      metrics.update(eval::multilabel_metrics(torch::sigmoid(outputs), targets).to_json());
      break;
    case TargetKind::Regression:
      metrics.update(
          eval::regression_metrics(to_target_units(outputs).squeeze(1), targets).to_json());
      break;
  }
  return metrics;
}

void SupervisedParadigm::write_reports(data::Split split, const std::filesystem::path& dir) {
  if (examples_->target_kind() != TargetKind::SingleLabel) return;
  const std::vector<std::size_t> indices = examples_->split(split);
  if (indices.empty()) return;
  const torch::Tensor predicted = predict(indices).argmax(1);
  const torch::Tensor targets = examples_->batch(indices, data::CropMode::Center).targets;
  eval::write_confusion_matrix_csv(
      dir / fmt::format("confusion_{}.csv", data::to_string(split)),
      eval::confusion_matrix(predicted, targets, examples_->num_classes()),
      examples_->class_names());
}

}  // namespace paradigms
