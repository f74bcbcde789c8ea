#pragma once
// What `paradigms data info` reports: counts per split and class, durations, problems.

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "paradigms/data/dataset.h"

namespace paradigms::data {

struct DurationStats {
  std::int64_t files = 0;
  double total_s = 0, min_s = 0, mean_s = 0, max_s = 0;
};

struct DatasetInfo {
  std::string source;
  TargetKind target_kind = TargetKind::SingleLabel;
  std::map<std::string, std::int64_t> split_counts;                         ///< split -> items
  std::map<std::string, std::map<std::string, std::int64_t>> class_counts;  ///< class -> split
  DurationStats durations;
  std::vector<std::int64_t> sample_rates;    ///< distinct rates found
  std::vector<std::int64_t> channel_counts;  ///< distinct channel counts found
  std::vector<Problem> problems;             ///< from loading, then from inspection
  std::int64_t unusable_items = 0;           ///< items whose file failed inspection (not counted)
};

/// Split and class counts hold the usable items only. Reads every audio item's header (or, with
/// `decode`, all its samples, which also finds NaN/inf samples and undecodable bodies) and gathers
/// the counts. Files that fail are listed as problems, never thrown.
DatasetInfo inspect_dataset(const Dataset& dataset, bool decode = false);

nlohmann::json to_json(const DatasetInfo& info);

}  // namespace paradigms::data
