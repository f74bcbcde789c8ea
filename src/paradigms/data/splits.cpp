#include "paradigms/data/splits.h"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <random>

#include "paradigms/core/error.h"
#include "paradigms/core/rng.h"

namespace paradigms::data {

void SplitOptions::validate() const {
  const bool ok = valid_fraction >= 0 && test_fraction >= 0 && valid_fraction + test_fraction < 1.0;
  if (!ok) {
    throw ConfigError(
        fmt::format("split: expected valid and test fractions >= 0 that sum "
                    "below 1 (got valid {}, test {})",
                    valid_fraction, test_fraction));
  }
}

void assign_splits(Dataset& dataset, const SplitOptions& options) {
  options.validate();
  std::map<std::int64_t, std::vector<std::size_t>> strata;
  for (std::size_t i = 0; i < dataset.items.size(); ++i) {
    const Item& item = dataset.items[i];
    if (item.split != Split::Unassigned) continue;
    const bool by_class = dataset.target_kind != TargetKind::Regression && !item.labels.empty();
    strata[by_class ? item.labels.front() : -1].push_back(i);
  }
  std::mt19937_64 rng(options.seed);
  for (auto& [label, members] : strata) {
    stable_shuffle(members, rng);
    const auto n = static_cast<double>(members.size());
    auto n_test = static_cast<std::size_t>(std::llround(n * options.test_fraction));
    auto n_valid = static_cast<std::size_t>(std::llround(n * options.valid_fraction));
    while (n_test + n_valid >= members.size() && n_test + n_valid > 0) {
      (n_valid >= n_test ? n_valid : n_test) -= 1;
    }
    for (std::size_t k = 0; k < members.size(); ++k) {
      Split split = Split::Train;
      if (k < n_test) {
        split = Split::Test;
      } else if (k < n_test + n_valid) {
        split = Split::Valid;
      }
      dataset.items[members[k]].split = split;
    }
  }
}

}  // namespace paradigms::data
