#pragma once
// The pair-based metric losses on a distance (or similarity) matrix and masks of the pairs
// they run over (see metric_loss.h for the definitions). `distances` is [N, M] with
// autograd; `positive` and `negative` are bool [N, M] on its device, disjoint.

#include <ATen/core/Tensor.h>

#include "paradigms/losses/metric_loss.h"

namespace paradigms::losses {

/// Contrastive loss (Hadsell 2006): positives relu(d − pos_margin), negatives
/// relu(neg_margin − d) (flipped for similarities); the positive and the negative means
/// (over non-zero terms or all terms, per options.reduction) are added.
MetricLossResult contrastive_loss(const at::Tensor& distances, const at::Tensor& positive,
                                  const at::Tensor& negative, const MetricLossOptions& options);

/// NT-Xent / InfoNCE: mean over positive pairs (a, p) of softplus(LSE_{n ∈ neg(a)} s_an/τ −
/// s_ap/τ), the similarity s being −d for distances. An anchor without negatives gives terms
/// of 0; without any positive or any negative pair the loss is an attached zero. O(N·M).
MetricLossResult ntxent_loss(const at::Tensor& distances, const at::Tensor& positive,
                             const at::Tensor& negative, const MetricLossOptions& options);

/// SupCon (Khosla 2020, "L_out"): per anchor i with a positive, LSE_{j ∈ pos(i) ∪ neg(i)}
/// s_ij/τ − mean_{p ∈ pos(i)} s_ip/τ; averaged over those anchors. O(N·M).
MetricLossResult supcon_loss(const at::Tensor& distances, const at::Tensor& positive,
                             const at::Tensor& negative, const MetricLossOptions& options);

}  // namespace paradigms::losses
