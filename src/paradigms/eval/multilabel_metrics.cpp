#include "paradigms/eval/multilabel_metrics.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <tuple>

#include "paradigms/core/error.h"

namespace paradigms::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string shape_of(const at::Tensor& tensor) {
  return fmt::format("[{}]", fmt::join(tensor.sizes(), ", "));
}

/// The mean of the defined (non-NaN) entries, NaN when there is none.
double mean_of_defined(const std::vector<double>& values) {
  double sum = 0.0;
  std::int64_t count = 0;
  for (double value : values) {
    if (std::isnan(value)) continue;
    sum += value;
    ++count;
  }
  return count == 0 ? kNaN : sum / static_cast<double>(count);
}

struct ClassCurveSums {
  double roc_auc;            // NaN without a positive or without a negative
  double average_precision;  // NaN without a positive
};

/// ROC-AUC and AP of one class from its N scores sorted in descending order and the matching
/// 0/1 targets, walking the groups of equal scores (one threshold each) as the header states.
ClassCurveSums class_curve_sums(const double* sorted_scores, const double* sorted_targets,
                                std::int64_t n) {
  double true_positives = 0.0;
  double false_positives = 0.0;
  double twice_area = 0.0;     // sum of trapezoids (dFP) (TP_n + TP_{n-1}), unnormalised
  double precision_sum = 0.0;  // sum of (dTP) P_n, i.e. P times the AP sum
  std::int64_t i = 0;
  while (i < n) {
    const double previous_tp = true_positives;
    const double previous_fp = false_positives;
    const double threshold = sorted_scores[i];
    for (; i < n && sorted_scores[i] == threshold; ++i) {
      if (sorted_targets[i] != 0.0) {
        true_positives += 1.0;
      } else {
        false_positives += 1.0;
      }
    }
    twice_area += (false_positives - previous_fp) * (true_positives + previous_tp);
    precision_sum +=
        (true_positives - previous_tp) * true_positives / (true_positives + false_positives);
  }
  const double positives = true_positives;
  const double negatives = false_positives;
  ClassCurveSums sums{kNaN, kNaN};
  if (positives > 0.0 && negatives > 0.0) {
    sums.roc_auc = twice_area / (2.0 * positives * negatives);
  }
  if (positives > 0.0) sums.average_precision = precision_sum / positives;
  return sums;
}

}  // namespace

nlohmann::json MultilabelReport::to_json() const {
  return {{"macro_roc_auc", macro_roc_auc},
          {"macro_average_precision", macro_average_precision},
          {"micro_f1", micro_f1},
          {"roc_auc_classes_left_out", roc_auc_classes_left_out},
          {"average_precision_classes_left_out", average_precision_classes_left_out}};
}

MultilabelReport multilabel_metrics(const at::Tensor& scores, const at::Tensor& targets,
                                    const MultilabelOptions& options) {
  const char* function = "multilabel_metrics";
  check_input(options.threshold >= 0.0 && options.threshold <= 1.0,
              fmt::format("{}: options.threshold must lie in [0, 1] (got {})", function,
                          options.threshold));
  check_input(scores.defined() && targets.defined(),
              fmt::format("{}: scores and targets must both be defined", function));
  check_input(scores.dim() == 2,
              fmt::format("{}: scores must be [N, K] (got shape {})", function, shape_of(scores)));
  check_input(scores.sizes() == targets.sizes(),
              fmt::format("{}: targets must have the shape of scores {} (got {})", function,
                          shape_of(scores), shape_of(targets)));
  check_input(scores.size(0) >= 1 && scores.size(1) >= 1,
              fmt::format("{}: expected at least one item and one class (got shape {})", function,
                          shape_of(scores)));
  check_input(c10::isFloatingType(scores.scalar_type()),
              fmt::format("{}: scores must be floating-point probabilities (got dtype {})",
                          function, c10::toString(scores.scalar_type())));
  check_input(!c10::isComplexType(targets.scalar_type()),
              fmt::format("{}: targets must be real 0/1 values (got dtype {})", function,
                          c10::toString(targets.scalar_type())));
  const std::int64_t n = scores.size(0);
  const std::int64_t num_classes = scores.size(1);

  const at::Tensor probabilities = scores.to(torch::kCPU, torch::kFloat64).contiguous();
  const at::Tensor labels = targets.to(torch::kCPU, torch::kFloat64).contiguous();
  const double* score_values = probabilities.data_ptr<double>();
  const double* label_values = labels.data_ptr<double>();
  for (std::int64_t i = 0; i < n * num_classes; ++i) {
    // Messages are only formatted on failure: this loop runs once per entry. The score test
    // is written so that NaN fails it too.
    if (!(score_values[i] >= 0.0 && score_values[i] <= 1.0)) {
      throw InputError(
          fmt::format("{}: scores must be probabilities in [0, 1], e.g. after a sigmoid "
                      "(got {} at item {}, class {})",
                      function, score_values[i], i / num_classes, i % num_classes));
    }
    if (label_values[i] != 0.0 && label_values[i] != 1.0) {
      throw InputError(fmt::format("{}: targets must be 0 or 1 (got {} at item {}, class {})",
                                   function, label_values[i], i / num_classes, i % num_classes));
    }
  }

  MultilabelReport report;
  const at::Tensor predicted = (probabilities >= options.threshold).to(torch::kFloat64);
  const double true_positives = (predicted * labels).sum().item<double>();
  const double predicted_positives = predicted.sum().item<double>();
  const double actual_positives = labels.sum().item<double>();
  const double denominator = predicted_positives + actual_positives;  // 2 TP + FP + FN
  report.micro_f1 = denominator > 0.0 ? 2.0 * true_positives / denominator : 0.0;

  // Sort every class's column at once, then lay each class out contiguously: [K, N].
  const auto sorted = torch::sort(probabilities, /*dim=*/0, /*descending=*/true);
  const at::Tensor sorted_scores = std::get<0>(sorted).t().contiguous();
  const at::Tensor sorted_labels = labels.gather(0, std::get<1>(sorted)).t().contiguous();
  const double* class_scores = sorted_scores.data_ptr<double>();
  const double* class_labels = sorted_labels.data_ptr<double>();
  for (std::int64_t k = 0; k < num_classes; ++k) {
    const ClassCurveSums sums = class_curve_sums(class_scores + k * n, class_labels + k * n, n);
    report.roc_auc_per_class.push_back(sums.roc_auc);
    report.average_precision_per_class.push_back(sums.average_precision);
    if (std::isnan(sums.roc_auc)) report.roc_auc_classes_left_out.push_back(k);
    if (std::isnan(sums.average_precision)) {
      report.average_precision_classes_left_out.push_back(k);
    }
  }
  report.macro_roc_auc = mean_of_defined(report.roc_auc_per_class);
  report.macro_average_precision = mean_of_defined(report.average_precision_per_class);
  return report;
}

}  // namespace paradigms::eval
