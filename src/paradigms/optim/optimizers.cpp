#include "paradigms/optim/optimizers.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "paradigms/core/error.h"
#include "paradigms/optim/adadelta.h"

namespace paradigms::optim {

const char* to_string(OptimizerKind kind) {
  switch (kind) {
    case OptimizerKind::Sgd: return "sgd";
    case OptimizerKind::Adagrad: return "adagrad";
    case OptimizerKind::Adadelta: return "adadelta";
    case OptimizerKind::Adam: return "adam";
    case OptimizerKind::AdamW: return "adamw";
    case OptimizerKind::RmsProp: return "rmsprop";
  }
  return "adam";
}

void OptimizerOptions::validate() const {
  auto require = [](bool ok, const std::string& message) {
    if (!ok) throw ConfigError("optimizer: " + message);
  };
  require(lr > 0, fmt::format("lr must be positive (got {})", lr));
  require(weight_decay >= 0, fmt::format("weight_decay must be >= 0 (got {})", weight_decay));
  require(momentum >= 0 && momentum < 1,
          fmt::format("momentum must be in [0, 1) (got {})", momentum));
  require(!nesterov || (kind == OptimizerKind::Sgd && momentum > 0),
          "nesterov needs the sgd optimizer with momentum > 0");
  require(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1,
          fmt::format("betas must be in [0, 1) (got {}, {})", beta1, beta2));
  require(rho >= 0 && rho <= 1, fmt::format("rho must be in [0, 1] (got {})", rho));
  require(alpha >= 0 && alpha < 1, fmt::format("alpha must be in [0, 1) (got {})", alpha));
}

std::string OptimizerOptions::describe() const {
  return fmt::format(
      "{}(lr={}, weight_decay={}, momentum={}, nesterov={}, betas=({}, {}), "
      "eps={}, rho={}, alpha={})",
      to_string(kind), lr, weight_decay, momentum, nesterov, beta1, beta2,
      eps < 0 ? std::string("default") : fmt::format("{}", eps), rho, alpha);
}

std::unique_ptr<torch::optim::Optimizer> make_optimizer(std::vector<torch::Tensor> parameters,
                                                        const OptimizerOptions& o) {
  o.validate();
  auto eps_or = [&](double fallback) { return o.eps < 0 ? fallback : o.eps; };
  switch (o.kind) {
    case OptimizerKind::Sgd:
      return std::make_unique<torch::optim::SGD>(parameters, torch::optim::SGDOptions(o.lr)
                                                                 .momentum(o.momentum)
                                                                 .nesterov(o.nesterov)
                                                                 .weight_decay(o.weight_decay));
    case OptimizerKind::Adagrad:
      return std::make_unique<torch::optim::Adagrad>(
          parameters,
          torch::optim::AdagradOptions(o.lr).weight_decay(o.weight_decay).eps(eps_or(1e-10)));
    case OptimizerKind::Adadelta:
      return std::make_unique<Adadelta>(
          parameters,
          AdadeltaOptions(o.lr).rho(o.rho).eps(eps_or(1e-6)).weight_decay(o.weight_decay));
    case OptimizerKind::Adam:
      return std::make_unique<torch::optim::Adam>(parameters, torch::optim::AdamOptions(o.lr)
                                                                  .betas({o.beta1, o.beta2})
                                                                  .eps(eps_or(1e-8))
                                                                  .weight_decay(o.weight_decay));
    case OptimizerKind::AdamW:
      return std::make_unique<torch::optim::AdamW>(parameters, torch::optim::AdamWOptions(o.lr)
                                                                   .betas({o.beta1, o.beta2})
                                                                   .eps(eps_or(1e-8))
                                                                   .weight_decay(o.weight_decay));
    case OptimizerKind::RmsProp:
      return std::make_unique<torch::optim::RMSprop>(parameters, torch::optim::RMSpropOptions(o.lr)
                                                                     .alpha(o.alpha)
                                                                     .eps(eps_or(1e-8))
                                                                     .momentum(o.momentum)
                                                                     .weight_decay(o.weight_decay));
  }
  return nullptr;
}

void set_learning_rate(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

}  // namespace paradigms::optim
