#pragma once
// Internal to the miners and the triplet loss: one anchor's row of distances, split into its
// positives and negatives, and the windows of negatives each positive forms a selected triplet
// with. Works on raw rows (no libtorch) so it can run inside at::parallel_for.
//
// Values are "distance-like": v = sign · d, so smaller is closer for distances and
// similarities alike, and t = fl(v_an − v_ap) is the same float as fl(d_an − d_ap) or
// fl(s_ap − s_an) (negation is exact). For a fixed positive, t grows with v_an and rounding
// is monotone, so the negatives with t in (lo, hi] form one contiguous run of the negatives
// sorted by value, found by binary search with the very predicate a brute-force loop uses.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace paradigms::miners::detail {

/// Triplets are selected when lo < t ≤ hi; `loss_margin` m marks the hinge terms that are
/// non-zero (relu(m − t) > 0 exactly when t < m in floats).
template <typename T>
struct Window {
  T lo = -std::numeric_limits<T>::infinity();
  T hi = std::numeric_limits<T>::infinity();
  T loss_margin = std::numeric_limits<T>::infinity();

  bool unbounded() const {
    return lo == -std::numeric_limits<T>::infinity() && hi == std::numeric_limits<T>::infinity();
  }
};

/// The positives and negatives of anchor `anchor` (self mode: `anchor` ≥ 0 is excluded from
/// its positives; reference mode: pass −1).
template <typename T>
struct AnchorRow {
  std::vector<std::int64_t> pos_index, neg_index;  // ascending
  std::vector<T> pos_value, neg_value;             // in the order of the indices

  void load(const T* row, std::int64_t size, const std::int64_t* ref_labels, std::int64_t label,
            std::int64_t anchor, T sign) {
    pos_index.clear(), neg_index.clear(), pos_value.clear(), neg_value.clear();
    for (std::int64_t j = 0; j < size; ++j) {
      if (ref_labels[j] == label) {
        if (j == anchor) continue;
        pos_index.push_back(j);
        pos_value.push_back(sign * row[j]);
      } else {
        neg_index.push_back(j);
        neg_value.push_back(sign * row[j]);
      }
    }
  }
};

/// First position in sorted `values` from `begin` where fl(x − vp) ≤ bound fails.
template <typename T>
std::int64_t first_above(const std::vector<T>& values, std::int64_t begin, T vp, T bound) {
  return std::partition_point(values.begin() + begin, values.end(),
                              [&](T x) { return T(x - vp) <= bound; }) -
         values.begin();
}

/// Like first_above for the conjunction t ≤ hi and t < m (the selected non-zero terms).
template <typename T>
std::int64_t first_not_paying(const std::vector<T>& values, std::int64_t begin, T vp,
                              const Window<T>& w) {
  return std::partition_point(values.begin() + begin, values.end(),
                              [&](T x) {
                                const T t = x - vp;
                                return t <= w.hi && t < w.loss_margin;
                              }) -
         values.begin();
}

/// Hinge-loss weights of one anchor: adds sign·(non-zero terms of (a, p)) at p and
/// −sign·(non-zero terms with (a, n)) at n of `weights` (the anchor's row), and counts the
/// selected and the non-zero triplets. The non-zero terms of a positive are a run of the
/// sorted negatives, so a difference array over the runs counts them per negative.
template <typename T>
void hinge_weights(const AnchorRow<T>& row, const Window<T>& w, T sign, T* weights,
                   std::vector<std::pair<T, std::int64_t>>& pairs, std::vector<T>& sorted,
                   std::vector<std::int64_t>& runs, std::int64_t& selected, std::int64_t& nonzero) {
  if (row.pos_index.empty() || row.neg_index.empty()) return;
  const std::size_t negatives = row.neg_index.size();
  pairs.resize(negatives);
  for (std::size_t i = 0; i < negatives; ++i) pairs[i] = {row.neg_value[i], row.neg_index[i]};
  std::sort(pairs.begin(), pairs.end());
  sorted.resize(negatives);
  for (std::size_t i = 0; i < negatives; ++i) sorted[i] = pairs[i].first;
  runs.assign(negatives + 1, 0);
  for (std::size_t i = 0; i < row.pos_index.size(); ++i) {
    const T vp = row.pos_value[i];
    const std::int64_t begin = first_above(sorted, 0, vp, w.lo);
    const std::int64_t end_selected = first_above(sorted, begin, vp, w.hi);
    const std::int64_t end_paying = first_not_paying(sorted, begin, vp, w);
    selected += end_selected - begin;
    nonzero += end_paying - begin;
    weights[row.pos_index[i]] += sign * T(end_paying - begin);
    ++runs[begin];
    --runs[end_paying];
  }
  std::int64_t covering = 0;
  for (std::size_t k = 0; k < negatives; ++k) {
    covering += runs[k];
    weights[pairs[k].second] -= sign * T(covering);
  }
}

/// The selected triplets of one anchor as windows into its negatives sorted by (value,
/// index): positive i pairs with order[begin[i]] ... order[end[i] − 1].
template <typename T>
struct AnchorWindows {
  std::vector<std::int64_t> pos_index;
  std::vector<std::int64_t> order;  // negative indices sorted by (value, index)
  std::vector<std::int64_t> begin, end;
  std::int64_t count = 0;

  void build(const AnchorRow<T>& row, const Window<T>& w, bool counts_only) {
    pos_index = row.pos_index;
    begin.assign(pos_index.size(), 0);
    end.assign(pos_index.size(), 0);
    count = 0;
    order.clear();
    if (row.pos_index.empty() || row.neg_index.empty()) return;
    if (w.unbounded() && counts_only) {
      count = std::int64_t(row.pos_index.size()) * std::int64_t(row.neg_index.size());
      return;
    }
    std::vector<std::pair<T, std::int64_t>> pairs(row.neg_index.size());
    for (std::size_t i = 0; i < pairs.size(); ++i) pairs[i] = {row.neg_value[i], row.neg_index[i]};
    std::sort(pairs.begin(), pairs.end());
    std::vector<T> values(pairs.size());
    order.resize(pairs.size());
    for (std::size_t i = 0; i < pairs.size(); ++i) values[i] = pairs[i].first;
    for (std::size_t i = 0; i < pairs.size(); ++i) order[i] = pairs[i].second;
    for (std::size_t i = 0; i < pos_index.size(); ++i) {
      const T vp = row.pos_value[i];
      begin[i] = first_above(values, 0, vp, w.lo);
      end[i] = first_above(values, begin[i], vp, w.hi);
      count += end[i] - begin[i];
    }
    if (counts_only) order.clear();
  }
};

}  // namespace paradigms::miners::detail
