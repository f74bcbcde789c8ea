#pragma once
// Multi-class (single-label) classification metrics, with scikit-learn's definitions.
//
// Everything follows from the confusion matrix C [K, K]: C[t][p] counts the items of true
// class t predicted as p. For class k: tp_k = C[k][k], fp_k = sum_t C[t][k] - tp_k,
// fn_k = sum_p C[k][p] - tp_k. Then
//   accuracy          = sum_k tp_k / N
//   precision_k       = tp_k / (tp_k + fp_k)            (0 when the class is never predicted)
//   recall_k          = tp_k / (tp_k + fn_k)            (0 when the class is never true)
//   f1_k              = 2 tp_k / (2 tp_k + fp_k + fn_k) (= 2 P R / (P + R); 0 when P = R = 0)
//   macro_*           = mean of *_k over the classes present in the targets or the
//                       predictions (sklearn's default `labels`, with zero_division = 0);
//                       a class in neither does not count, whatever num_classes says
//   balanced_accuracy = mean of recall_k over the classes present in the targets only
//                       (sklearn's balanced_accuracy_score, adjusted = false).
// N >= 1 guarantees at least one class is present, so none of these is ever NaN.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace paradigms::eval {

struct ClassificationReport {
  double accuracy = 0.0;
  double balanced_accuracy = 0.0;
  double macro_precision = 0.0;
  double macro_recall = 0.0;
  double macro_f1 = 0.0;
  /// [K, K] int64 counts, rows the true class, columns the predicted class.
  at::Tensor confusion_matrix;

  /// The scalar metrics under the keys accuracy, balanced_accuracy, macro_precision,
  /// macro_recall and macro_f1 (the matrix goes to write_confusion_matrix_csv).
  nlohmann::json to_json() const;
};

/// The confusion matrix [K, K] (int64, CPU) of `predictions` against `targets`, both [N] class
/// indices of any integer dtype, on any device. Rows are true classes, columns predicted ones.
/// Throws InputError unless both are 1-D with the same N >= 1, num_classes >= 1 and every
/// index lies in [0, num_classes).
at::Tensor confusion_matrix(const at::Tensor& predictions, const at::Tensor& targets,
                            std::int64_t num_classes);

/// All metrics of the file comment for `predictions` against `targets` (as confusion_matrix
/// takes them), with the confusion matrix itself.
ClassificationReport classification_metrics(const at::Tensor& predictions,
                                            const at::Tensor& targets, std::int64_t num_classes);

/// The same metrics from an accumulated confusion matrix [K, K] (any integer dtype), e.g. one
/// summed over evaluation batches. Throws InputError unless it is square, non-negative and
/// counts at least one item.
ClassificationReport classification_metrics_from_confusion(const at::Tensor& confusion_matrix);

/// Writes `confusion_matrix` [K, K] as CSV: a header row "true\predicted", name_0, ..,
/// name_{K-1}, then one row per true class, its name first and its K counts after. Names are
/// quoted as RFC 4180 needs. The file is written to a temporary beside `path` and renamed over
/// it, so a reader never sees half a file. Throws InputError when the matrix is not a square
/// integer matrix, when class_names does not hold K names, or when the file cannot be written.
void write_confusion_matrix_csv(const std::filesystem::path& path,
                                const at::Tensor& confusion_matrix,
                                const std::vector<std::string>& class_names);

}  // namespace paradigms::eval
