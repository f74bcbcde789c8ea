#include "paradigms/distances/distance.h"

#include <torch/torch.h>

#include "paradigms/core/error.h"

namespace paradigms::distances {

const char* to_string(DistanceKind kind) {
  switch (kind) {
    case DistanceKind::Euclidean: return "euclidean";
    case DistanceKind::SquaredEuclidean: return "squared_euclidean";
    case DistanceKind::Cosine: return "cosine";
    case DistanceKind::Dot: return "dot";
  }
  return "?";
}

DistanceKind parse_distance(const std::string& name) {
  for (DistanceKind kind : {DistanceKind::Euclidean, DistanceKind::SquaredEuclidean,
                            DistanceKind::Cosine, DistanceKind::Dot}) {
    if (name == to_string(kind)) return kind;
  }
  throw InputError("distance: unknown name " + in_quotes(name) +
                   " (expected euclidean, squared_euclidean, cosine or dot)");
}

bool is_similarity(DistanceKind kind) {
  return kind == DistanceKind::Cosine || kind == DistanceKind::Dot;
}

std::string DistanceOptions::describe() const {
  return std::string(to_string(kind)) + (normalize ? " (normalized)" : " (not normalized)");
}

std::string shape_text(const at::Tensor& tensor) {
  if (!tensor.defined()) return "undefined";
  std::string text = "[";
  for (std::int64_t i = 0; i < tensor.dim(); ++i)
    text += (i == 0 ? "" : ", ") + std::to_string(tensor.size(i));
  return text + "]";
}

at::Tensor normalize_rows(const at::Tensor& x) {
  // linalg_vector_norm's backward masks zero norms. Rows with norm ≤ eps get a scale of 0
  // rather than 1/eps, so a zero row stays zero with a zero gradient (x / max(|x|, eps) would
  // give it a gradient of 1/eps). The clamp keeps the unused branch finite in backward.
  const at::Tensor norms = at::linalg_vector_norm(x, 2, {1}, /*keepdim=*/true);
  const at::Tensor scale =
      at::where(norms > kNormalizeEps, norms.clamp_min(kNormalizeEps).reciprocal(),
                at::zeros({}, norms.options()));
  return x * scale;
}

at::Tensor prepare(const at::Tensor& embeddings, const DistanceOptions& options) {
  return options.normalize ? normalize_rows(embeddings) : embeddings;
}

at::Tensor pairwise(const at::Tensor& queries, const at::Tensor& references,
                    const DistanceOptions& options) {
  check_input(queries.dim() == 2 && references.dim() == 2 && queries.size(1) == references.size(1),
              "pairwise: expected queries [N, D] and references [M, D] with the same D (got " +
                  shape_text(queries) + " and " + shape_text(references) + ")");
  check_input(queries.scalar_type() == references.scalar_type() &&
                  (queries.scalar_type() == at::kFloat || queries.scalar_type() == at::kDouble),
              std::string("pairwise: expected float32 or float64 queries and references of one "
                          "dtype (got ") +
                  c10::toString(queries.scalar_type()) + " and " +
                  c10::toString(references.scalar_type()) + ")");
  check_input(queries.device() == references.device(),
              "pairwise: queries and references must be on one device (got " +
                  queries.device().str() + " and " + references.device().str() + ")");
  const at::Tensor x = prepare(queries, options);
  const at::Tensor y = prepare(references, options);
  switch (options.kind) {
    case DistanceKind::Euclidean: return at::cdist(x, y);
    case DistanceKind::SquaredEuclidean: {
      const at::Tensor squared =
          x.pow(2).sum(1, true) + y.pow(2).sum(1).unsqueeze(0) - 2 * at::mm(x, y.t());
      return squared.clamp_min(0);
    }
    case DistanceKind::Cosine:  // a cosine needs unit rows whatever options.normalize says
      return options.normalize ? at::mm(x, y.t())
                               : at::mm(normalize_rows(x), normalize_rows(y).t());
    case DistanceKind::Dot: return at::mm(x, y.t());
  }
  return {};
}

}  // namespace paradigms::distances
