#include "paradigms/miners/miner.h"

#include <torch/torch.h>

#include <cmath>
#include <sstream>

#include "paradigms/core/error.h"
#include "paradigms/miners/mine_rows.h"

namespace paradigms::miners {

namespace {

constexpr MinerKind kAllKinds[] = {
    MinerKind::None,          MinerKind::All,    MinerKind::Hard,
    MinerKind::SemiHard,      MinerKind::Easy,   MinerKind::BatchHard,
    MinerKind::BatchSemiHard, MinerKind::Random, MinerKind::Pair};

std::string number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

using Labels = detail::CpuLabels;

/// Distances of query rows [start, stop) to every reference, detached, on the CPU.
at::Tensor block_distances(const LabeledEmbeddings& batch,
                           const distances::DistanceOptions& distance, std::int64_t start,
                           std::int64_t stop) {
  torch::NoGradGuard no_grad;
  const at::Tensor refs = batch.has_references() ? batch.ref_embeddings : batch.embeddings;
  return distances::pairwise(batch.embeddings.detach().slice(0, start, stop), refs.detach(),
                             distance)
      .to(torch::kCPU)
      .contiguous();
}

std::int64_t references(const LabeledEmbeddings& batch) {
  return batch.has_references() ? batch.ref_embeddings.size(0) : batch.embeddings.size(0);
}

}  // namespace

const char* to_string(MinerKind kind) {
  switch (kind) {
    case MinerKind::None: return "none";
    case MinerKind::All: return "all";
    case MinerKind::Hard: return "hard";
    case MinerKind::SemiHard: return "semihard";
    case MinerKind::Easy: return "easy";
    case MinerKind::BatchHard: return "batch-hard";
    case MinerKind::BatchSemiHard: return "batch-semihard";
    case MinerKind::Random: return "random";
    case MinerKind::Pair: return "pair";
  }
  return "?";
}

MinerKind parse_miner(const std::string& name) {
  for (MinerKind kind : kAllKinds)
    if (name == to_string(kind)) return kind;
  throw InputError("miner: unknown name " + in_quotes(name) +
                   " (expected none, all, hard, semihard, easy, batch-hard, batch-semihard, "
                   "random or pair)");
}

bool selects_triplets(MinerKind kind) { return kind != MinerKind::None && kind != MinerKind::Pair; }

void MinerOptions::validate() const {
  if (!std::isfinite(margin) || margin < 0)
    throw ConfigError("miner margin: expected a finite number >= 0 (got " + number(margin) + ")");
  if (triplets_per_anchor < 1)
    throw ConfigError("miner triplets_per_anchor: expected >= 1 (got " +
                      std::to_string(triplets_per_anchor) + ")");
  if (std::isnan(pos_margin) || std::isnan(neg_margin))
    throw ConfigError("miner pos_margin and neg_margin: expected numbers (got nan)");
}

std::string MinerOptions::describe() const {
  switch (kind) {
    case MinerKind::All:
    case MinerKind::SemiHard:
    case MinerKind::Easy: return std::string(to_string(kind)) + " (margin " + number(margin) + ")";
    case MinerKind::Random:
      return "random (" + std::to_string(triplets_per_anchor) + " per anchor)";
    case MinerKind::Pair:
      return "pair (pos_margin " + number(pos_margin) + ", neg_margin " + number(neg_margin) + ")";
    default: return to_string(kind);
  }
}

Triplets mine_triplets(const LabeledEmbeddings& batch, const MinerOptions& miner,
                       const distances::DistanceOptions& distance, std::int64_t max_per_anchor,
                       std::mt19937_64* rng) {
  batch.check("mine_triplets");
  miner.validate();
  check_input(selects_triplets(miner.kind),
              std::string("mine_triplets: miner must select triplets (got ") +
                  to_string(miner.kind) + "; use count_triplets or the all miner)");
  check_input(max_per_anchor >= 0, "mine_triplets: max_per_anchor must be >= 0 (got " +
                                       std::to_string(max_per_anchor) + ")");
  check_input(rng != nullptr || (max_per_anchor == 0 && miner.kind != MinerKind::Random),
              "mine_triplets: rng is required by the random miner and by max_per_anchor > 0");
  const Labels labels(batch);
  const double sign = distances::closeness_sign(distance.kind);
  const std::int64_t rows = batch.embeddings.size(0);
  const std::int64_t step = detail::block_rows(rows, references(batch));
  std::vector<std::int64_t> flat;
  for (std::int64_t start = 0; start < rows; start += step) {
    const std::int64_t stop = std::min(rows, start + step);
    detail::mine_rows(block_distances(batch, distance, start, stop), start, labels.view, sign,
                      miner, max_per_anchor, rng, flat);
  }
  const auto k = static_cast<std::int64_t>(flat.size() / 3);
  return Triplets::from_rows(torch::from_blob(flat.data(), {k, 3}, torch::kInt64).clone());
}

std::int64_t count_triplets(const LabeledEmbeddings& batch, const MinerOptions& miner,
                            const distances::DistanceOptions& distance) {
  batch.check("count_triplets");
  miner.validate();
  check_input(miner.kind != MinerKind::Pair,
              "count_triplets: the pair miner selects pairs, not triplets");
  const Labels labels(batch);
  const double sign = distances::closeness_sign(distance.kind);
  const std::int64_t rows = batch.embeddings.size(0);
  const std::int64_t step = detail::block_rows(rows, references(batch));
  std::int64_t total = 0;
  for (std::int64_t start = 0; start < rows; start += step) {
    const std::int64_t stop = std::min(rows, start + step);
    total += detail::count_rows(block_distances(batch, distance, start, stop), start, labels.view,
                                sign, miner);
  }
  return total;
}

Pairs mine_pairs(const LabeledEmbeddings& batch, const MinerOptions& miner,
                 const distances::DistanceOptions& distance) {
  batch.check("mine_pairs");
  miner.validate();
  check_input(miner.kind == MinerKind::Pair || miner.kind == MinerKind::None,
              std::string("mine_pairs: expected the pair miner or none (got ") +
                  to_string(miner.kind) + ")");
  const Labels labels(batch);
  const double sign = distances::closeness_sign(distance.kind);
  const bool filter = miner.kind == MinerKind::Pair;
  const std::int64_t rows = batch.embeddings.size(0), columns = references(batch);
  const std::int64_t step = detail::block_rows(rows, columns);
  std::vector<std::int64_t> first, second;
  std::vector<bool> similar;
  for (std::int64_t start = 0; start < rows; start += step) {
    const std::int64_t stop = std::min(rows, start + step);
    const at::Tensor block = block_distances(batch, distance, start, stop).to(torch::kDouble);
    const double* d = block.data_ptr<double>();
    const float pos_margin = float(miner.pos_margin), neg_margin = float(miner.neg_margin);
    const bool single = batch.embeddings.scalar_type() == torch::kFloat;
    for (std::int64_t a = start; a < stop; ++a) {
      for (std::int64_t j = 0; j < columns; ++j) {
        if (labels.view.self && j == a) continue;
        const bool positive = labels.view.labels[a] == labels.view.ref_labels[j];
        const double v = d[(a - start) * columns + j];
        // The float predicate a float32 brute force uses: sign · (d − margin) > 0.
        bool keep = true;
        if (filter && positive)
          keep = single ? sign * (float(v) - pos_margin) > 0 : sign * (v - miner.pos_margin) > 0;
        if (filter && !positive)
          keep = single ? sign * (neg_margin - float(v)) > 0 : sign * (miner.neg_margin - v) > 0;
        if (!keep) continue;
        first.push_back(a);
        second.push_back(j);
        similar.push_back(positive);
      }
    }
  }
  const auto k = static_cast<std::int64_t>(first.size());
  Pairs pairs;
  pairs.first = torch::from_blob(first.data(), {k}, torch::kInt64).clone();
  pairs.second = torch::from_blob(second.data(), {k}, torch::kInt64).clone();
  pairs.similar = torch::zeros({k}, torch::kBool);
  bool* s = pairs.similar.data_ptr<bool>();
  for (std::int64_t i = 0; i < k; ++i) s[i] = similar[std::size_t(i)];
  return pairs;
}

}  // namespace paradigms::miners
