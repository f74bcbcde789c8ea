#include "paradigms/data/dataset.h"

#include <algorithm>

#include "paradigms/core/error.h"

namespace paradigms::data {

const char* to_string(Split split) {
  switch (split) {
    case Split::Train: return "train";
    case Split::Valid: return "valid";
    case Split::Test: return "test";
    case Split::Unassigned: return "unassigned";
  }
  return "unassigned";
}

const char* to_string(TargetKind kind) {
  switch (kind) {
    case TargetKind::SingleLabel: return "single-label";
    case TargetKind::MultiLabel: return "multi-label";
    case TargetKind::Regression: return "regression";
  }
  return "single-label";
}

Split parse_split(const std::string& text, const std::string& source) {
  if (text == "train") return Split::Train;
  if (text == "valid" || text == "validation" || text == "val") return Split::Valid;
  if (text == "test") return Split::Test;
  throw InputError(source + ": unknown split " + in_quotes(text) +
                   " (expected train, valid or test)");
}

std::vector<std::size_t> Dataset::indices(Split split) const {
  std::vector<std::size_t> result;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].split == split) result.push_back(i);
  }
  return result;
}

void Dataset::require_items() const {
  if (!items.empty()) return;
  throw InputError("dataset " + in_quotes(source) + " is empty: no usable item found" +
                   (problems.empty() ? std::string()
                                     : " (" + std::to_string(problems.size()) +
                                           " skipped; first: " + problems.front().message + ")"));
}

void report_problem(Dataset& dataset, const LoadOptions& options, std::string input,
                    std::string message) {
  if (options.strict) throw InputError(message);
  dataset.problems.push_back(Problem{std::move(input), std::move(message)});
}

std::vector<std::int64_t> index_labels(const std::vector<std::string>& labels,
                                       const std::vector<std::string>& names) {
  std::vector<std::int64_t> indices;
  indices.reserve(labels.size());
  for (const auto& label : labels) {
    const auto it = std::lower_bound(names.begin(), names.end(), label);
    check_input(it != names.end() && *it == label, "unknown class " + in_quotes(label));
    indices.push_back(static_cast<std::int64_t>(it - names.begin()));
  }
  return indices;
}

}  // namespace paradigms::data
