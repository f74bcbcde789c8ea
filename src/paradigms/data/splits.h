#pragma once
// Seeded train/valid/test splits for data that has none.

#include <cstdint>

#include "paradigms/data/dataset.h"

namespace paradigms::data {

struct SplitOptions {
  double valid_fraction = 0.1;  ///< share of each class put in valid
  double test_fraction = 0.1;   ///< share of each class put in test
  std::uint64_t seed = 0;       ///< the same seed gives the same split everywhere

  /// Throws ConfigError unless both fractions are in [0, 1) and sum below 1.
  void validate() const;
};

/// Assigns a split to every item that has none, stratified by the first label (the whole
/// set for regression): per class, round(n * test) items go to test and round(n * valid) to
/// valid, chosen by a seeded shuffle, and at least one item stays in train.
void assign_splits(Dataset& dataset, const SplitOptions& options);

}  // namespace paradigms::data
