#pragma once
// Internal to the metric losses: NT-Xent over every valid pair of a labelled batch when the
// similarity is a product of the measured rows (cosine on unit rows, dot), on the CPU.

#include <ATen/core/Tensor.h>

#include "paradigms/losses/metric_loss.h"
#include "paradigms/miners/mine_rows.h"

namespace paradigms::losses {

/// NT-Xent (see pair_losses.h) over every valid pair of `batch`, for a cosine or dot
/// similarity on the CPU: with u, v the measured rows and l = u vᵀ / τ, per anchor the
/// log-sum-exp over its negatives, then softplus(LSE − l_ap) per positive. Rows are taken in
/// blocks of `block_rows` (0: about 2^18 logits a block), so memory is O(block · M + N · D):
/// backward recomputes each block of l, forms its gradient and multiplies it straight into
/// u and v (for a self set both products reach u).
MetricLossResult ntxent_from_labels(const miners::LabeledEmbeddings& batch,
                                    const miners::detail::LabelView& labels,
                                    const MetricLossOptions& options,
                                    std::int64_t block_rows = 0);

}  // namespace paradigms::losses
