#include "paradigms/train/samplers.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <random>

#include "paradigms/core/error.h"

namespace paradigms::train {

void ClassBalancedOptions::validate() const {
  if (per_class < 1) {
    throw ConfigError(fmt::format("sampler.per_class must be >= 1 (got {})", per_class));
  }
  if (batch_size < 1 || batch_size % per_class != 0) {
    throw ConfigError(
        fmt::format("sampler: train.batch_size ({}) must be a multiple of sampler.per_class ({})",
                    batch_size, per_class));
  }
}

std::string ClassBalancedOptions::describe() const {
  return fmt::format("{} classes x {} items per batch", batch_size / per_class, per_class);
}

EpochPlan plan_class_balanced_epoch(const std::vector<std::size_t>& items,
                                    const std::vector<std::int64_t>& labels,
                                    const ClassBalancedOptions& options, std::uint64_t seed,
                                    std::int64_t epoch) {
  options.validate();
  check_input(
      items.size() == labels.size(),
      fmt::format("class-balanced sampler: {} items but {} labels", items.size(), labels.size()));
  std::map<std::int64_t, std::vector<std::size_t>> by_class;
  for (std::size_t i = 0; i < items.size(); ++i) by_class[labels[i]].push_back(items[i]);
  const std::int64_t classes_per_batch = options.batch_size / options.per_class;
  check_input(
      std::int64_t(by_class.size()) >= classes_per_batch,
      fmt::format("class-balanced sampler: a batch of {} with {} per class needs {} "
                  "classes, but the training split has {}",
                  options.batch_size, options.per_class, classes_per_batch, by_class.size()));

  std::mt19937_64 rng(mix_seed(seed, 5, std::uint64_t(epoch)));
  std::vector<std::vector<std::size_t>*> classes;
  for (auto& [label, members] : by_class) {
    std::shuffle(members.begin(), members.end(), rng);
    classes.push_back(&members);
  }
  std::vector<std::size_t> next_item(classes.size(), 0);
  std::vector<std::size_t> class_order(classes.size());
  std::size_t next_class = class_order.size();  // forces a shuffle before the first step

  const auto steps = static_cast<std::int64_t>(
      (items.size() + std::size_t(options.batch_size) - 1) / std::size_t(options.batch_size));
  EpochPlan plan;
  plan.reserve(std::size_t(steps));
  for (std::int64_t step = 0; step < steps; ++step) {
    std::vector<std::size_t> batch;
    batch.reserve(std::size_t(options.batch_size));
    std::vector<std::size_t> chosen;
    while (std::int64_t(chosen.size()) < classes_per_batch) {
      if (next_class == class_order.size()) {
        for (std::size_t c = 0; c < class_order.size(); ++c) class_order[c] = c;
        std::shuffle(class_order.begin(), class_order.end(), rng);
        next_class = 0;
      }
      const std::size_t c = class_order[next_class++];
      // A reshuffle may bring a class of this batch up again: skip it, it comes next time.
      if (std::find(chosen.begin(), chosen.end(), c) == chosen.end()) chosen.push_back(c);
    }
    for (std::size_t c : chosen) {
      std::vector<std::size_t>& members = *classes[c];
      const bool with_replacement = std::int64_t(members.size()) < options.per_class;
      std::uniform_int_distribution<std::size_t> any(0, members.size() - 1);
      if (with_replacement) {
        for (std::int64_t k = 0; k < options.per_class; ++k) batch.push_back(members[any(rng)]);
        continue;
      }
      // Reshuffle before the queue runs short, so no item comes twice in one batch.
      if (next_item[c] + std::size_t(options.per_class) > members.size()) {
        std::shuffle(members.begin(), members.end(), rng);
        next_item[c] = 0;
      }
      for (std::int64_t k = 0; k < options.per_class; ++k) batch.push_back(members[next_item[c]++]);
    }
    plan.push_back({std::move(batch)});
  }
  return plan;
}

}  // namespace paradigms::train
