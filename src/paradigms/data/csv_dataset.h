#pragma once
// Datasets described by tables or arrays.
//
// CSV manifest: a `path` column (relative paths are taken from the CSV's folder) and any of
//   `label`  one class name, or several separated by ';' (multi-label);
//   `target` a float (regression);
//   `split`  train, valid or test.
// The target kind is multi-label when any label holds ';', regression when there is a
// `target` column and no `label` column, single-label otherwise. Paths ending in .npy are
// precomputed features ([C, T] float32 each); otherwise audio.
//
// Feature arrays: features.npy [N, C, T] float32 with labels.npy: [N] integers (classes),
// [N] floats (regression targets) or [N, K] of 0/1 (multi-label).

#include <string>

#include "paradigms/data/dataset.h"

namespace paradigms::data {

/// Column names of a CSV manifest.
struct CsvColumns {
  std::string path = "path";      ///< file path column
  std::string label = "label";    ///< class name(s) column
  std::string target = "target";  ///< regression target column
  std::string split = "split";    ///< split column
};

/// Loads a CSV manifest. Throws InputError for a missing file, a missing `path` column, a
/// table with neither labels nor targets, or an empty dataset; rows whose file is missing or
/// whose label/target is unusable are problems (errors when strict).
Dataset load_csv_dataset(const std::string& manifest, const LoadOptions& options = {},
                         const CsvColumns& columns = {});

/// Loads precomputed features [N, C, T] with labels [N] or [N, K]. Throws InputError naming
/// the file when the shapes or dtypes do not fit together.
Dataset load_feature_arrays(const std::string& features_npy, const std::string& labels_npy);

}  // namespace paradigms::data
