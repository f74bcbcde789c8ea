#pragma once
// A dataset is a list of items (an audio file or a stored feature array, with its labels or
// target and split), the class names, and the problems met while loading it. Loading never
// prints: skipped inputs are returned as `problems` for the caller to report.

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "paradigms/data/npy.h"

namespace paradigms::data {

enum class Split { Train, Valid, Test, Unassigned };

/// What an item's ground truth is.
enum class TargetKind {
  SingleLabel,  ///< one class per item (multi-class or binary)
  MultiLabel,   ///< a set of classes per item
  Regression,   ///< a real-valued target
};

const char* to_string(Split split);
const char* to_string(TargetKind kind);
/// "train", "valid"/"validation"/"val", "test"; throws InputError naming `source` otherwise.
Split parse_split(const std::string& text, const std::string& source);

struct Item {
  std::string path;                  ///< audio file, or a .npy feature file
  std::int64_t row = -1;             ///< row of Dataset::feature_array, when >= 0
  std::vector<std::int64_t> labels;  ///< class indices; one for SingleLabel
  double target = std::numeric_limits<double>::quiet_NaN();  ///< regression target
  Split split = Split::Unassigned;
};

/// An input that was skipped (or, in strict mode, refused), and why.
struct Problem {
  std::string input;
  std::string message;
};

struct Dataset {
  std::string source;  ///< what was loaded, for messages
  TargetKind target_kind = TargetKind::SingleLabel;
  std::vector<std::string> class_names;  ///< class index -> name
  std::vector<Item> items;
  std::vector<Problem> problems;
  /// Where items hold audio (false) or precomputed features (true).
  bool precomputed_features = false;
  /// For precomputed features given as one [N, C, T] array: item.row indexes it.
  std::shared_ptr<const NpyArray> feature_array;

  std::int64_t num_classes() const { return static_cast<std::int64_t>(class_names.size()); }
  /// Indices of the items in `split`.
  std::vector<std::size_t> indices(Split split) const;
  /// Throws InputError naming the source when there is no item.
  void require_items() const;
};

/// Options shared by the user-dataset loaders.
struct LoadOptions {
  /// Refuse the dataset at the first problem instead of skipping the input.
  bool strict = false;
};

/// Records a problem, or throws it as an InputError in strict mode.
void report_problem(Dataset& dataset, const LoadOptions& options, std::string input,
                    std::string message);

/// Sorted unique names -> indices; the inverse is `names`.
std::vector<std::int64_t> index_labels(const std::vector<std::string>& labels,
                                       const std::vector<std::string>& names);

}  // namespace paradigms::data
