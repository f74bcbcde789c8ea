#include "paradigms/losses/pair_losses.h"

#include <torch/torch.h>

#include <limits>

namespace paradigms::losses {

namespace {

at::Tensor attached_zero(const at::Tensor& distances) { return distances.sum() * 0.0; }

/// Similarities over τ: s = −sign · d.
at::Tensor logits(const at::Tensor& distances, const MetricLossOptions& options) {
  return distances * (-distances::closeness_sign(options.distance.kind) / options.temperature);
}

/// The mean of `terms` over `mask` (non-zero terms only for MeanNonZero); adds the counts.
at::Tensor masked_mean(const at::Tensor& terms, const at::Tensor& mask,
                       const MetricLossOptions& options, MetricLossResult& result, bool& any) {
  const std::int64_t pairs = mask.sum().item<std::int64_t>();
  const at::Tensor paying = mask & (terms > 0);
  const std::int64_t nonzero = paying.sum().item<std::int64_t>();
  result.tuples += pairs;
  result.nonzero += nonzero;
  const std::int64_t denominator =
      options.reduction == MetricReduction::MeanNonZero ? nonzero : pairs;
  if (denominator == 0) return {};
  any = true;
  return at::where(mask, terms, at::zeros({}, terms.options())).sum() / double(denominator);
}

}  // namespace

MetricLossResult contrastive_loss(const at::Tensor& distances, const at::Tensor& positive,
                                  const at::Tensor& negative, const MetricLossOptions& options) {
  const double sign = distances::closeness_sign(options.distance.kind);
  MetricLossResult result;
  bool any = false;
  const at::Tensor pos_terms = at::relu((distances - options.pos_margin) * sign);
  const at::Tensor neg_terms = at::relu((options.neg_margin - distances) * sign);
  const at::Tensor pos_loss = masked_mean(pos_terms, positive, options, result, any);
  const at::Tensor neg_loss = masked_mean(neg_terms, negative, options, result, any);
  if (!any) {
    result.loss = attached_zero(distances);
  } else if (pos_loss.defined() && neg_loss.defined()) {
    result.loss = pos_loss + neg_loss;
  } else {
    result.loss = pos_loss.defined() ? pos_loss : neg_loss;
  }
  return result;
}

MetricLossResult ntxent_loss(const at::Tensor& distances, const at::Tensor& positive,
                             const at::Tensor& negative, const MetricLossOptions& options) {
  MetricLossResult result;
  const std::int64_t positives = positive.sum().item<std::int64_t>();
  const std::int64_t negatives = negative.sum().item<std::int64_t>();
  result.tuples = positives + negatives;
  result.nonzero = positives;
  if (positives == 0 || negatives == 0) {
    result.nonzero = 0;
    result.loss = attached_zero(distances);
    return result;
  }
  // Only anchors with a positive and a negative have non-zero terms; the others' terms are
  // 0 (an empty log-sum-exp is −∞) but still count in the mean over positive pairs.
  const at::Tensor rows = (positive.any(1) & negative.any(1)).nonzero().reshape({-1});
  at::Tensor scaled = logits(distances, options);
  at::Tensor pos = positive, neg = negative;
  if (rows.size(0) < distances.size(0)) {
    scaled = scaled.index_select(0, rows);
    pos = pos.index_select(0, rows);
    neg = neg.index_select(0, rows);
  }
  const at::Tensor neg_lse =
      scaled.masked_fill(neg.logical_not(), -std::numeric_limits<double>::infinity()).logsumexp(1);
  const at::Tensor where = pos.nonzero();  // [K, 2] (row, column)
  const at::Tensor row = where.select(1, 0), column = where.select(1, 1);
  const at::Tensor pos_logits = scaled.reshape({-1}).index_select(0, row * scaled.size(1) + column);
  const at::Tensor terms = at::softplus(neg_lse.index_select(0, row) - pos_logits);
  result.loss = terms.sum() / double(positives);
  return result;
}

MetricLossResult supcon_loss(const at::Tensor& distances, const at::Tensor& positive,
                             const at::Tensor& negative, const MetricLossOptions& options) {
  MetricLossResult result;
  const std::int64_t positives = positive.sum().item<std::int64_t>();
  result.tuples = positives + negative.sum().item<std::int64_t>();
  const at::Tensor rows = positive.any(1).nonzero().reshape({-1});
  result.nonzero = rows.size(0);
  if (positives == 0) {
    result.loss = attached_zero(distances);
    return result;
  }
  at::Tensor scaled = logits(distances, options);
  at::Tensor pos = positive, neg = negative;
  if (rows.size(0) < distances.size(0)) {
    scaled = scaled.index_select(0, rows);
    pos = pos.index_select(0, rows);
    neg = neg.index_select(0, rows);
  }
  const at::Tensor lse =
      scaled.masked_fill((pos | neg).logical_not(), -std::numeric_limits<double>::infinity())
          .logsumexp(1);
  const at::Tensor zero = at::zeros({}, scaled.options());
  const at::Tensor pos_mean =
      at::where(pos, scaled, zero).sum(1) / pos.sum(1).to(scaled.scalar_type());
  result.loss = (lse - pos_mean).mean();
  return result;
}

}  // namespace paradigms::losses
