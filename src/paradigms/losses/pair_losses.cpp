#include "paradigms/losses/pair_losses.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <vector>

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

/// NT-Xent on the CPU in one pass per row, forward and backward, with no [N, M] temporary:
/// per anchor the log-sum-exp over its negatives, then softplus(LSE − l_ap) per positive.
/// d/d l_ap = −σ(LSE − l_ap) and d/d l_an = (Σ_p σ(LSE − l_ap)) · e^{l_an − LSE}.
struct FusedNtXent : public torch::autograd::Function<FusedNtXent> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& distances,
                            const at::Tensor& positive, const at::Tensor& negative, double scale,
                            double pairs) {
    const at::Tensor d = distances.contiguous();
    const at::Tensor pos = positive.contiguous(), neg = negative.contiguous();
    const std::int64_t rows = d.size(0), columns = d.size(1);
    at::Tensor lse = torch::zeros({rows}, torch::kDouble);
    at::Tensor weight = torch::zeros({rows}, torch::kDouble);  // Σ_p σ(LSE − l_ap)
    std::vector<double> row_sum(rows, 0.0);
    AT_DISPATCH_FLOATING_TYPES(d.scalar_type(), "ntxent", [&] {
      const scalar_t* data = d.data_ptr<scalar_t>();
      const bool* p = pos.data_ptr<bool>();
      const bool* n = neg.data_ptr<bool>();
      double* lse_data = lse.data_ptr<double>();
      double* weight_data = weight.data_ptr<double>();
      at::parallel_for(0, rows, 16, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t a = begin; a < end; ++a) {
          const scalar_t* row = data + a * columns;
          const bool* prow = p + a * columns;
          const bool* nrow = n + a * columns;
          double high = -std::numeric_limits<double>::infinity();
          for (std::int64_t j = 0; j < columns; ++j)
            if (nrow[j]) high = std::max(high, scale * double(row[j]));
          if (high == -std::numeric_limits<double>::infinity()) continue;  // terms are 0
          double sum = 0;
          for (std::int64_t j = 0; j < columns; ++j)
            if (nrow[j]) sum += std::exp(scalar_t(scale * double(row[j]) - high));
          const double row_lse = high + std::log(sum);
          double loss = 0, sigmoid_sum = 0;
          for (std::int64_t j = 0; j < columns; ++j) {
            if (!prow[j]) continue;
            const double z = row_lse - scale * double(row[j]);
            loss += z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z));
            sigmoid_sum += 1.0 / (1.0 + std::exp(-z));
          }
          lse_data[a] = row_lse;
          weight_data[a] = sigmoid_sum;
          row_sum[a] = loss;
        }
      });
    });
    double total = 0;
    for (double v : row_sum) total += v;
    ctx->save_for_backward({d, pos, neg, lse, weight});
    ctx->saved_data["scale"] = scale;
    ctx->saved_data["pairs"] = pairs;
    return torch::full({}, total / pairs, d.options());
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &d = saved[0], &pos = saved[1], &neg = saved[2], &lse = saved[3],
                     &weight = saved[4];
    const double scale = ctx->saved_data["scale"].toDouble();
    const double factor = grads[0].item<double>() * scale / ctx->saved_data["pairs"].toDouble();
    const std::int64_t rows = d.size(0), columns = d.size(1);
    at::Tensor grad = torch::zeros_like(d);
    AT_DISPATCH_FLOATING_TYPES(d.scalar_type(), "ntxent_backward", [&] {
      const scalar_t* data = d.data_ptr<scalar_t>();
      scalar_t* out = grad.data_ptr<scalar_t>();
      const bool* p = pos.data_ptr<bool>();
      const bool* n = neg.data_ptr<bool>();
      const double* lse_data = lse.data_ptr<double>();
      const double* weight_data = weight.data_ptr<double>();
      at::parallel_for(0, rows, 16, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t a = begin; a < end; ++a) {
          if (weight_data[a] == 0) continue;
          const scalar_t* row = data + a * columns;
          for (std::int64_t j = 0; j < columns; ++j) {
            const double l = scale * double(row[j]);
            double g = 0;
            // exp in the input's precision: expf is about twice as fast as exp.
            const scalar_t shifted = scalar_t(l - lse_data[a]);
            if (p[a * columns + j]) g = -1.0 / (1.0 + std::exp(shifted));
            if (n[a * columns + j]) g = weight_data[a] * std::exp(shifted);
            out[a * columns + j] = scalar_t(factor * g);
          }
        }
      });
    });
    return {grad, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

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
  if (distances.device().is_cpu()) {
    const double scale = -distances::closeness_sign(options.distance.kind) / options.temperature;
    result.loss = FusedNtXent::apply(distances, positive, negative, scale, double(positives));
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
