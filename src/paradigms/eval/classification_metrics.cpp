#include "paradigms/eval/classification_metrics.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "paradigms/core/error.h"
#include "paradigms/data/csv.h"

namespace paradigms::eval {
namespace {

std::string shape_of(const at::Tensor& tensor) {
  return fmt::format("[{}]", fmt::join(tensor.sizes(), ", "));
}

/// Checks `indices` (an argument of `function`) holds [N] class indices in [0, num_classes)
/// and returns them as contiguous int64 on the CPU.
at::Tensor checked_class_indices(const char* function, const char* argument,
                                 const at::Tensor& indices, std::int64_t num_classes) {
  check_input(indices.defined(), fmt::format("{}: {} is undefined", function, argument));
  check_input(indices.dim() == 1, fmt::format("{}: {} must be [N] class indices (got shape {})",
                                              function, argument, shape_of(indices)));
  check_input(c10::isIntegralType(indices.scalar_type(), /*includeBool=*/false),
              fmt::format("{}: {} must hold integer class indices (got dtype {})", function,
                          argument, c10::toString(indices.scalar_type())));
  const at::Tensor cpu = indices.to(torch::kCPU, torch::kInt64).contiguous();
  const std::int64_t* values = cpu.data_ptr<std::int64_t>();
  for (std::int64_t i = 0; i < cpu.numel(); ++i) {
    // The message is only formatted on failure: this loop runs once per item.
    if (values[i] < 0 || values[i] >= num_classes) {
      throw InputError(
          fmt::format("{}: {} must lie in [0, num_classes) = [0, {}) (got {} at index {})",
                      function, argument, num_classes, values[i], i));
    }
  }
  return cpu;
}

at::Tensor checked_confusion_matrix(const char* function, const at::Tensor& predictions,
                                    const at::Tensor& targets, std::int64_t num_classes) {
  check_input(num_classes >= 1,
              fmt::format("{}: num_classes must be at least 1 (got {})", function, num_classes));
  const at::Tensor predicted =
      checked_class_indices(function, "predictions", predictions, num_classes);
  const at::Tensor truth = checked_class_indices(function, "targets", targets, num_classes);
  check_input(predicted.size(0) == truth.size(0),
              fmt::format("{}: predictions and targets must have the same length (got {} and {})",
                          function, predicted.size(0), truth.size(0)));
  check_input(truth.size(0) >= 1,
              fmt::format("{}: expected at least one item (got 0 predictions)", function));

  // One bin per (true, predicted) pair, row-major, so the counts reshape into C[t][p].
  const at::Tensor pair_index = truth * num_classes + predicted;
  return torch::bincount(pair_index, {}, num_classes * num_classes)
      .to(torch::kInt64)
      .reshape({num_classes, num_classes});
}

at::Tensor checked_square_counts(const char* function, const at::Tensor& matrix) {
  check_input(matrix.defined(), fmt::format("{}: confusion_matrix is undefined", function));
  check_input(matrix.dim() == 2 && matrix.size(0) == matrix.size(1) && matrix.size(0) >= 1,
              fmt::format("{}: confusion_matrix must be a square [K, K] matrix, K >= 1 "
                          "(got shape {})",
                          function, shape_of(matrix)));
  check_input(c10::isIntegralType(matrix.scalar_type(), /*includeBool=*/false),
              fmt::format("{}: confusion_matrix must hold integer counts (got dtype {})", function,
                          c10::toString(matrix.scalar_type())));
  return matrix.to(torch::kCPU, torch::kInt64).contiguous();
}

double mean_of(const std::vector<double>& values) {
  double sum = 0.0;
  for (double value : values) sum += value;
  return sum / static_cast<double>(values.size());
}

}  // namespace

nlohmann::json ClassificationReport::to_json() const {
  return {{"accuracy", accuracy},
          {"balanced_accuracy", balanced_accuracy},
          {"macro_precision", macro_precision},
          {"macro_recall", macro_recall},
          {"macro_f1", macro_f1}};
}

at::Tensor confusion_matrix(const at::Tensor& predictions, const at::Tensor& targets,
                            std::int64_t num_classes) {
  return checked_confusion_matrix("confusion_matrix", predictions, targets, num_classes);
}

ClassificationReport classification_metrics(const at::Tensor& predictions,
                                            const at::Tensor& targets, std::int64_t num_classes) {
  const at::Tensor matrix =
      checked_confusion_matrix("classification_metrics", predictions, targets, num_classes);
  return classification_metrics_from_confusion(matrix);
}

ClassificationReport classification_metrics_from_confusion(const at::Tensor& confusion_matrix) {
  const char* function = "classification_metrics_from_confusion";
  const at::Tensor counts = checked_square_counts(function, confusion_matrix);
  const std::int64_t num_classes = counts.size(0);
  const auto cell = counts.accessor<std::int64_t, 2>();

  std::int64_t total = 0;
  std::int64_t correct = 0;
  std::vector<double> true_count(static_cast<std::size_t>(num_classes), 0.0);
  std::vector<double> predicted_count(static_cast<std::size_t>(num_classes), 0.0);
  for (std::int64_t t = 0; t < num_classes; ++t) {
    for (std::int64_t p = 0; p < num_classes; ++p) {
      if (cell[t][p] < 0) {  // formatted on failure only: this runs K^2 times
        throw InputError(
            fmt::format("{}: counts must be non-negative (got {} at row {}, column {})", function,
                        cell[t][p], t, p));
      }
      total += cell[t][p];
      true_count[static_cast<std::size_t>(t)] += static_cast<double>(cell[t][p]);
      predicted_count[static_cast<std::size_t>(p)] += static_cast<double>(cell[t][p]);
    }
    correct += cell[t][t];
  }
  check_input(total >= 1, fmt::format("{}: the matrix counts no item (all {} x {} cells are 0)",
                                      function, num_classes, num_classes));

  std::vector<double> precision;
  std::vector<double> recall;
  std::vector<double> f1;
  std::vector<double> recall_of_true_classes;
  for (std::int64_t k = 0; k < num_classes; ++k) {
    const double tp = static_cast<double>(cell[k][k]);
    const double in_truth = true_count[static_cast<std::size_t>(k)];             // tp + fn
    const double in_predictions = predicted_count[static_cast<std::size_t>(k)];  // tp + fp
    if (in_truth == 0.0 && in_predictions == 0.0) continue;  // not among sklearn's labels
    // zero_division = 0: an empty denominator means tp = 0 too, and the ratio counts as 0.
    precision.push_back(in_predictions > 0.0 ? tp / in_predictions : 0.0);
    recall.push_back(in_truth > 0.0 ? tp / in_truth : 0.0);
    f1.push_back(2.0 * tp / (in_truth + in_predictions));  // 2tp + fp + fn > 0 here
    if (in_truth > 0.0) recall_of_true_classes.push_back(tp / in_truth);
  }

  ClassificationReport report;
  report.accuracy = static_cast<double>(correct) / static_cast<double>(total);
  report.balanced_accuracy = mean_of(recall_of_true_classes);
  report.macro_precision = mean_of(precision);
  report.macro_recall = mean_of(recall);
  report.macro_f1 = mean_of(f1);
  // A copy, so that a caller who keeps accumulating into its matrix in place (when it was
  // already CPU int64, `counts` aliases it) does not change this report.
  report.confusion_matrix = counts.clone();
  return report;
}

void write_confusion_matrix_csv(const std::filesystem::path& path,
                                const at::Tensor& confusion_matrix,
                                const std::vector<std::string>& class_names) {
  const char* function = "write_confusion_matrix_csv";
  const at::Tensor counts = checked_square_counts(function, confusion_matrix);
  const std::int64_t num_classes = counts.size(0);
  check_input(static_cast<std::int64_t>(class_names.size()) == num_classes,
              fmt::format("{}: class_names must hold one name per row of the {} x {} matrix "
                          "(got {} names)",
                          function, num_classes, num_classes, class_names.size()));

  data::CsvTable table;
  table.header.push_back("true\\predicted");
  table.header.insert(table.header.end(), class_names.begin(), class_names.end());
  const auto cell = counts.accessor<std::int64_t, 2>();
  for (std::int64_t t = 0; t < num_classes; ++t) {
    std::vector<std::string> row{class_names[static_cast<std::size_t>(t)]};
    for (std::int64_t p = 0; p < num_classes; ++p) row.push_back(std::to_string(cell[t][p]));
    table.rows.push_back(std::move(row));
  }
  // write_csv quotes the names and writes through a temporary file renamed over `path`.
  try {
    data::write_csv(path, table);
  } catch (const std::filesystem::filesystem_error& error) {
    // Creating the folder or the final rename failed: report it as the unusable path it is.
    throw InputError(fmt::format("{}: cannot write {}: {}", function, in_quotes(path.string()),
                                 error.code().message()));
  }
}

}  // namespace paradigms::eval
