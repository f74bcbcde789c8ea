#include "paradigms/losses/closed_form.h"

#include <torch/torch.h>

namespace paradigms::losses {

using distances::DistanceKind;

/// A zero that keeps the graph of the embeddings, so backward gives zero gradients.
at::Tensor attached_zero(const miners::LabeledEmbeddings& batch) {
  at::Tensor zero = batch.embeddings.sum() * 0.0;
  if (batch.has_references()) zero = zero + batch.ref_embeddings.sum() * 0.0;
  return zero;
}

/// The rows as the measure sees them, with autograd: a cosine needs unit rows whatever
/// options.normalize says (as distances::pairwise).
at::Tensor measured(const at::Tensor& x, const distances::DistanceOptions& options) {
  if (options.kind == DistanceKind::Cosine && !options.normalize)
    return distances::normalize_rows(x);
  return distances::prepare(x, options);
}

at::Tensor closed_form_loss(const miners::LabeledEmbeddings& batch, const at::Tensor& coef,
                            const at::Tensor& ref_coef, double loss_value, double scale,
                            const MetricLossOptions& options) {
  // L = Σ_ij W_ij D(u_i, v_j): with C the coefficients, ∂L/∂u = diag(C 1) u − C v and
  // ∂L/∂v = diag(Cᵀ 1) v − Cᵀ u for the euclidean distances, C v and Cᵀ u for the
  // similarities. Two [N, M] × [M, D] products replace backward through the whole matrix.
  const DistanceKind kind = options.distance.kind;
  const bool euclidean = kind == DistanceKind::Euclidean || kind == DistanceKind::SquaredEuclidean;
  const at::Tensor u = measured(batch.embeddings, options.distance);
  const at::Tensor v =
      batch.has_references() ? measured(batch.ref_embeddings, options.distance) : u;
  const at::Tensor ud = u.detach(), vd = v.detach();
  // Adds the gradient of Σ_ij c_ij D(x_i, y_j) to gx and gy.
  const auto add_pair = [&](const at::Tensor& c, const at::Tensor& x, const at::Tensor& y,
                            at::Tensor& gx, at::Tensor& gy) {
    at::Tensor cx = at::mm(c, y), cy = at::mm(c.t(), x);
    if (euclidean) {
      cx = c.sum(1, true) * x - cx;
      cy = c.sum(0).unsqueeze(1) * y - cy;
    }
    gx = gx.defined() ? gx + cx : cx;
    gy = gy.defined() ? gy + cy : cy;
  };
  at::Tensor grad_u, grad_v;
  add_pair(coef.to(u.device()), ud, vd, grad_u, grad_v);
  if (ref_coef.defined()) add_pair(ref_coef.to(u.device()), vd, vd, grad_v, grad_v);
  // value + s − s.detach() is the value, and its gradient is that of s: the closed form.
  at::Tensor surrogate;
  if (batch.has_references()) {
    surrogate = (grad_u.mul_(scale) * u).sum() + (grad_v.mul_(scale) * v).sum();
  } else {
    surrogate = ((grad_u + grad_v).mul_(scale) * u).sum();
  }
  return at::full({}, loss_value, u.options()) + (surrogate - surrogate.detach());
}

at::Tensor gradient_coefficients(const at::Tensor& weights, const at::Tensor& d,
                                 DistanceKind kind) {
  switch (kind) {
    case DistanceKind::Euclidean:
      // W / D where D > 0; the quotient's inf or nan at D = 0 is not selected.
      return at::where(d > 0, weights / d, at::zeros({}, weights.options()));
    case DistanceKind::SquaredEuclidean: return weights * 2;
    default: return weights;
  }
}

}  // namespace paradigms::losses
