#include "paradigms/eval/regression_metrics.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "paradigms/core/error.h"

namespace paradigms::eval {
namespace {

std::string shape_of(const at::Tensor& tensor) {
  return fmt::format("[{}]", fmt::join(tensor.sizes(), ", "));
}

void check_values(const char* function, const char* argument, const at::Tensor& values) {
  check_input(values.defined(), fmt::format("{}: {} is undefined", function, argument));
  check_input(values.dim() == 1, fmt::format("{}: {} must be [N] (got shape {})", function,
                                             argument, shape_of(values)));
  const c10::ScalarType dtype = values.scalar_type();
  check_input(dtype != c10::ScalarType::Bool && !c10::isComplexType(dtype),
              fmt::format("{}: {} must be real numbers (got dtype {})", function, argument,
                          c10::toString(dtype)));
}

}  // namespace

nlohmann::json RegressionReport::to_json() const {
  return {{"mae", mae}, {"rmse", rmse}, {"r2", r2}};
}

RegressionReport regression_metrics(const at::Tensor& predictions, const at::Tensor& targets) {
  const char* function = "regression_metrics";
  check_values(function, "predictions", predictions);
  check_values(function, "targets", targets);
  check_input(predictions.size(0) == targets.size(0),
              fmt::format("{}: predictions and targets must have the same length (got {} and {})",
                          function, predictions.size(0), targets.size(0)));
  check_input(targets.size(0) >= 1,
              fmt::format("{}: expected at least one item (got 0 predictions)", function));

  const at::Tensor predicted = predictions.to(torch::kCPU, torch::kFloat64);
  const at::Tensor truth = targets.to(torch::kCPU, torch::kFloat64);
  const at::Tensor errors = predicted - truth;
  const double squared_error_sum = errors.square().sum().item<double>();  // SS_res

  RegressionReport report;
  report.mae = errors.abs().mean().item<double>();
  report.rmse = std::sqrt(squared_error_sum / static_cast<double>(truth.size(0)));
  if (truth.size(0) < 2) {
    report.r2 = std::numeric_limits<double>::quiet_NaN();
  } else if (std::isnan(squared_error_sum)) {
    report.r2 = squared_error_sum;
  } else if (truth.eq(truth[0]).all().item<bool>()) {
    report.r2 = squared_error_sum == 0.0 ? 1.0 : 0.0;
  } else {
    const double total_sum_of_squares = (truth - truth.mean()).square().sum().item<double>();
    report.r2 = 1.0 - squared_error_sum / total_sum_of_squares;
  }
  return report;
}

}  // namespace paradigms::eval
