#include "paradigms/train/examples.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "paradigms/core/error.h"
#include "paradigms/core/rng.h"

namespace paradigms::train {

Examples::Examples(const data::Dataset& dataset, std::vector<at::Tensor> features,
                   std::int64_t crop_frames)
    : items_(dataset.items),
      features_(std::move(features)),
      class_names_(dataset.class_names),
      target_kind_(dataset.target_kind),
      num_classes_(dataset.num_classes()),
      crop_frames_(crop_frames) {
  check_input(
      features_.size() == items_.size(),
      fmt::format("Examples: {} feature tensors for {} items", features_.size(), items_.size()));
  for (const auto& f : features_) {
    if (f.defined()) {
      channels_ = f.size(0);
      break;
    }
  }
  check_input(channels_ > 0, "dataset " + in_quotes(dataset.source) + " has no usable item");
}

std::vector<std::size_t> Examples::split(data::Split split) const {
  std::vector<std::size_t> indices;
  for (std::size_t i = 0; i < items_.size(); ++i) {
    if (items_[i].split == split && features_[i].defined()) indices.push_back(i);
  }
  return indices;
}

Batch Examples::batch(const std::vector<std::size_t>& indices, data::CropMode mode,
                      std::mt19937_64* rng) const {
  check_input(!indices.empty(), "Examples::batch: no item");
  std::vector<torch::Tensor> crops;
  crops.reserve(indices.size());
  for (auto i : indices) crops.push_back(data::crop(features_.at(i), crop_frames_, mode, rng));
  Batch batch;
  batch.inputs = torch::stack(crops);
  const auto n = static_cast<std::int64_t>(indices.size());
  switch (target_kind_) {
    case data::TargetKind::SingleLabel: {
      batch.targets = torch::empty({n}, torch::kInt64);
      auto* out = batch.targets.data_ptr<std::int64_t>();
      for (std::int64_t b = 0; b < n; ++b) out[b] = items_[indices[b]].labels.at(0);
      break;
    }
    case data::TargetKind::MultiLabel: {
      batch.targets = torch::zeros({n, num_classes_}, torch::kFloat32);
      auto accessor = batch.targets.accessor<float, 2>();
      for (std::int64_t b = 0; b < n; ++b) {
        for (auto label : items_[indices[b]].labels) accessor[b][label] = 1.0f;
      }
      break;
    }
    case data::TargetKind::Regression: {
      batch.targets = torch::empty({n}, torch::kFloat32);
      auto* out = batch.targets.data_ptr<float>();
      for (std::int64_t b = 0; b < n; ++b) out[b] = float(items_[indices[b]].target);
      break;
    }
  }
  return batch;
}

void BatchingOptions::validate() const {
  if (!full_batch && batch_size < 1) {
    throw ConfigError(
        fmt::format("train.batch_size: expected an integer >= 1 or `full` (got {})", batch_size));
  }
  if (chunk_size < 1) {
    throw ConfigError(fmt::format("train.chunk_size: expected >= 1 (got {})", chunk_size));
  }
}

std::string BatchingOptions::describe() const {
  if (full_batch) return fmt::format("full batch, chunks of {}", chunk_size);
  return batch_size == 1 ? std::string("stochastic (batch 1)")
                         : fmt::format("mini-batch of {}", batch_size);
}

std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
  std::uint64_t z = seed ^ (a * 0x9E3779B97F4A7C15ULL) ^ (b * 0xC2B2AE3D27D4EB4FULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

EpochPlan plan_epoch(const std::vector<std::size_t>& train_items, const BatchingOptions& options,
                     std::uint64_t seed, std::int64_t epoch) {
  options.validate();
  std::vector<std::size_t> order = train_items;
  std::mt19937_64 rng(mix_seed(seed, 0x5eed, std::uint64_t(epoch)));
  stable_shuffle(order, rng);
  const auto group =
      static_cast<std::size_t>(options.full_batch ? options.chunk_size : options.batch_size);
  std::vector<std::vector<std::size_t>> pieces;
  for (std::size_t start = 0; start < order.size(); start += group) {
    pieces.emplace_back(order.begin() + std::ptrdiff_t(start),
                        order.begin() + std::ptrdiff_t(std::min(order.size(), start + group)));
  }
  EpochPlan plan;
  if (options.full_batch) {
    if (!pieces.empty()) plan.push_back(std::move(pieces));
  } else {
    for (auto& piece : pieces) plan.push_back({std::move(piece)});
  }
  return plan;
}

}  // namespace paradigms::train
