#pragma once
// Internal to the miners and the metric losses: mining over blocks of rows of a detached CPU
// distance matrix, so a whole training set is mined in O(rows × references) memory.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <random>
#include <vector>

#include "paradigms/miners/miner.h"

namespace paradigms::miners::detail {

/// Query labels, reference labels and whether the queries are their own references (an
/// item then never pairs with itself).
struct LabelView {
  const std::int64_t* labels = nullptr;
  const std::int64_t* ref_labels = nullptr;
  std::int64_t ref_size = 0;
  bool self = true;
};

/// The labels on the CPU (contiguous) and the view over them that the row miners read.
struct CpuLabels {
  at::Tensor labels, ref_labels;
  LabelView view;

  explicit CpuLabels(const LabeledEmbeddings& batch);
};

/// The thresholds (lo, hi] on t of a threshold miner (None and Random: unbounded).
void miner_window(const MinerOptions& miner, double& lo, double& hi);
/// True for all, hard, semihard, easy (and None and Random, which use every valid triplet).
bool is_threshold(MinerKind kind);

/// Appends the rows (a, p, n) selected in `distances` ([R, M] float or double, CPU,
/// contiguous, rows first_row ... first_row + R − 1), sorted by (a, p, n), at most
/// `max_per_anchor` per anchor (0: all) drawn with `rng`; `sign` is closeness_sign.
void mine_rows(const at::Tensor& distances, std::int64_t first_row, const LabelView& labels,
               double sign, const MinerOptions& miner, std::int64_t max_per_anchor,
               std::mt19937_64* rng, std::vector<std::int64_t>& out);

/// How many triplets mine_rows would append with max_per_anchor = 0.
std::int64_t count_rows(const at::Tensor& distances, std::int64_t first_row,
                        const LabelView& labels, double sign, const MinerOptions& miner);

/// mine_rows over all rows of a full detached matrix, in blocks.
Triplets mine_matrix(const at::Tensor& distances, const LabelView& labels, double sign,
                     const MinerOptions& miner, std::int64_t max_per_anchor, std::mt19937_64* rng);

/// Rows per block so that a block of `columns` columns holds about 4 M values.
std::int64_t block_rows(std::int64_t rows, std::int64_t columns);

}  // namespace paradigms::miners::detail
