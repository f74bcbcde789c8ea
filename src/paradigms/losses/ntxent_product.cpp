#include "paradigms/losses/ntxent_product.h"

#include <torch/torch.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "paradigms/distances/distance.h"

namespace paradigms::losses {

namespace {

/// Rows per block: a few MB of temporaries, well inside the caches' reach and below the
/// size at which every allocation is a fresh mapping that faults page by page.
std::int64_t block_rows(std::int64_t columns) {
  return std::max<std::int64_t>(1, (std::int64_t(1) << 20) / std::max<std::int64_t>(columns, 1));
}

/// The labels' equality for rows [start, stop): same class, and the positives (same class,
/// not the item itself in a self set).
void block_masks(const at::Tensor& labels, const at::Tensor& ref_labels, bool self,
                 std::int64_t start, std::int64_t stop, at::Tensor& same, at::Tensor& positive) {
  same = labels.slice(0, start, stop).unsqueeze(1) == ref_labels.unsqueeze(0);
  positive = same;
  if (self) {
    positive = same.clone();
    positive.diagonal(start).fill_(false);
  }
}

struct ProductNtXent : public torch::autograd::Function<ProductNtXent> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& u,
                            const at::Tensor& v, const at::Tensor& labels,
                            const at::Tensor& ref_labels, bool self, double scale, double pairs) {
    const std::int64_t rows = u.size(0), columns = v.size(0);
    const at::Tensor logits = at::mm(u, v.t()).mul_(scale);
    at::Tensor lse = at::empty({rows}, u.options());
    at::Tensor weight = at::empty({rows}, u.options());  // Σ_p σ(LSE − l_ap) per anchor
    const double inf = std::numeric_limits<double>::infinity();
    double total = 0;
    const std::int64_t step = block_rows(columns);
    for (std::int64_t start = 0; start < rows; start += step) {
      const std::int64_t stop = std::min(rows, start + step);
      at::Tensor same, positive;
      block_masks(labels, ref_labels, self, start, stop, same, positive);
      const at::Tensor l = logits.slice(0, start, stop);
      // An anchor without negatives gets LSE = −∞: its terms softplus(−∞) are 0.
      const at::Tensor block_lse = l.masked_fill(same, -inf).logsumexp(1);
      lse.slice(0, start, stop).copy_(block_lse);
      const at::Tensor z = block_lse.unsqueeze(1) - l;
      const at::Tensor zero = at::zeros({}, z.options());
      total += at::where(positive, at::softplus(z), zero).sum(at::kDouble).item<double>();
      weight.slice(0, start, stop).copy_(at::where(positive, at::sigmoid(z), zero).sum(1));
    }
    ctx->save_for_backward({u, v, logits, lse, weight, labels, ref_labels});
    ctx->saved_data["self"] = self;
    ctx->saved_data["scale"] = scale;
    ctx->saved_data["pairs"] = pairs;
    return torch::full({}, total / pairs, u.options());
  }

  /// d/d l_ap = −σ(LSE − l_ap) = −1 / (1 + e^{l_ap − LSE}) and
  /// d/d l_an = weight · e^{l_an − LSE}; then l = scale · u vᵀ gives ∂u = scale · G v and
  /// ∂v = scale · Gᵀ u.
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &u = saved[0], &v = saved[1], &logits = saved[2], &lse = saved[3],
                     &weight = saved[4], &labels = saved[5], &ref_labels = saved[6];
    const bool self = ctx->saved_data["self"].toBool();
    const double scale = ctx->saved_data["scale"].toDouble();
    const double factor = grads[0].item<double>() * scale / ctx->saved_data["pairs"].toDouble();
    const std::int64_t rows = u.size(0), columns = v.size(0);
    at::Tensor grad_u = at::empty_like(u), grad_v = at::zeros_like(v);
    const std::int64_t step = block_rows(columns);
    for (std::int64_t start = 0; start < rows; start += step) {
      const std::int64_t stop = std::min(rows, start + step);
      at::Tensor same, positive;
      block_masks(labels, ref_labels, self, start, stop, same, positive);
      const at::Tensor shifted =
          at::exp(logits.slice(0, start, stop) - lse.slice(0, start, stop).unsqueeze(1));
      const at::Tensor zero = at::zeros({}, shifted.options());
      // An anchor without negatives (LSE = −∞) has only positives, whose −1 / (1 + ∞) is 0.
      const at::Tensor g =
          at::where(positive, -(shifted + 1).reciprocal(),
                    at::where(same, zero, shifted * weight.slice(0, start, stop).unsqueeze(1)));
      at::Tensor grad_rows = grad_u.slice(0, start, stop);
      at::mm_out(grad_rows, g, v);
      grad_v.addmm_(g.t(), u.slice(0, start, stop));
    }
    grad_u.mul_(factor);
    grad_v.mul_(factor);
    return {grad_u, grad_v, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

MetricLossResult ntxent_from_labels(const miners::LabeledEmbeddings& batch,
                                    const miners::detail::LabelView& labels,
                                    const MetricLossOptions& options) {
  MetricLossResult result;
  std::vector<std::int64_t> sorted(labels.ref_labels, labels.ref_labels + labels.ref_size);
  std::sort(sorted.begin(), sorted.end());
  const std::int64_t rows = batch.embeddings.size(0);
  std::int64_t positives = 0, negatives = 0;
  for (std::int64_t a = 0; a < rows; ++a) {
    const auto range = std::equal_range(sorted.begin(), sorted.end(), labels.labels[a]);
    const std::int64_t same = range.second - range.first;
    positives += same - (labels.self ? 1 : 0);
    negatives += labels.ref_size - same;
  }
  result.tuples = positives + negatives;
  result.nonzero = positives;
  if (positives == 0 || negatives == 0) {
    result.nonzero = 0;
    result.loss = batch.embeddings.sum() * 0.0;
    if (batch.has_references()) result.loss = result.loss + batch.ref_embeddings.sum() * 0.0;
    return result;
  }
  const auto measured = [&](const at::Tensor& x) {
    if (options.distance.kind == distances::DistanceKind::Cosine && !options.distance.normalize)
      return distances::normalize_rows(x);
    return distances::prepare(x, options.distance);
  };
  const at::Tensor u = measured(batch.embeddings);
  const at::Tensor v = batch.has_references() ? measured(batch.ref_embeddings) : u;
  const at::Tensor label_tensor = batch.labels.to(torch::kCPU);
  const at::Tensor ref_tensor =
      batch.has_references() ? batch.ref_labels.to(torch::kCPU) : label_tensor;
  const double scale = -distances::closeness_sign(options.distance.kind) / options.temperature;
  result.loss =
      ProductNtXent::apply(u, v, label_tensor, ref_tensor, labels.self, scale, double(positives));
  return result;
}

}  // namespace paradigms::losses
