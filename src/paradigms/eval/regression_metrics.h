#pragma once
// Regression metrics, with scikit-learn's definitions. For predictions y_hat and targets y,
// both [N], and errors e_i = y_hat_i - y_i:
//   mae  = (1/N) sum_i |e_i|
//   rmse = sqrt((1/N) sum_i e_i^2)
//   r2   = 1 - SS_res / SS_tot, SS_res = sum_i e_i^2, SS_tot = sum_i (y_i - mean(y))^2
// Edge cases of r2, as sklearn's r2_score: with constant targets (SS_tot = 0) it is 1.0 for a
// perfect prediction and 0.0 otherwise; with N = 1 it is NaN (not defined for one sample).
// SS_tot counts as exactly 0 whenever all targets are equal: sklearn computes it from a mean
// that may be off in the last bit (targets all 0.1, say) and then divides by ~1e-34.
// A NaN in the inputs makes the metrics NaN rather than throwing, so a diverged model shows
// up in the evaluation log.

#include <ATen/core/Tensor.h>

#include <nlohmann/json_fwd.hpp>

namespace paradigms::eval {

struct RegressionReport {
  double mae = 0.0;
  double rmse = 0.0;
  double r2 = 0.0;

  /// {"mae", "rmse", "r2"}; a NaN r2 is dumped as null.
  nlohmann::json to_json() const;
};

/// The metrics of the file comment for `predictions` and `targets`, both [N] with N >= 1, of any
/// real (non-bool) dtype, on any device; computed in double precision on the CPU. Throws
/// InputError for other shapes, different lengths, N = 0 or a bool or complex dtype.
RegressionReport regression_metrics(const at::Tensor& predictions, const at::Tensor& targets);

}  // namespace paradigms::eval
