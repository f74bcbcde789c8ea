#include "paradigms/losses/triplet_loss.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <vector>

#include "paradigms/losses/closed_form.h"
#include "paradigms/miners/anchor_scan.h"

namespace paradigms::losses {

namespace {

using distances::DistanceKind;

/// d(u[i[k]], v[j[k]]) for every k, differentiable, O(K · D).
at::Tensor row_distances(const at::Tensor& u, const at::Tensor& v, const at::Tensor& i,
                         const at::Tensor& j, DistanceKind kind) {
  const at::Tensor x = u.index_select(0, i), y = v.index_select(0, j);
  switch (kind) {
    case DistanceKind::Euclidean: return at::linalg_vector_norm(x - y, 2, {1});
    case DistanceKind::SquaredEuclidean: return (x - y).pow(2).sum(1);
    default: return (x * y).sum(1);
  }
}

/// Fills `coef` with the hinge weights W of each anchor row, adds Σ_j W_aj D_aj to the
/// row's value, then turns W into the coefficients of the closed-form gradient in place:
/// ∂D_ij/∂u_i = (u_i − v_j)/D_ij for euclidean (0 at D = 0, as cdist), 2(u_i − v_j) for
/// squared euclidean and v_j for cosine and dot, so coef = W/D, 2W or W.
template <typename T>
void weights_typed(const at::Tensor& d, const miners::detail::LabelView& labels, double lo,
                   double hi, double margin, double sign, DistanceKind kind, at::Tensor& coef,
                   std::int64_t& selected, std::int64_t& nonzero, double& value) {
  const std::int64_t rows = d.size(0), columns = d.size(1);
  const T* data = d.data_ptr<T>();
  T* w = coef.data_ptr<T>();
  const miners::detail::Window<T> window{T(lo), T(hi), T(margin)};
  std::vector<std::int64_t> row_selected(rows, 0), row_nonzero(rows, 0);
  std::vector<double> row_value(rows, 0.0);
  // Rows cost alike, so a small grain still splits the batch evenly over the threads.
  at::parallel_for(0, rows, 8, [&](std::int64_t begin, std::int64_t end) {
    miners::detail::AnchorRow<T> row;
    std::vector<std::pair<T, std::int64_t>> pairs;
    std::vector<T> sorted;
    std::vector<std::int64_t> runs;
    for (std::int64_t a = begin; a < end; ++a) {
      const T* drow = data + a * columns;
      T* wrow = w + a * columns;
      row.load(drow, columns, labels.ref_labels, labels.labels[a], labels.self ? a : -1, T(sign));
      miners::detail::hinge_weights(row, window, T(sign), wrow, pairs, sorted, runs,
                                    row_selected[a], row_nonzero[a]);
      if (row_nonzero[a] == 0) continue;
      double sum = 0;
      for (std::int64_t j = 0; j < columns; ++j) sum += double(wrow[j]) * double(drow[j]);
      row_value[a] = sum;
      if (kind == DistanceKind::Euclidean) {
        for (std::int64_t j = 0; j < columns; ++j)
          wrow[j] = drow[j] > T(0) ? wrow[j] / drow[j] : T(0);
      } else if (kind == DistanceKind::SquaredEuclidean) {
        for (std::int64_t j = 0; j < columns; ++j) wrow[j] *= T(2);
      }
    }
  });
  selected = nonzero = 0;
  value = 0;
  for (std::int64_t a = 0; a < rows; ++a) {
    selected += row_selected[a], nonzero += row_nonzero[a];
    value += row_value[a];
  }
}

}  // namespace

MetricLossResult triplet_hinge_windows(const miners::LabeledEmbeddings& batch,
                                       const at::Tensor& detached,
                                       const miners::detail::LabelView& labels, double lo,
                                       double hi, const MetricLossOptions& options) {
  const at::Tensor d = detached.to(torch::kCPU).contiguous();
  at::Tensor coef = torch::zeros_like(d);
  const double sign = distances::closeness_sign(options.distance.kind);
  const DistanceKind kind = options.distance.kind;
  MetricLossResult result;
  double value = 0;
  if (d.scalar_type() == torch::kDouble) {
    weights_typed<double>(d, labels, lo, hi, options.margin, sign, kind, coef, result.tuples,
                          result.nonzero, value);
  } else {
    weights_typed<float>(d, labels, lo, hi, options.margin, sign, kind, coef, result.tuples,
                         result.nonzero, value);
  }
  const std::int64_t denominator =
      options.reduction == MetricReduction::MeanNonZero ? result.nonzero : result.tuples;
  if (denominator == 0 || result.nonzero == 0) {
    result.loss = attached_zero(batch);
    return result;
  }

  const double scale = 1.0 / double(denominator);
  const double loss_value = (value + options.margin * double(result.nonzero)) * scale;
  result.loss = closed_form_loss(batch, coef, at::Tensor(), loss_value, scale, options);
  return result;
}

MetricLossResult triplet_from_list(const miners::LabeledEmbeddings& batch,
                                   const miners::Triplets& triplets,
                                   const MetricLossOptions& options) {
  MetricLossResult result;
  result.tuples = triplets.size();
  if (result.tuples == 0) {
    result.loss = attached_zero(batch);
    return result;
  }
  const double sign = distances::closeness_sign(options.distance.kind);
  const at::Tensor& queries = batch.embeddings;
  const at::Tensor refs = batch.has_references() ? batch.ref_embeddings : queries;
  const auto device = queries.device();
  const at::Tensor a = triplets.anchor.to(device), p = triplets.positive.to(device),
                   n = triplets.negative.to(device);
  const std::int64_t rows = queries.size(0), columns = refs.size(0);
  at::Tensor anchor_positive, anchor_negative, positive_negative;
  if (result.tuples * queries.size(1) <= rows * columns) {
    const at::Tensor u = measured(queries, options.distance);
    const at::Tensor v = batch.has_references() ? measured(refs, options.distance) : u;
    const DistanceKind kind = options.distance.kind;
    anchor_positive = row_distances(u, v, a, p, kind);
    anchor_negative = row_distances(u, v, a, n, kind);
    if (options.swap) positive_negative = row_distances(v, v, p, n, kind);
  } else {
    const at::Tensor distances = distances::pairwise(queries, refs, options.distance);
    const at::Tensor flat = distances.reshape({-1});
    anchor_positive = flat.index_select(0, a * columns + p);
    anchor_negative = flat.index_select(0, a * columns + n);
    if (options.swap) {
      const at::Tensor between =
          batch.has_references() ? distances::pairwise(refs, refs, options.distance) : distances;
      positive_negative = between.reshape({-1}).index_select(0, p * between.size(1) + n);
    }
  }
  anchor_positive = anchor_positive * sign;
  anchor_negative = anchor_negative * sign;
  if (options.swap) anchor_negative = at::minimum(anchor_negative, positive_negative * sign);
  const at::Tensor violation = anchor_positive - anchor_negative;
  const at::Tensor terms =
      options.soft_plus ? at::softplus(violation) : at::relu(violation + options.margin);
  result.nonzero = (terms > 0).sum().item<std::int64_t>();
  const std::int64_t denominator =
      options.reduction == MetricReduction::MeanNonZero ? result.nonzero : result.tuples;
  result.loss = denominator == 0 ? attached_zero(batch) : terms.sum() / double(denominator);
  return result;
}

}  // namespace paradigms::losses
