#pragma once
// Internal to the triplet losses: the measured rows, a zero attached to the graph, and the
// loss whose gradient is formed in closed form from per-pair coefficients.

#include <ATen/core/Tensor.h>

#include "paradigms/losses/metric_loss.h"

namespace paradigms::losses {

/// A zero that keeps the graph of the embeddings (and references), so backward gives zero
/// gradients.
at::Tensor attached_zero(const miners::LabeledEmbeddings& batch);

/// The rows as the measure sees them, with autograd: a cosine needs unit rows whatever
/// options.normalize says (as distances::pairwise).
at::Tensor measured(const at::Tensor& x, const distances::DistanceOptions& options);

/// A scalar equal to `loss_value` whose gradient is scale · ∂/∂(embeddings) of
/// Σ_ij coef_ij D(u_i, v_j) + Σ_pq ref_coef_pq D(v_p, v_q), with u, v the measured rows of
/// the batch and its references (v = u for a self set; ref_coef undefined: no second term).
/// `coef` holds ∂L/∂D already turned into the coefficients of the distance's closed-form
/// gradient: W/D for euclidean (0 at D = 0), 2W for squared euclidean, W for the similarities.
at::Tensor closed_form_loss(const miners::LabeledEmbeddings& batch, const at::Tensor& coef,
                            const at::Tensor& ref_coef, double loss_value, double scale,
                            const MetricLossOptions& options);

/// The coefficients of closed_form_loss from weights W = ∂L/∂D on the distances `d`.
at::Tensor gradient_coefficients(const at::Tensor& weights, const at::Tensor& d,
                                 distances::DistanceKind kind);

}  // namespace paradigms::losses
