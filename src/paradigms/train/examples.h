#pragma once
// Features held in memory for training, and how one epoch is cut into steps.
//
// Descent modes: stochastic (batch_size 1), mini-batch (batch_size B) and full-batch (every
// training item in one optimisation step, accumulated over chunks of chunk_size items so a
// large set fits in memory). The item order of epoch e is a seeded shuffle of (seed, e),
// so an interrupted run can replay it exactly.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <random>
#include <vector>

#include "paradigms/data/crop.h"
#include "paradigms/data/dataset.h"

namespace paradigms::train {

/// Inputs and targets of one (micro-)batch.
struct Batch {
  at::Tensor inputs;   ///< [B, C, L] float32
  at::Tensor targets;  ///< [B] int64 (single-label), [B, K] float (multi-label), [B] float
};

/// A dataset's items with their features [C, T_i] (crops are cut when a batch is built).
class Examples {
 public:
  /// `features[i]` belongs to `dataset.items[i]`; undefined tensors (skipped files) are left
  /// out of every split.
  Examples(const data::Dataset& dataset, std::vector<at::Tensor> features,
           std::int64_t crop_frames);

  /// Indices of the usable items of `split`, in dataset order.
  std::vector<std::size_t> split(data::Split split) const;
  /// Stacks crops of the items `indices` (random crops need `rng`).
  Batch batch(const std::vector<std::size_t>& indices, data::CropMode mode,
              std::mt19937_64* rng = nullptr) const;

  data::TargetKind target_kind() const { return target_kind_; }
  std::int64_t num_classes() const { return num_classes_; }
  std::int64_t channels() const { return channels_; }
  std::int64_t crop_frames() const { return crop_frames_; }
  const std::vector<std::string>& class_names() const { return class_names_; }
  const data::Item& item(std::size_t index) const { return items_.at(index); }
  /// Items of the dataset, usable or not (indices run over these).
  std::size_t item_count() const { return items_.size(); }

 private:
  std::vector<data::Item> items_;
  std::vector<at::Tensor> features_;
  std::vector<std::string> class_names_;
  data::TargetKind target_kind_;
  std::int64_t num_classes_ = 0, channels_ = 0, crop_frames_ = 0;
};

struct BatchingOptions {
  std::int64_t batch_size = 64;   ///< items per optimisation step; 1 = stochastic descent
  bool full_batch = false;        ///< one step per epoch over the whole training split
  std::int64_t chunk_size = 256;  ///< full batch: items per accumulated chunk

  void validate() const;
  std::string describe() const;
};

/// One epoch: steps, each a list of micro-batches of item indices.
using EpochPlan = std::vector<std::vector<std::vector<std::size_t>>>;

/// The steps of epoch `epoch` over `train_items` (the last mini-batch may be smaller).
EpochPlan plan_epoch(const std::vector<std::size_t>& train_items, const BatchingOptions& options,
                     std::uint64_t seed, std::int64_t epoch);

/// Mixes a seed with counters into a new well-spread seed (splitmix64).
std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0);

}  // namespace paradigms::train
