#pragma once
// AdaDelta (Zeiler 2012, "ADADELTA: An Adaptive Learning Rate Method", arXiv:1212.5701) as a
// torch::optim::Optimizer, which libtorch's C++ API lacks. The update rule, its order of
// operations and the defaults are those of torch.optim.Adadelta, so a C++ run follows a Python
// run step for step.
//
// Per parameter p with gradient g, state v (square_avg) and u (acc_delta), both starting at 0:
//   g     <- g + weight_decay * p                      (only when weight_decay != 0)
//   v     <- rho * v + (1 - rho) * g^2
//   delta  = sqrt(u + eps) / sqrt(v + eps) * g
//   u     <- rho * u + (1 - rho) * delta^2
//   p     <- p - lr * delta
// Zeiler's paper has no lr (it is 1, the default here); PyTorch adds it as a plain scale of the
// step, which is also what LR schedulers change. Complex parameters are updated as their
// (real, imaginary) pairs, as PyTorch does, so g^2 is taken per component rather than as a
// complex square.
//
// Edge cases: parameters without a gradient are skipped and get no state; sparse gradients are
// rejected. State is created on the first step that sees a gradient, shaped like the parameter.
//
// Serialisation: torch::save(optimizer, path) / torch::load(optimizer, path) round-trip the
// per-parameter state (step, square_avg, acc_delta), matched to parameters by position. As with
// libtorch's own optimizers, the loading optimizer keeps the hyper-parameters it was built with.

#include <torch/optim/optimizer.h>
#include <torch/serialize/archive.h>
#include <torch/types.h>

#include <cstdint>
#include <ostream>
#include <vector>

namespace paradigms::optim {

/// Hyper-parameters of Adadelta; defaults are torch.optim.Adadelta's. Each group of parameters
/// can carry its own copy. Example: `AdadeltaOptions().lr(0.5).rho(0.95)`.
struct AdadeltaOptions : public torch::optim::OptimizerCloneableOptions<AdadeltaOptions> {
  AdadeltaOptions() = default;
  /// libtorch's loader builds the options of each saved group as `AdadeltaOptions(0)`.
  explicit AdadeltaOptions(double lr);

  /// Scale of the step (Zeiler's method is lr = 1); >= 0.
  TORCH_ARG(double, lr) = 1.0;
  /// Decay of both running averages (square_avg, acc_delta); in [0, 1].
  TORCH_ARG(double, rho) = 0.9;
  /// Added inside both square roots: bounds the first steps and avoids 0 / 0; >= 0.
  TORCH_ARG(double, eps) = 1e-6;
  /// L2 penalty added to the gradient (g + weight_decay * p), not decoupled; >= 0.
  TORCH_ARG(double, weight_decay) = 0.0;

 public:
  void serialize(torch::serialize::InputArchive& archive) override;
  void serialize(torch::serialize::OutputArchive& archive) const override;
  /// What LR schedulers read and write.
  double get_lr() const override;
  void set_lr(const double lr) override;
  ~AdadeltaOptions() override = default;
};

bool operator==(const AdadeltaOptions& lhs, const AdadeltaOptions& rhs);

/// Prints `Adadelta(lr=1, rho=0.9, eps=1e-06, weight_decay=0)`, for run logs.
std::ostream& operator<<(std::ostream& stream, const AdadeltaOptions& options);

/// Per-parameter state. Tensors are undefined until the first step that sees a gradient.
struct AdadeltaParamState : public torch::optim::OptimizerCloneableParamState<AdadeltaParamState> {
  /// Number of updates applied to the parameter.
  TORCH_ARG(std::int64_t, step) = 0;
  /// Running average of squared gradients (v), shaped like the parameter.
  TORCH_ARG(torch::Tensor, square_avg);
  /// Running average of squared updates (u), shaped like the parameter.
  TORCH_ARG(torch::Tensor, acc_delta);

 public:
  void serialize(torch::serialize::InputArchive& archive) override;
  void serialize(torch::serialize::OutputArchive& archive) const override;
  ~AdadeltaParamState() override = default;
};

/// Equal steps and element-wise equal tensors (both undefined counts as equal).
bool operator==(const AdadeltaParamState& lhs, const AdadeltaParamState& rhs);

/// The optimizer. Throws c10::Error when built with options out of range (the message names the
/// option and its value) or with a parameter group whose options are not AdadeltaOptions.
class Adadelta : public torch::optim::Optimizer {
 public:
  explicit Adadelta(std::vector<torch::optim::OptimizerParamGroup> param_groups,
                    AdadeltaOptions defaults = {});
  explicit Adadelta(std::vector<torch::Tensor> params, AdadeltaOptions defaults = {});

  /// One update of every parameter that has a gradient. When given, `closure` is called first
  /// with gradients enabled and its loss is returned; otherwise returns an undefined tensor.
  torch::Tensor step(LossClosure closure = nullptr) override;

  void save(torch::serialize::OutputArchive& archive) const override;
  void load(torch::serialize::InputArchive& archive) override;

  /// The state of `param`, or nullptr before its first update (or for a foreign tensor).
  const AdadeltaParamState* param_state(const torch::Tensor& param) const;
};

}  // namespace paradigms::optim
