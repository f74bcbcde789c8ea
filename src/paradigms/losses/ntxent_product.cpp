#include "paradigms/losses/ntxent_product.h"

#include <torch/torch.h>

#include <algorithm>
#include <limits>
#include <numeric>
#include <vector>

#include "paradigms/core/threads.h"
#include "paradigms/distances/distance.h"

namespace paradigms::losses {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// Rows per block: about 2^18 logits (1 MB in float32), so a thread's block stays in its
/// core's cache between the passes over it.
std::int64_t auto_block_rows(std::int64_t columns) {
  return std::max<std::int64_t>(1, (std::int64_t(1) << 18) / std::max<std::int64_t>(columns, 1));
}

/// Where each query's class sits among the references: `order` lists the reference columns
/// sorted by label, and row a's same-class columns are order[span[a][0] .. span[a][1]).
struct ClassColumns {
  at::Tensor order;  ///< int64 [M]
  at::Tensor span;   ///< int64 [N, 2]
};

ClassColumns class_columns(const miners::detail::LabelView& labels, std::int64_t rows) {
  const std::int64_t columns = labels.ref_size;
  ClassColumns out;
  out.order = at::empty({columns}, at::kLong);
  out.span = at::empty({rows, 2}, at::kLong);
  std::int64_t* order = out.order.data_ptr<std::int64_t>();
  std::iota(order, order + columns, std::int64_t(0));
  const std::int64_t* ref = labels.ref_labels;
  std::stable_sort(order, order + columns,
                   [ref](std::int64_t x, std::int64_t y) { return ref[x] < ref[y]; });
  std::vector<std::int64_t> sorted(columns);
  for (std::int64_t j = 0; j < columns; ++j) sorted[j] = ref[order[j]];
  std::int64_t* span = out.span.data_ptr<std::int64_t>();
  for (std::int64_t a = 0; a < rows; ++a) {
    const auto range = std::equal_range(sorted.begin(), sorted.end(), labels.labels[a]);
    span[2 * a] = range.first - sorted.begin();
    span[2 * a + 1] = range.second - sorted.begin();
  }
  return out;
}

/// For rows [start, stop) of the logits, flat indices into the [stop − start, M] block: every
/// same-class entry (the item itself included), and the positives with their block row.
struct BlockEntries {
  at::Tensor same, positive, positive_row;
};

BlockEntries block_entries(const ClassColumns& classes, bool self, std::int64_t start,
                           std::int64_t stop, std::int64_t columns) {
  const std::int64_t* order = classes.order.data_ptr<std::int64_t>();
  const std::int64_t* span = classes.span.data_ptr<std::int64_t>();
  std::vector<std::int64_t> same, positive, row;
  for (std::int64_t a = start; a < stop; ++a) {
    const std::int64_t base = (a - start) * columns;
    for (std::int64_t k = span[2 * a]; k < span[2 * a + 1]; ++k) {
      same.push_back(base + order[k]);
      if (self && order[k] == a) continue;
      positive.push_back(base + order[k]);
      row.push_back(a - start);
    }
  }
  const auto tensor = [](const std::vector<std::int64_t>& v) {
    return torch::tensor(at::ArrayRef<std::int64_t>(v), at::kLong);
  };
  return {tensor(same), tensor(positive), tensor(row)};
}

/// Logits of rows [start, stop) into the front of `buffer`: scale · u vᵀ.
at::Tensor block_logits(at::Tensor& buffer, const at::Tensor& u, const at::Tensor& v,
                        double scale, std::int64_t start, std::int64_t stop) {
  at::Tensor l = buffer.narrow(0, 0, stop - start);
  l.addmm_(u.narrow(0, start, stop - start), v.t(), 0.0, scale);
  return l;
}

/// Calls f(start, stop, buffer, thread) for every block of `step` rows. Each worker thread
/// takes whole blocks, from the product to the last elementwise pass, with a block buffer of
/// its own and a serial BLAS: the threads never wait on each other, and the BLAS pool never
/// competes with libtorch's for the cores.
template <class F>
void for_each_block(std::int64_t rows, std::int64_t columns, std::int64_t step,
                    const at::TensorOptions& options, const F& f) {
  const std::int64_t blocks = (rows + step - 1) / step;
  const SerialBlasScope serial;
  at::parallel_for(0, blocks, 1, [&](std::int64_t first, std::int64_t last) {
    const at::NoGradGuard no_grad;
    at::Tensor buffer = at::empty({std::min(step, rows), columns}, options);
    for (std::int64_t b = first; b < last; ++b)
      f(b * step, std::min(rows, (b + 1) * step), buffer, at::get_thread_num());
  });
}

struct ProductNtXent : public torch::autograd::Function<ProductNtXent> {
  /// Per block: the positives' logits are read out, every same-class entry becomes −∞, and
  /// one exp pass gives the log-sum-exp over the negatives (shifted by their maximum); the
  /// terms are softplus(LSE − l_ap), and weight_a = Σ_p σ(LSE − l_ap) is kept for backward.
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& u,
                            const at::Tensor& v, const at::Tensor& order, const at::Tensor& span,
                            bool self, double scale, double pairs, std::int64_t step) {
    const std::int64_t rows = u.size(0), columns = v.size(0);
    const ClassColumns classes{order, span};
    const at::Tensor lse = at::empty({rows}, u.options());
    const at::Tensor weight = at::zeros({rows}, u.options());
    std::vector<double> totals((rows + step - 1) / step, 0.0);
    const at::Tensor du = u.detach(), dv = v.detach();
    for_each_block(rows, columns, step, u.options(),
                   [&](std::int64_t start, std::int64_t stop, at::Tensor& buffer, int) {
      const BlockEntries e = block_entries(classes, self, start, stop, columns);
      at::Tensor l = block_logits(buffer, du, dv, scale, start, stop);
      at::Tensor flat = l.view({-1});
      const at::Tensor positive = flat.index_select(0, e.positive);
      flat.index_fill_(0, e.same, -kInf);
      // An anchor without negatives has max −∞: shift it by 0 instead, so its LSE is −∞
      // and its terms softplus(−∞) are 0.
      at::Tensor shift = l.amax(1);
      shift.masked_fill_(shift.isinf(), 0.0);
      const at::Tensor block_lse = l.sub_(shift.unsqueeze(1)).exp_().sum(1).log_().add_(shift);
      lse.narrow(0, start, stop - start).copy_(block_lse);
      const at::Tensor z = block_lse.index_select(0, e.positive_row) - positive;
      totals[start / step] = at::softplus(z).sum(at::kDouble).item<double>();
      weight.narrow(0, start, stop - start).index_add_(0, e.positive_row, at::sigmoid(z));
    });
    ctx->save_for_backward({u, v, lse, weight, order, span});
    ctx->saved_data["self"] = self;
    ctx->saved_data["scale"] = scale;
    ctx->saved_data["pairs"] = pairs;
    ctx->saved_data["step"] = step;
    double total = 0;
    for (double t : totals) total += t;
    return at::full({}, total / pairs, u.options());
  }

  /// d/d l_ap = −σ(LSE − l_ap) and d/d l_an = weight_a · e^{l_an − LSE}; with
  /// l = scale · u vᵀ that gives ∂u = scale · G v and ∂v = scale · Gᵀ u, block by block
  /// from recomputed logits.
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor u = saved[0].detach(), v = saved[1].detach();
    const at::Tensor &lse = saved[2], &weight = saved[3];
    const ClassColumns classes{saved[4], saved[5]};
    const bool self = ctx->saved_data["self"].toBool();
    const double scale = ctx->saved_data["scale"].toDouble();
    const std::int64_t step = ctx->saved_data["step"].toInt();
    const double factor = grads[0].item<double>() * scale / ctx->saved_data["pairs"].toDouble();
    const std::int64_t rows = u.size(0), columns = v.size(0);
    // An anchor without negatives (LSE = −∞) has only −∞ entries left: shift it by 0.
    const at::Tensor shift = lse.masked_fill(lse.isinf(), 0.0);
    at::Tensor grad_u = at::empty_like(u);
    std::vector<at::Tensor> grad_v(std::max(1, at::get_num_threads()));
    for_each_block(rows, columns, step, u.options(),
                   [&](std::int64_t start, std::int64_t stop, at::Tensor& buffer, int thread) {
      const std::int64_t n = stop - start;
      const BlockEntries e = block_entries(classes, self, start, stop, columns);
      at::Tensor l = block_logits(buffer, u, v, scale, start, stop);
      at::Tensor flat = l.view({-1});
      const at::Tensor positive = at::sigmoid(lse.narrow(0, start, n).index_select(
                                                  0, e.positive_row) -
                                              flat.index_select(0, e.positive))
                                      .neg_();
      flat.index_fill_(0, e.same, -kInf);
      l.sub_(shift.narrow(0, start, n).unsqueeze(1)).exp_();
      l.mul_(weight.narrow(0, start, n).unsqueeze(1));
      flat.index_copy_(0, e.positive, positive);
      at::Tensor grad_rows = grad_u.narrow(0, start, n);
      at::mm_out(grad_rows, l, v);
      at::Tensor& partial = grad_v[thread];
      if (!partial.defined()) partial = at::zeros_like(v);
      partial.addmm_(l.t(), u.narrow(0, start, n));
    });
    at::Tensor total_v;
    for (const at::Tensor& partial : grad_v)
      if (partial.defined()) total_v = total_v.defined() ? total_v.add_(partial) : partial;
    grad_u.mul_(factor);
    total_v.mul_(factor);
    return {grad_u,       total_v,      at::Tensor(), at::Tensor(),
            at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

MetricLossResult ntxent_from_labels(const miners::LabeledEmbeddings& batch,
                                    const miners::detail::LabelView& labels,
                                    const MetricLossOptions& options, std::int64_t block_rows) {
  MetricLossResult result;
  const std::int64_t rows = batch.embeddings.size(0);
  const ClassColumns classes = class_columns(labels, rows);
  const std::int64_t* span = classes.span.data_ptr<std::int64_t>();
  std::int64_t positives = 0, negatives = 0;
  for (std::int64_t a = 0; a < rows; ++a) {
    const std::int64_t same = span[2 * a + 1] - span[2 * a];
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
  const at::Tensor u = measured(batch.embeddings).contiguous();
  const at::Tensor v = batch.has_references() ? measured(batch.ref_embeddings).contiguous() : u;
  const double scale = -distances::closeness_sign(options.distance.kind) / options.temperature;
  const std::int64_t step = block_rows > 0 ? block_rows : auto_block_rows(labels.ref_size);
  result.loss = ProductNtXent::apply(u, v, classes.order, classes.span, labels.self, scale,
                                     double(positives), step);
  return result;
}

}  // namespace paradigms::losses
