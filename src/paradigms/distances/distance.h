#pragma once
// Distances and similarities between embeddings, for metric learning and retrieval.
//
//   euclidean          d(x, y) = |x − y|₂
//   squared_euclidean  d(x, y) = |x − y|₂²
//   cosine             s(x, y) = x·y / (|x| |y|)   (a similarity: larger is closer)
//   dot                s(x, y) = x·y               (a similarity)
//
// Rows are L2-normalised first by default (x / |x|₂, and 0 for rows with |x|₂ ≤ 1e-12: a
// zero row stays zero and has a zero gradient). Every "closer than" inequality of the losses and
// miners is flipped for similarities; `closeness_sign` gives the factor that turns a value into a
// distance-like one (+1 for distances, −1 for similarities).

#include <ATen/core/Tensor.h>

#include <string>

namespace paradigms::distances {

enum class DistanceKind { Euclidean, SquaredEuclidean, Cosine, Dot };

const char* to_string(DistanceKind kind);
/// "euclidean", "squared_euclidean", "cosine" or "dot"; InputError naming the valid ones.
DistanceKind parse_distance(const std::string& name);

/// True for cosine and dot (larger means closer).
bool is_similarity(DistanceKind kind);
/// +1 for distances, −1 for similarities.
inline double closeness_sign(DistanceKind kind) { return is_similarity(kind) ? -1.0 : 1.0; }

/// The floor of the row norm in normalisation.
constexpr double kNormalizeEps = 1e-12;

struct DistanceOptions {
  DistanceKind kind = DistanceKind::Euclidean;  ///< the measure
  bool normalize = true;                        ///< L2-normalise rows before measuring

  std::string describe() const;  ///< "euclidean (normalized)"
};

/// A tensor's shape for error messages: "[128, 16]" ("undefined" for an undefined tensor).
std::string shape_text(const at::Tensor& tensor);

/// Rows divided by |row|₂ (rows with |row|₂ ≤ kNormalizeEps become 0, with a zero gradient).
at::Tensor normalize_rows(const at::Tensor& x);

/// Embeddings as the distance sees them: normalised when options.normalize.
at::Tensor prepare(const at::Tensor& embeddings, const DistanceOptions& options);

/// The matrix [N, M] between queries [N, D] and references [M, D] (float32 or float64,
/// same device), differentiable. Euclidean uses torch::cdist (differences for small inputs,
/// the |x|² + |y|² − 2x·y form above 25 rows, as PyTorch does), with a zero gradient at zero
/// distance. Inputs are normalised here when options.normalize. Throws InputError for
/// mismatched shapes naming both.
at::Tensor pairwise(const at::Tensor& queries, const at::Tensor& references,
                    const DistanceOptions& options);

}  // namespace paradigms::distances
