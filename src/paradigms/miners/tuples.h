#pragma once
// Explicit tuples for metric learning: triplets (a, p, n) meaning d(a, p) < d(a, n), and
// pairs (i, j, ±). Anchors (and the first item of a pair) index the query embeddings;
// positives, negatives (and the second item) index the reference embeddings, which are the
// queries themselves unless a separate reference set is given.

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace paradigms::miners {

/// Three int64 tensors [K] on the CPU.
struct Triplets {
  at::Tensor anchor, positive, negative;

  std::int64_t size() const { return anchor.defined() ? anchor.size(0) : 0; }
  /// [K, 3] int64 (rows a, p, n).
  at::Tensor as_rows() const;
  /// From [K, 3] int64 rows; throws InputError when the shape is not [K, 3].
  static Triplets from_rows(const at::Tensor& rows);
};

/// Two int64 tensors [K] and a bool tensor [K] (true: similar) on the CPU.
struct Pairs {
  at::Tensor first, second, similar;

  std::int64_t size() const { return first.defined() ? first.size(0) : 0; }
};

}  // namespace paradigms::miners

namespace paradigms::miners {

/// Embeddings with class labels, optionally against a separate reference set.
///
/// Without references, the queries are their own references and an item never pairs with
/// itself (i ≠ j). With references (query set against reference set), every (query,
/// reference) pair counts, i = j included.
struct LabeledEmbeddings {
  at::Tensor embeddings;      ///< [N, D] float, may require grad
  at::Tensor labels;          ///< [N] int64, any values (need not be contiguous)
  at::Tensor ref_embeddings;  ///< [M, D] or undefined: the queries are the references
  at::Tensor ref_labels;      ///< [M] int64 or undefined

  bool has_references() const { return ref_embeddings.defined(); }
  /// Throws InputError naming `where` for wrong shapes, dtypes or lengths.
  void check(const char* where) const;
};

}  // namespace paradigms::miners
