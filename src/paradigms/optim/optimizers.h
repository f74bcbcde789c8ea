#pragma once
// Optimizers by name, each with weight decay: sgd (with momentum and Nesterov), adagrad,
// adadelta, adam, adamw, rmsprop. Defaults are PyTorch's, except lr, which every config sets.

#include <torch/optim/optimizer.h>

#include <memory>
#include <string>
#include <vector>

namespace paradigms::optim {

enum class OptimizerKind { Sgd, Adagrad, Adadelta, Adam, AdamW, RmsProp };

const char* to_string(OptimizerKind kind);

struct OptimizerOptions {
  OptimizerKind kind = OptimizerKind::Adam;  ///< algorithm
  double lr = 1e-3;                          ///< learning rate
  double weight_decay = 0.0;                 ///< L2 penalty (decoupled for adamw)
  double momentum = 0.0;                     ///< sgd, rmsprop
  bool nesterov = false;                     ///< sgd: Nesterov momentum (needs momentum > 0)
  double beta1 = 0.9, beta2 = 0.999;         ///< adam, adamw
  double eps = -1.0;                         ///< < 0: the algorithm's PyTorch default
  double rho = 0.9;                          ///< adadelta
  double alpha = 0.99;                       ///< rmsprop smoothing

  void validate() const;
  std::string describe() const;
};

std::unique_ptr<torch::optim::Optimizer> make_optimizer(std::vector<torch::Tensor> parameters,
                                                        const OptimizerOptions& options);

/// Sets the learning rate of every parameter group.
void set_learning_rate(torch::optim::Optimizer& optimizer, double lr);

}  // namespace paradigms::optim
