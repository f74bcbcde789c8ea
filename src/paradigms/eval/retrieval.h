#pragma once
// Retrieval metrics for embeddings with labels: each query ranks the references by distance and
// the references that share its label are the relevant ones.
//
// For a query with R >= 1 relevant references at 1-based ranks r_1 < r_2 < .. < r_R of its
// ranking (ascending distance, or descending similarity):
//   precision_at_1 = [r_1 = 1]
//   r_precision    = |{i : r_i <= R}| / R
//   map_at_r       = (1 / R) sum_{i : r_i <= R} i / r_i   (MAP@R of Musgrave et al. 2020,
//                    "A metric learning reality check": P@rank summed over the relevant items
//                    in the top R, divided by R)
//   map            = (1 / R) sum_{i = 1..R} i / r_i      (average precision over the whole
//                    ranking, every relevant item found)
//   mrr            = 1 / r_1                             (reciprocal rank of the first match)
//   mr1            = r_1                                 (rank of the first match, 1-based; the
//                    "MR1" of cover-song identification, lower is better)
//   recall_at_k    = [r_1 <= k]                          (at least one relevant item among the
//                    k nearest; a k beyond the number of references counts them all)
// and every metric of the report is the mean over the evaluated queries.
//
// Two modes: leave-one-out (one set; each query ranks all the other items, itself excluded by
// index, whatever its distance) and query-against-reference (a separate set; nothing excluded).
// Ties in distance are broken by ascending reference index, so results never depend on a sort's
// whim. Queries without a relevant reference (a class of one in leave-one-out, a label the
// reference set lacks) are left out of every mean and counted in queries_without_relevant; when
// no query is left, every metric is NaN (null in JSON).
//
// The k-NN is exact. Distances are computed for `chunk_size` queries at a time, so memory is
// O(chunk_size x M) for M references, never the full N x M matrix. Each query's ranks of its
// relevant items are found without sorting the whole row: the R relevant distances are sorted
// and every other reference is dropped into one of 4R buckets over their range, compared
// exactly only when its bucket holds relevant ones: O(M + R log R) per query on spread-out
// distances, O(M log R) at worst (everything in one bucket, e.g. all distances tied). Queries
// run in parallel on libtorch's intra-op threads (at::parallel_for). The ranking does not
// depend on the thread count; chunk_size only changes how the distance matrix is blocked
// (BLAS may round a distance differently in a block of another shape, which can only swap two
// distances that are equal to the last bit or so).

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "paradigms/distances/distance.h"

namespace paradigms::eval {

struct RetrievalOptions {
  /// How queries and references are compared (default: euclidean on L2-normalised rows).
  distances::DistanceOptions distance;
  /// The k of recall_at_k, each >= 1 (default 1, 5, 10; may be empty).
  std::vector<std::int64_t> recall_ks = {1, 5, 10};
  /// Queries per block of distances (default 1024): the peak extra memory is about
  /// chunk_size x M distances. Must be >= 1.
  std::int64_t chunk_size = 1024;

  /// Throws InputError naming the first invalid field and its value.
  void validate() const;
  /// "euclidean (normalized), recall@k 1,5,10, chunk 1024"
  std::string describe() const;
};

struct RetrievalReport {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

  double precision_at_1 = kNaN;
  double r_precision = kNaN;
  double map_at_r = kNaN;
  double map = kNaN;
  double mrr = kNaN;
  double mr1 = kNaN;
  /// k -> fraction of evaluated queries with a relevant item among their k nearest.
  std::map<std::int64_t, double> recall_at_k;
  /// Queries evaluated (with at least one relevant reference).
  std::int64_t queries = 0;
  /// Queries left out because no reference shares their label.
  std::int64_t queries_without_relevant = 0;

  /// Keys precision_at_1, r_precision, map_at_r, map, mrr, mr1, recall_at_k (an object keyed
  /// by k as a string: {"1": .., "5": ..}), queries and queries_without_relevant; NaN is null.
  nlohmann::json to_json() const;
};

/// Leave-one-out retrieval within one set: `embeddings` [N, D] (float32 or float64, finite,
/// any device) and `labels` [N] (any integer dtype). Query i ranks the N - 1 other items.
/// Throws InputError for a wrong shape or dtype, a non-finite value, mismatched lengths or
/// invalid options, naming the argument.
RetrievalReport retrieval_metrics(const at::Tensor& embeddings, const at::Tensor& labels,
                                  const RetrievalOptions& options = {});

/// Queries [N, D] with query_labels [N] against references [M, D] with reference_labels [M]
/// (as above; both sets of the same dtype and D). Every reference is ranked for every query.
RetrievalReport retrieval_metrics(const at::Tensor& queries, const at::Tensor& query_labels,
                                  const at::Tensor& references, const at::Tensor& reference_labels,
                                  const RetrievalOptions& options = {});

}  // namespace paradigms::eval
