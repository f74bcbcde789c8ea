#pragma once
// The triplet margin loss (see metric_loss.h for the definitions). Tuples are chosen on a
// detached distance matrix; the gradient is then taken straight from the embeddings, never
// by backward through the whole [N, M] matrix.

#include <ATen/core/Tensor.h>

#include "paradigms/losses/metric_loss.h"
#include "paradigms/miners/mine_rows.h"

namespace paradigms::losses {

/// Hinge triplet loss over every valid triplet of `detached` ([N, M], the distances of
/// `batch` without autograd) whose t = fl(v_an − v_ap) (v = sign · d) lies in (lo, hi] — the
/// threshold miners and None — without listing them: per anchor, the positives are sorted
/// and each negative's run of positives found by binary search, the hinge being linear in
/// the run. The loss is (Σ W ⊙ D + margin · nonzero) / denominator with W counting the
/// non-zero terms each entry is in; its gradient with respect to the measured embeddings is
/// formed in closed form with matrix products (see triplet_loss.cpp) and handed to autograd,
/// which carries it through the normalisation. O(N·M log P) time, O(N·M) memory.
/// `options.soft_plus` and `options.swap` must be false.
MetricLossResult triplet_hinge_windows(const miners::LabeledEmbeddings& batch,
                                       const at::Tensor& detached,
                                       const miners::detail::LabelView& labels, double lo,
                                       double hi, const MetricLossOptions& options);

/// The triplet loss with `options.soft_plus` or `options.swap` over the same windows as
/// triplet_hinge_windows, without listing the triplets: per anchor, one pass over its
/// (positive, negative) pairs accumulates ∂L/∂D (with swap, also on the distances between
/// positives and negatives: entries of `detached` for a self set, of the [M, M] matrix
/// between references otherwise); the gradient is then formed in closed form.
/// O(Σ_a P_a · N_a) time, O(N·M + threads · M²) memory (M² only with swap).
MetricLossResult triplet_pair_windows(const miners::LabeledEmbeddings& batch,
                                      const at::Tensor& detached,
                                      const miners::detail::LabelView& labels, double lo,
                                      double hi, const MetricLossOptions& options);

/// Triplet loss (hinge or soft-plus, optional swap) over the listed triplets of `batch`. A
/// short list (triplets · D ≤ N · M) measures its distances row by row from the embeddings,
/// O(triplets · D); a long one gathers them from the differentiable [N, M] matrix (swap with
/// a reference set also needs the [M, M] matrix between references).
MetricLossResult triplet_from_list(const miners::LabeledEmbeddings& batch,
                                   const miners::Triplets& triplets,
                                   const MetricLossOptions& options);

}  // namespace paradigms::losses
