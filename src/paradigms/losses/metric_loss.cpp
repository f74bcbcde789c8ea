#include "paradigms/losses/metric_loss.h"

#include <torch/torch.h>

#include <cmath>
#include <sstream>

#include "paradigms/core/error.h"
#include "paradigms/losses/ntxent_product.h"
#include "paradigms/losses/pair_losses.h"
#include "paradigms/losses/triplet_loss.h"
#include "paradigms/miners/mine_rows.h"

namespace paradigms::losses {

namespace {

std::string number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

at::Tensor references(const miners::LabeledEmbeddings& batch) {
  return batch.has_references() ? batch.ref_embeddings : batch.embeddings;
}

at::Tensor ref_labels(const miners::LabeledEmbeddings& batch) {
  return batch.has_references() ? batch.ref_labels : batch.labels;
}

/// Every valid positive and negative pair from the labels, bool [N, M] on `device`.
void label_masks(const miners::LabeledEmbeddings& batch, const c10::Device& device,
                 at::Tensor& positive, at::Tensor& negative) {
  const at::Tensor labels = batch.labels.to(device), refs = ref_labels(batch).to(device);
  const at::Tensor same = labels.unsqueeze(1) == refs.unsqueeze(0);
  negative = same.logical_not();
  positive = same;
  if (!batch.has_references()) {
    positive =
        same & torch::eye(labels.size(0), torch::dtype(torch::kBool).device(device)).logical_not();
  }
}

/// Masks with true at (first[k], second[k]) for the pairs that `which` selects.
at::Tensor scatter_mask(const at::Tensor& first, const at::Tensor& second, std::int64_t rows,
                        std::int64_t columns, const c10::Device& device) {
  at::Tensor mask = torch::zeros({rows * columns}, torch::dtype(torch::kBool).device(device));
  if (first.numel() > 0) mask.index_fill_(0, (first * columns + second).to(device), true);
  return mask.reshape({rows, columns});
}

MetricLossResult pair_loss(const at::Tensor& distances, const at::Tensor& positive,
                           const at::Tensor& negative, const MetricLossOptions& options) {
  switch (options.kind) {
    case MetricLossKind::Contrastive:
      return contrastive_loss(distances, positive, negative, options);
    case MetricLossKind::NtXent: return ntxent_loss(distances, positive, negative, options);
    case MetricLossKind::SupCon: return supcon_loss(distances, positive, negative, options);
    default: break;
  }
  throw ConfigError("metric_loss: the triplet loss takes triplets, not pairs");
}

/// The distances of `batch` without autograd: what the miners decide on.
at::Tensor detached_distances(const miners::LabeledEmbeddings& batch,
                              const MetricLossOptions& options) {
  torch::NoGradGuard no_grad;
  return distances::pairwise(batch.embeddings.detach(), references(batch).detach(),
                             options.distance);
}

void check_indices(const at::Tensor& index, std::int64_t size, const char* what) {
  if (index.numel() == 0) return;
  const std::int64_t low = index.min().item<std::int64_t>(),
                     high = index.max().item<std::int64_t>();
  check_input(low >= 0 && high < size, std::string("metric_loss: ") + what +
                                           " indices must lie in [0, " + std::to_string(size) +
                                           ") (got " + std::to_string(low) + " to " +
                                           std::to_string(high) + ")");
}

}  // namespace

const char* to_string(MetricLossKind kind) {
  switch (kind) {
    case MetricLossKind::Triplet: return "triplet";
    case MetricLossKind::Contrastive: return "contrastive";
    case MetricLossKind::NtXent: return "ntxent";
    case MetricLossKind::SupCon: return "supcon";
  }
  return "?";
}

MetricLossKind parse_metric_loss(const std::string& name) {
  for (MetricLossKind kind : {MetricLossKind::Triplet, MetricLossKind::Contrastive,
                              MetricLossKind::NtXent, MetricLossKind::SupCon}) {
    if (name == to_string(kind)) return kind;
  }
  throw InputError("metric loss: unknown name " + in_quotes(name) +
                   " (expected triplet, contrastive, ntxent or supcon)");
}

const char* to_string(MetricReduction reduction) {
  return reduction == MetricReduction::MeanNonZero ? "mean_nonzero" : "mean";
}

distances::DistanceOptions default_distance(MetricLossKind kind) {
  distances::DistanceOptions options;
  options.kind = kind == MetricLossKind::NtXent || kind == MetricLossKind::SupCon
                     ? distances::DistanceKind::Cosine
                     : distances::DistanceKind::Euclidean;
  return options;
}

double default_temperature(MetricLossKind kind) {
  return kind == MetricLossKind::SupCon ? 0.1 : 0.07;
}

void MetricLossOptions::validate() const {
  if (!std::isfinite(margin) || margin < 0)
    throw ConfigError("metric loss margin: expected a finite number >= 0 (got " + number(margin) +
                      ")");
  if (!std::isfinite(pos_margin) || !std::isfinite(neg_margin))
    throw ConfigError("metric loss pos_margin, neg_margin: expected finite numbers (got " +
                      number(pos_margin) + ", " + number(neg_margin) + ")");
  if (!(temperature > 0) || !std::isfinite(temperature))
    throw ConfigError("metric loss temperature: expected a finite number > 0 (got " +
                      number(temperature) + ")");
}

std::string MetricLossOptions::describe() const {
  std::string text = std::string(to_string(kind)) + " on " + distance.describe();
  switch (kind) {
    case MetricLossKind::Triplet:
      text += soft_plus ? ", soft-plus" : ", margin " + number(margin);
      if (swap) text += ", swap";
      break;
    case MetricLossKind::Contrastive:
      text += ", pos_margin " + number(pos_margin) + ", neg_margin " + number(neg_margin);
      break;
    default: text += ", temperature " + number(temperature);
  }
  if (kind == MetricLossKind::Triplet || kind == MetricLossKind::Contrastive)
    text += std::string(", reduction ") + to_string(reduction);
  return text;
}

MetricLossResult metric_loss(const miners::LabeledEmbeddings& batch,
                             const MetricLossOptions& options, const miners::MinerOptions& miner,
                             std::mt19937_64* rng) {
  batch.check("metric_loss");
  options.validate();
  miner.validate();
  if (options.kind == MetricLossKind::Triplet && miner.kind == miners::MinerKind::Pair)
    throw ConfigError(
        "metric_loss: the pair miner cannot feed the triplet loss (use a triplet "
        "miner or none)");
  check_input(rng != nullptr || miner.kind != miners::MinerKind::Random,
              "metric_loss: the random miner needs an rng (got none)");
  const miners::detail::CpuLabels labels(batch);
  const double sign = distances::closeness_sign(options.distance.kind);
  const bool threshold =
      miners::detail::is_threshold(miner.kind) && miner.kind != miners::MinerKind::Random;
  if (options.kind == MetricLossKind::Triplet) {
    // Mined on a detached matrix; the loss takes its gradient from the embeddings.
    const at::Tensor detached = detached_distances(batch, options);
    if (threshold) {
      double lo = 0, hi = 0;
      miners::detail::miner_window(miner, lo, hi);
      if (options.soft_plus || options.swap)
        return triplet_pair_windows(batch, detached, labels.view, lo, hi, options);
      return triplet_hinge_windows(batch, detached, labels.view, lo, hi, options);
    }
    // Batch-hard, batch-semihard and random select O(N) or O(N · k) triplets: listed.
    const miners::Triplets triplets =
        miners::detail::mine_matrix(detached, labels.view, sign, miner, 0, rng);
    return triplet_from_list(batch, triplets, options);
  }
  if (options.kind == MetricLossKind::NtXent && miner.kind == miners::MinerKind::None &&
      batch.embeddings.device().is_cpu() && distances::is_similarity(options.distance.kind))
    return ntxent_from_labels(batch, labels.view, options);
  const at::Tensor distances =
      distances::pairwise(batch.embeddings, references(batch), options.distance);
  at::Tensor positive, negative;
  const auto device = distances.device();
  if (miner.kind == miners::MinerKind::None || miner.kind == miners::MinerKind::Pair) {
    label_masks(batch, device, positive, negative);
    if (miner.kind == miners::MinerKind::Pair) {
      const at::Tensor d = distances.detach();
      positive = positive & ((d - miner.pos_margin) * sign > 0);
      negative = negative & ((miner.neg_margin - d) * sign > 0);
    }
  } else {
    // Triplets become the pairs (a, p) and (a, n); a pair mined twice counts once.
    const miners::Triplets t =
        miners::detail::mine_matrix(distances, labels.view, sign, miner, 0, rng);
    const std::int64_t rows = distances.size(0), columns = distances.size(1);
    positive = scatter_mask(t.anchor, t.positive, rows, columns, device);
    negative = scatter_mask(t.anchor, t.negative, rows, columns, device);
  }
  return pair_loss(distances, positive, negative, options);
}

MetricLossResult metric_loss(const miners::LabeledEmbeddings& batch,
                             const MetricLossOptions& options, const miners::Triplets& triplets) {
  batch.check("metric_loss");
  options.validate();
  const std::int64_t rows = batch.embeddings.size(0), columns = references(batch).size(0);
  check_indices(triplets.anchor, rows, "anchor");
  check_indices(triplets.positive, columns, "positive");
  check_indices(triplets.negative, columns, "negative");
  if (options.kind == MetricLossKind::Triplet) return triplet_from_list(batch, triplets, options);
  const at::Tensor distances =
      distances::pairwise(batch.embeddings, references(batch), options.distance);
  const auto device = distances.device();
  if (triplets.size() == 0) {
    const at::Tensor none =
        torch::zeros({rows, columns}, torch::dtype(torch::kBool).device(device));
    return pair_loss(distances, none, none, options);
  }
  return pair_loss(
      distances, scatter_mask(triplets.anchor, triplets.positive, rows, columns, device),
      scatter_mask(triplets.anchor, triplets.negative, rows, columns, device), options);
}

MetricLossResult metric_loss(const miners::LabeledEmbeddings& batch,
                             const MetricLossOptions& options, const miners::Pairs& pairs) {
  batch.check("metric_loss");
  options.validate();
  if (options.kind == MetricLossKind::Triplet)
    throw ConfigError("metric_loss: the triplet loss takes triplets, not pairs");
  const std::int64_t rows = batch.embeddings.size(0), columns = references(batch).size(0);
  const at::Tensor distances =
      distances::pairwise(batch.embeddings, references(batch), options.distance);
  const auto device = distances.device();
  if (pairs.size() == 0) {
    const at::Tensor none =
        torch::zeros({rows, columns}, torch::dtype(torch::kBool).device(device));
    return pair_loss(distances, none, none, options);
  }
  check_indices(pairs.first, rows, "first");
  check_indices(pairs.second, columns, "second");
  const at::Tensor similar = pairs.similar.to(torch::kCPU, torch::kBool);
  const at::Tensor dissimilar = similar.logical_not();
  return pair_loss(distances,
                   scatter_mask(pairs.first.masked_select(similar),
                                pairs.second.masked_select(similar), rows, columns, device),
                   scatter_mask(pairs.first.masked_select(dissimilar),
                                pairs.second.masked_select(dissimilar), rows, columns, device),
                   options);
}

}  // namespace paradigms::losses
