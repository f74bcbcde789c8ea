#include "paradigms/losses/supervised_loss.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "paradigms/core/error.h"

namespace paradigms::losses {

namespace F = torch::nn::functional;

const char* to_string(SupervisedLossKind kind) {
  switch (kind) {
    case SupervisedLossKind::CrossEntropy: return "cross_entropy";
    case SupervisedLossKind::BinaryCrossEntropy: return "binary_cross_entropy";
    case SupervisedLossKind::Mse: return "mse";
    case SupervisedLossKind::Mae: return "mae";
    case SupervisedLossKind::Huber: return "huber";
  }
  return "cross_entropy";
}

void SupervisedLossOptions::validate(std::int64_t classes) const {
  auto require = [](bool ok, const std::string& message) {
    if (!ok) throw ConfigError("loss: " + message);
  };
  require(label_smoothing >= 0 && label_smoothing < 1,
          fmt::format("label_smoothing must be in [0, 1) (got {})", label_smoothing));
  require(class_weights.empty() || std::int64_t(class_weights.size()) == classes,
          fmt::format("class_weights must have {} entries, one per class (got {})", classes,
                      class_weights.size()));
  require(pos_weight.empty() || std::int64_t(pos_weight.size()) == classes,
          fmt::format("pos_weight must have {} entries, one per class (got {})", classes,
                      pos_weight.size()));
  for (double w : class_weights) {
    require(w >= 0, fmt::format("class_weights must be >= 0 (got {})", w));
  }
  for (double w : pos_weight) require(w >= 0, fmt::format("pos_weight must be >= 0 (got {})", w));
  require(huber_delta > 0, fmt::format("huber_delta must be positive (got {})", huber_delta));
}

std::string SupervisedLossOptions::describe() const {
  return fmt::format("{}(label_smoothing={}, class_weights=[{}], pos_weight=[{}], huber_delta={})",
                     to_string(kind), label_smoothing, fmt::join(class_weights, ","),
                     fmt::join(pos_weight, ","), huber_delta);
}

at::Tensor supervised_loss(const at::Tensor& outputs, const at::Tensor& targets,
                           const SupervisedLossOptions& options) {
  TORCH_CHECK(outputs.dim() == 2, "supervised_loss: outputs must be [B, K] (got ", outputs.sizes(),
              ")");
  const auto tensor_options =
      torch::TensorOptions().dtype(outputs.dtype()).device(outputs.device());
  switch (options.kind) {
    case SupervisedLossKind::CrossEntropy: {
      auto ce = F::CrossEntropyFuncOptions().label_smoothing(options.label_smoothing);
      if (!options.class_weights.empty()) {
        ce.weight(torch::tensor(options.class_weights, torch::kFloat64).to(tensor_options));
      }
      return F::cross_entropy(outputs, targets, ce);
    }
    case SupervisedLossKind::BinaryCrossEntropy: {
      auto bce = F::BinaryCrossEntropyWithLogitsFuncOptions();
      if (!options.pos_weight.empty()) {
        bce.pos_weight(torch::tensor(options.pos_weight, torch::kFloat64).to(tensor_options));
      }
      return F::binary_cross_entropy_with_logits(outputs, targets.to(outputs.dtype()), bce);
    }
    case SupervisedLossKind::Mse:
      return F::mse_loss(outputs.squeeze(1), targets.to(outputs.dtype()));
    case SupervisedLossKind::Mae:
      return F::l1_loss(outputs.squeeze(1), targets.to(outputs.dtype()));
    case SupervisedLossKind::Huber:
      return F::huber_loss(outputs.squeeze(1), targets.to(outputs.dtype()),
                           F::HuberLossFuncOptions().delta(options.huber_delta));
  }
  return outputs.sum() * 0;
}

}  // namespace paradigms::losses
