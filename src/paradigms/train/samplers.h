#pragma once
// Batches with m items of each of B/m classes, so every batch of a metric-learning step
// holds positives for every anchor.
//
// An epoch has ceil(N / B) steps (N training items, B the batch size), the same count as
// plain mini-batches. The classes of each step are the next B/m of a seeded shuffle of all
// classes, reshuffled whenever it runs out, so every class is visited equally often. Items
// are the next m of a seeded per-class shuffle, reshuffled when it runs out; a class with
// fewer than m items is drawn with replacement. Everything depends on (seed, epoch) only.

#include <cstdint>
#include <string>
#include <vector>

#include "paradigms/train/examples.h"

namespace paradigms::train {

struct ClassBalancedOptions {
  std::int64_t batch_size = 64;  ///< B, a multiple of m
  std::int64_t per_class = 4;    ///< m, items of each class in a batch (>= 2 for positives)

  /// Throws ConfigError when m < 1 or B is not a multiple of m.
  void validate() const;
  std::string describe() const;
};

/// The steps of epoch `epoch` over `items` with class `labels[i]` for items[i] (any int64
/// values). One micro-batch per step. Throws InputError when fewer than B/m classes exist.
EpochPlan plan_class_balanced_epoch(const std::vector<std::size_t>& items,
                                    const std::vector<std::int64_t>& labels,
                                    const ClassBalancedOptions& options, std::uint64_t seed,
                                    std::int64_t epoch);

}  // namespace paradigms::train
