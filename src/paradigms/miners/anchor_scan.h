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

/// The length of the prefix of values[0, size) on which `holds` is true (it must be true on
/// a prefix only), like std::partition_point but without data-dependent branches: the
/// halving runs a fixed number of steps for a size and the step is a conditional move, so
/// random data costs no mispredicted jumps.
template <typename T, typename Predicate>
std::int64_t prefix_length(const T* values, std::int64_t size, Predicate holds) {
  if (size <= 0) return 0;
  const T* base = values;
  while (size > 1) {
    const std::int64_t half = size / 2;
    base = holds(base[half]) ? base + half : base;
    size -= half;
  }
  return (base - values) + (holds(*base) ? 1 : 0);
}

/// Up to this many positives an anchor's runs are counted in vector steps, beyond it found
/// by binary search: O(N·P) against O(N log P) per anchor, but the count has no dependent
/// loads and measured faster up to P = 128 at least (B = 4096, 32 classes).
constexpr std::int64_t kCountedPositives = 256;

/// Hinge-loss weights of one anchor: adds sign·(non-zero terms of (a, p)) at p and
/// −sign·(non-zero terms with (a, n)) at n of `weights` (the anchor's row), and counts the
/// selected and the non-zero triplets. Only the positives are sorted (a class holds about
/// 1/C of the batch): for a negative of value x, t = fl(x − vp) falls as vp grows, so t > lo
/// holds on a prefix of the sorted positives and t ≤ hi (and t < m) on a suffix, and the
/// brute-force predicates counted over the positives (or binary searches) give each
/// negative's run of them; a difference array over the runs counts the terms per positive.
template <typename T>
void hinge_weights(const AnchorRow<T>& row, const Window<T>& w, T sign, T* weights,
                   std::vector<std::pair<T, std::int64_t>>& pairs, std::vector<T>& sorted,
                   std::vector<std::int64_t>& runs, std::int64_t& selected, std::int64_t& nonzero) {
  if (row.pos_index.empty() || row.neg_index.empty()) return;
  const std::size_t positives = row.pos_index.size();
  pairs.resize(positives);
  for (std::size_t i = 0; i < positives; ++i) pairs[i] = {row.pos_value[i], row.pos_index[i]};
  std::sort(pairs.begin(), pairs.end());
  sorted.resize(positives);
  for (std::size_t i = 0; i < positives; ++i) sorted[i] = pairs[i].first;
  runs.assign(positives + 1, 0);
  const T* first = sorted.data();
  const auto count = std::int64_t(positives);
  for (std::size_t k = 0; k < row.neg_index.size(); ++k) {
    const T x = row.neg_value[k];
    const auto above_lo = [&](T vp) { return T(x - vp) > w.lo; };
    const auto above_hi = [&](T vp) { return !(T(x - vp) <= w.hi); };
    const auto not_paying = [&](T vp) {
      const T t = x - vp;
      return !(t <= w.hi) | !(t < w.loss_margin);
    };
    std::int64_t end = 0, begin_selected = 0, begin_paying = 0;
    if (count <= kCountedPositives) {
      // Each predicate holds on a prefix, so where it holds counts the prefix length: a
      // branch-free loop that the compiler vectorises.
      std::int32_t lo_count = 0, hi_count = 0, not_paying_count = 0;
      for (std::int64_t i = 0; i < count; ++i) {
        lo_count += above_lo(first[i]);
        hi_count += above_hi(first[i]);
        not_paying_count += not_paying(first[i]);
      }
      end = lo_count;
      begin_selected = std::min<std::int64_t>(hi_count, end);
      begin_paying = std::min<std::int64_t>(not_paying_count, end);
    } else {
      end = prefix_length(first, count, above_lo);
      begin_selected = prefix_length(first, end, above_hi);
      begin_paying =
          begin_selected + prefix_length(first + begin_selected, end - begin_selected, not_paying);
    }
    // No branch on an empty run: it would be mispredicted about half the time.
    selected += end - begin_selected;
    nonzero += end - begin_paying;
    weights[row.neg_index[k]] -= sign * T(end - begin_paying);
    ++runs[begin_paying];
    --runs[end];
  }
  std::int64_t covering = 0;
  for (std::size_t i = 0; i < positives; ++i) {
    covering += runs[i];
    weights[pairs[i].second] += sign * T(covering);
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
