#include "paradigms/miners/mine_rows.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <limits>
#include <set>

#include "paradigms/core/rng.h"
#include "paradigms/miners/anchor_scan.h"

namespace paradigms::miners::detail {

CpuLabels::CpuLabels(const LabeledEmbeddings& batch) {
  labels = batch.labels.to(torch::kCPU).contiguous();
  ref_labels = batch.has_references() ? batch.ref_labels.to(torch::kCPU).contiguous() : labels;
  view = {labels.data_ptr<std::int64_t>(), ref_labels.data_ptr<std::int64_t>(), ref_labels.size(0),
          !batch.has_references()};
}

void miner_window(const MinerOptions& miner, double& lo, double& hi) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  lo = -inf, hi = inf;
  switch (miner.kind) {
    case MinerKind::All: hi = miner.margin; break;
    case MinerKind::Hard: hi = 0.0; break;
    case MinerKind::SemiHard: lo = 0.0, hi = miner.margin; break;
    case MinerKind::Easy: lo = miner.margin; break;
    default: break;
  }
}

bool is_threshold(MinerKind kind) {
  return kind == MinerKind::None || kind == MinerKind::All || kind == MinerKind::Hard ||
         kind == MinerKind::SemiHard || kind == MinerKind::Easy || kind == MinerKind::Random;
}

std::int64_t block_rows(std::int64_t rows, std::int64_t columns) {
  const std::int64_t wanted =
      std::max<std::int64_t>(26, (std::int64_t(1) << 22) / std::max<std::int64_t>(columns, 1));
  return std::max<std::int64_t>(1, std::min(rows, wanted));
}

namespace {

using Row3 = std::array<std::int64_t, 3>;

/// `count` distinct values of [0, n), ascending (Floyd's algorithm).
std::vector<std::int64_t> sample_ranks(std::mt19937_64& rng, std::int64_t n, std::int64_t count) {
  std::set<std::int64_t> chosen;
  for (std::int64_t j = n - count; j < n; ++j) {
    const auto r = static_cast<std::int64_t>(uniform_index(rng, static_cast<std::uint64_t>(j + 1)));
    if (!chosen.insert(r).second) chosen.insert(j);
  }
  return {chosen.begin(), chosen.end()};
}

/// Batch-hard (one triplet) or batch-semihard (one per positive) of one anchor.
template <typename T>
std::vector<Row3> batch_triplets(const AnchorRow<T>& row, std::int64_t anchor, bool semihard) {
  std::vector<Row3> out;
  if (row.pos_index.empty() || row.neg_index.empty()) return out;
  if (!semihard) {
    std::size_t far = 0, near = 0;
    for (std::size_t i = 1; i < row.pos_value.size(); ++i)
      if (row.pos_value[i] > row.pos_value[far]) far = i;
    for (std::size_t i = 1; i < row.neg_value.size(); ++i)
      if (row.neg_value[i] < row.neg_value[near]) near = i;
    out.push_back({anchor, row.pos_index[far], row.neg_index[near]});
    return out;
  }
  std::vector<std::pair<T, std::int64_t>> sorted(row.neg_index.size());
  for (std::size_t i = 0; i < sorted.size(); ++i) sorted[i] = {row.neg_value[i], row.neg_index[i]};
  std::sort(sorted.begin(), sorted.end());
  // The farthest negative, the lowest index among ties.
  const auto farthest = std::lower_bound(
      sorted.begin(), sorted.end(),
      std::make_pair(sorted.back().first, std::numeric_limits<std::int64_t>::min()));
  for (std::size_t i = 0; i < row.pos_index.size(); ++i) {
    const T vp = row.pos_value[i];
    const auto next = std::partition_point(sorted.begin(), sorted.end(),
                                           [&](const auto& x) { return !(x.first > vp); });
    out.push_back(
        {anchor, row.pos_index[i], next != sorted.end() ? next->second : farthest->second});
  }
  return out;
}

/// The triplets of `windows` of ascending ranks `ranks` (all when `ranks` is null), sorted.
template <typename T>
std::vector<Row3> emit(const AnchorWindows<T>& windows, std::int64_t anchor,
                       const std::vector<std::int64_t>* ranks) {
  std::vector<Row3> out;
  std::vector<std::int64_t> negatives;
  std::int64_t offset = 0;
  std::size_t next_rank = 0;
  for (std::size_t i = 0; i < windows.pos_index.size(); ++i) {
    const std::int64_t size = windows.end[i] - windows.begin[i];
    negatives.clear();
    if (ranks == nullptr) {
      for (std::int64_t k = windows.begin[i]; k < windows.end[i]; ++k)
        negatives.push_back(windows.order[k]);
    } else {
      while (next_rank < ranks->size() && (*ranks)[next_rank] < offset + size)
        negatives.push_back(windows.order[windows.begin[i] + (*ranks)[next_rank++] - offset]);
    }
    offset += size;
    std::sort(negatives.begin(), negatives.end());
    for (std::int64_t n : negatives) out.push_back({anchor, windows.pos_index[i], n});
  }
  return out;
}

template <typename T>
void mine_rows_typed(const at::Tensor& distances, std::int64_t first_row, const LabelView& labels,
                     double sign, const MinerOptions& miner, std::int64_t max_per_anchor,
                     std::mt19937_64* rng, std::vector<std::int64_t>& out) {
  const std::int64_t rows = distances.size(0), columns = distances.size(1);
  const T* data = distances.data_ptr<T>();
  const bool threshold = is_threshold(miner.kind);
  double lo = 0, hi = 0;
  miner_window(miner, lo, hi);
  const Window<T> window{T(lo), T(hi), std::numeric_limits<T>::infinity()};
  std::vector<AnchorWindows<T>> windows(threshold ? rows : 0);
  std::vector<std::vector<Row3>> lists(rows);
  at::parallel_for(0, rows, 1, [&](std::int64_t begin, std::int64_t end) {
    AnchorRow<T> row;
    for (std::int64_t i = begin; i < end; ++i) {
      const std::int64_t anchor = first_row + i;
      row.load(data + i * columns, columns, labels.ref_labels, labels.labels[anchor],
               labels.self ? anchor : -1, T(sign));
      if (threshold) {
        windows[i].build(row, window, false);
      } else {
        lists[i] = batch_triplets(row, anchor, miner.kind == MinerKind::BatchSemiHard);
      }
    }
  });

  // Draws happen in anchor order on one thread, so a seed gives one result.
  std::int64_t cap = max_per_anchor;
  if (miner.kind == MinerKind::Random)
    cap = cap > 0 ? std::min(cap, miner.triplets_per_anchor) : miner.triplets_per_anchor;
  std::vector<std::vector<std::int64_t>> ranks(rows);
  std::vector<char> sampled(rows, 0);
  if (cap > 0) {
    for (std::int64_t i = 0; i < rows; ++i) {
      const std::int64_t count = threshold ? windows[i].count : std::int64_t(lists[i].size());
      if (count > cap) {
        ranks[i] = sample_ranks(*rng, count, cap);
        sampled[i] = 1;
      }
    }
  }
  at::parallel_for(0, rows, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      if (threshold) {
        lists[i] = emit(windows[i], first_row + i, sampled[i] ? &ranks[i] : nullptr);
        windows[i] = AnchorWindows<T>{};
      } else if (sampled[i]) {
        std::vector<Row3> kept;
        for (std::int64_t r : ranks[i]) kept.push_back(lists[i][r]);
        lists[i] = std::move(kept);
      }
    }
  });
  for (const auto& list : lists)
    for (const Row3& r : list) out.insert(out.end(), r.begin(), r.end());
}

template <typename T>
std::int64_t count_rows_typed(const at::Tensor& distances, std::int64_t first_row,
                              const LabelView& labels, double sign, const MinerOptions& miner) {
  const std::int64_t rows = distances.size(0), columns = distances.size(1);
  const T* data = distances.data_ptr<T>();
  double lo = 0, hi = 0;
  miner_window(miner, lo, hi);
  const Window<T> window{T(lo), T(hi), std::numeric_limits<T>::infinity()};
  std::vector<std::int64_t> counts(rows, 0);
  at::parallel_for(0, rows, 1, [&](std::int64_t begin, std::int64_t end) {
    AnchorRow<T> row;
    AnchorWindows<T> windows;
    for (std::int64_t i = begin; i < end; ++i) {
      const std::int64_t anchor = first_row + i;
      row.load(data + i * columns, columns, labels.ref_labels, labels.labels[anchor],
               labels.self ? anchor : -1, T(sign));
      const auto positives = std::int64_t(row.pos_index.size());
      const bool valid = positives > 0 && !row.neg_index.empty();
      switch (miner.kind) {
        case MinerKind::BatchHard: counts[i] = valid ? 1 : 0; break;
        case MinerKind::BatchSemiHard: counts[i] = valid ? positives : 0; break;
        default:
          windows.build(row, window, true);
          counts[i] = miner.kind == MinerKind::Random
                          ? std::min(windows.count, miner.triplets_per_anchor)
                          : windows.count;
      }
    }
  });
  std::int64_t total = 0;
  for (std::int64_t c : counts) total += c;
  return total;
}

}  // namespace

void mine_rows(const at::Tensor& distances, std::int64_t first_row, const LabelView& labels,
               double sign, const MinerOptions& miner, std::int64_t max_per_anchor,
               std::mt19937_64* rng, std::vector<std::int64_t>& out) {
  if (distances.scalar_type() == at::kDouble) {
    mine_rows_typed<double>(distances, first_row, labels, sign, miner, max_per_anchor, rng, out);
  } else {
    mine_rows_typed<float>(distances, first_row, labels, sign, miner, max_per_anchor, rng, out);
  }
}

std::int64_t count_rows(const at::Tensor& distances, std::int64_t first_row,
                        const LabelView& labels, double sign, const MinerOptions& miner) {
  if (distances.scalar_type() == at::kDouble)
    return count_rows_typed<double>(distances, first_row, labels, sign, miner);
  return count_rows_typed<float>(distances, first_row, labels, sign, miner);
}

Triplets mine_matrix(const at::Tensor& distances, const LabelView& labels, double sign,
                     const MinerOptions& miner, std::int64_t max_per_anchor, std::mt19937_64* rng) {
  const at::Tensor d = distances.detach().to(torch::kCPU).contiguous();
  const std::int64_t rows = d.size(0), step = block_rows(rows, d.size(1));
  std::vector<std::int64_t> flat;
  for (std::int64_t start = 0; start < rows; start += step) {
    const std::int64_t stop = std::min(rows, start + step);
    mine_rows(d.slice(0, start, stop), start, labels, sign, miner, max_per_anchor, rng, flat);
  }
  const auto k = static_cast<std::int64_t>(flat.size() / 3);
  const at::Tensor rows_tensor = torch::from_blob(flat.data(), {k, 3}, torch::kInt64).clone();
  return Triplets::from_rows(rows_tensor);
}

}  // namespace paradigms::miners::detail
