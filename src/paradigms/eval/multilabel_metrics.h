#pragma once
// Multi-label (tagging) metrics from per-class probabilities, with scikit-learn's per-class
// definitions.
//
// For class k, sort the N items by score, highest first, and group equal scores: group n
// holds the items at the n-th largest distinct score s_n. Let TP_n and FP_n count the
// positives and negatives scoring >= s_n, P = TP_last and Q = FP_last.
//   ROC-AUC_k = sum_n (FP_n - FP_{n-1}) (TP_n + TP_{n-1}) / (2 P Q)
//     the trapezoidal area under (FPR, TPR) = (FP_n / Q, TP_n / P) from (0, 0), as sklearn's
//     roc_auc_score; a tie between a positive and a negative counts 1/2.
//   AP_k = sum_n (R_n - R_{n-1}) P_n, with R_n = TP_n / P, R_0 = 0, P_n = TP_n / (TP_n + FP_n)
//     the step-wise (not interpolated) sum of sklearn's average_precision_score.
// macro_roc_auc and macro_average_precision average these over the classes where they are
// defined: ROC-AUC needs P >= 1 and Q >= 1, AP needs P >= 1. Unlike sklearn (which raises for
// ROC-AUC and counts such a class as AP 0), the other classes are left out of the average and
// listed in the report. When every class is left out, the macro value is NaN.
//
// micro_f1 = 2 TP / (2 TP + FP + FN), counted over all N x K entries, with an entry predicted
// positive when its score >= threshold (0.5 by default; a score exactly at the threshold is a
// positive, as a logit of 0 is). The scores must therefore be probabilities (after a sigmoid),
// not logits. It is 0 when there is no positive target and no positive prediction (sklearn's
// zero_division = 0). Classes left out of the macro averages still count here.
//
// Cost: O(N log N) per class (one sort).

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <vector>

namespace paradigms::eval {

struct MultilabelOptions {
  /// Scores >= threshold count as positive predictions for micro_f1; must lie in [0, 1].
  double threshold = 0.5;
};

struct MultilabelReport {
  double macro_roc_auc = 0.0;            ///< NaN when every class is left out
  double macro_average_precision = 0.0;  ///< NaN when every class is left out
  double micro_f1 = 0.0;
  /// ROC-AUC of each class [K], NaN for the classes left out.
  std::vector<double> roc_auc_per_class;
  /// Average precision of each class [K], NaN for the classes left out.
  std::vector<double> average_precision_per_class;
  /// Classes without a positive or without a negative target, ascending.
  std::vector<std::int64_t> roc_auc_classes_left_out;
  /// Classes without a positive target, ascending.
  std::vector<std::int64_t> average_precision_classes_left_out;

  /// macro_roc_auc, macro_average_precision, micro_f1, roc_auc_classes_left_out and
  /// average_precision_classes_left_out (the per-class vectors stay out). A NaN is stored as
  /// a NaN number, which nlohmann::json dumps as null.
  nlohmann::json to_json() const;
};

/// Metrics of the file comment for `scores` [N, K] (probabilities in [0, 1], any floating
/// dtype) against `targets` [N, K] (0 or 1, any integer, bool or floating dtype), on any
/// device; computed in double precision on the CPU. Throws InputError when the shapes differ
/// or are not [N, K] with N, K >= 1, when a score is outside [0, 1] (or NaN), when a target is
/// neither 0 nor 1, or when options.threshold is outside [0, 1].
MultilabelReport multilabel_metrics(const at::Tensor& scores, const at::Tensor& targets,
                                    const MultilabelOptions& options = {});

}  // namespace paradigms::eval
