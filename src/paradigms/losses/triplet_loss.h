#pragma once
// The triplet margin loss on a distance matrix (see metric_loss.h for the definitions).

#include <ATen/core/Tensor.h>

#include "paradigms/losses/metric_loss.h"
#include "paradigms/miners/mine_rows.h"

namespace paradigms::losses {

/// Hinge triplet loss over every valid triplet of `distances` ([N, M], with autograd) whose
/// t = fl(v_an − v_ap) (v = sign · d) lies in (lo, hi] — the threshold miners and None —
/// without listing them: per anchor, the negatives are sorted and each positive's window of
/// negatives found by binary search, the hinge being linear inside the window. The loss is
/// (Σ W ⊙ D + margin · nonzero) / denominator with W counting the non-zero terms each entry
/// is in, so autograd carries the gradient through `distances`. O(N·M log M) time, O(N·M)
/// memory. `options.soft_plus` and `options.swap` must be false.
MetricLossResult triplet_hinge_windows(const at::Tensor& distances,
                                       const miners::detail::LabelView& labels, double lo,
                                       double hi, const MetricLossOptions& options);

/// Triplet loss (hinge or soft-plus, optional swap) over the listed triplets, gathered from
/// `distances` [N, M]. `ref_distances` [M, M] (reference to reference) is needed by swap
/// only; in self mode pass `distances`.
MetricLossResult triplet_from_list(const at::Tensor& distances, const at::Tensor& ref_distances,
                                   const miners::Triplets& triplets,
                                   const MetricLossOptions& options);

}  // namespace paradigms::losses
