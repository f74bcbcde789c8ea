#pragma once
// Supervised losses, chosen by the dataset's target kind.
//
//   cross_entropy  multi-class: −Σ_c q_c log softmax(z)_c with q the one-hot target smoothed
//                  to (1 − ε) onehot + ε / K; optional per-class weights (PyTorch's
//                  weighted mean: Σ_i w_{y_i} ℓ_i / Σ_i w_{y_i})
//   binary_cross_entropy  multi-label/binary: mean over items and classes of
//                  −[p_c y log σ(z) + (1 − y) log(1 − σ(z))], p_c the optional pos_weight
//   mse / mae / huber     regression on one output per item (huber: ½d² below delta,
//                  delta·(|d| − ½delta) above)

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

namespace paradigms::losses {

enum class SupervisedLossKind { CrossEntropy, BinaryCrossEntropy, Mse, Mae, Huber };

const char* to_string(SupervisedLossKind kind);

struct SupervisedLossOptions {
  SupervisedLossKind kind = SupervisedLossKind::CrossEntropy;  ///< the loss
  std::vector<double> class_weights;  ///< cross-entropy: one weight per class (empty: none)
  double label_smoothing = 0.0;       ///< cross-entropy: ε in [0, 1)
  std::vector<double> pos_weight;     ///< binary cross-entropy: per class (empty: none)
  double huber_delta = 1.0;           ///< huber: the quadratic-to-linear switch point

  /// Throws ConfigError for a value out of range; `classes` checks the weight lengths.
  void validate(std::int64_t classes) const;
  std::string describe() const;
};

/// outputs [B, K] (or [B, 1] for regression); targets: [B] int64 class indices for
/// cross-entropy, [B, K] 0/1 float for binary cross-entropy, [B] float for regression.
at::Tensor supervised_loss(const at::Tensor& outputs, const at::Tensor& targets,
                           const SupervisedLossOptions& options);

}  // namespace paradigms::losses
