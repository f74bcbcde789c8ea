#include "paradigms/losses/triplet_loss.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <vector>

#include "paradigms/miners/anchor_scan.h"

namespace paradigms::losses {

namespace {

/// A zero that keeps the graph of `distances`, so backward gives zero gradients.
at::Tensor attached_zero(const at::Tensor& distances) { return distances.sum() * 0.0; }

template <typename T>
void weights_typed(const at::Tensor& d, const miners::detail::LabelView& labels, double lo,
                   double hi, double margin, double sign, at::Tensor& weights,
                   std::int64_t& selected, std::int64_t& nonzero) {
  const std::int64_t rows = d.size(0), columns = d.size(1);
  const T* data = d.data_ptr<T>();
  T* w = weights.data_ptr<T>();
  const miners::detail::Window<T> window{T(lo), T(hi), T(margin)};
  std::vector<std::int64_t> row_selected(rows, 0), row_nonzero(rows, 0);
  at::parallel_for(0, rows, 16, [&](std::int64_t begin, std::int64_t end) {
    miners::detail::AnchorRow<T> row;
    std::vector<std::pair<T, std::int64_t>> pairs;
    std::vector<T> sorted;
    std::vector<std::int64_t> runs;
    for (std::int64_t a = begin; a < end; ++a) {
      row.load(data + a * columns, columns, labels.ref_labels, labels.labels[a],
               labels.self ? a : -1, T(sign));
      miners::detail::hinge_weights(row, window, T(sign), w + a * columns, pairs, sorted, runs,
                                    row_selected[a], row_nonzero[a]);
    }
  });
  selected = nonzero = 0;
  for (std::int64_t a = 0; a < rows; ++a) selected += row_selected[a], nonzero += row_nonzero[a];
}

}  // namespace

MetricLossResult triplet_hinge_windows(const at::Tensor& distances,
                                       const miners::detail::LabelView& labels, double lo,
                                       double hi, const MetricLossOptions& options) {
  const at::Tensor d = distances.detach().to(torch::kCPU).contiguous();
  at::Tensor weights = torch::zeros_like(d);
  const double sign = distances::closeness_sign(options.distance.kind);
  MetricLossResult result;
  if (d.scalar_type() == torch::kDouble) {
    weights_typed<double>(d, labels, lo, hi, options.margin, sign, weights, result.tuples,
                          result.nonzero);
  } else {
    weights_typed<float>(d, labels, lo, hi, options.margin, sign, weights, result.tuples,
                         result.nonzero);
  }
  const std::int64_t denominator =
      options.reduction == MetricReduction::MeanNonZero ? result.nonzero : result.tuples;
  if (denominator == 0 || result.nonzero == 0) {
    result.loss = attached_zero(distances);
    return result;
  }
  const at::Tensor weighted = (distances * weights.to(distances.device())).sum();
  result.loss = (weighted + options.margin * double(result.nonzero)) / double(denominator);
  return result;
}

MetricLossResult triplet_from_list(const at::Tensor& distances, const at::Tensor& ref_distances,
                                   const miners::Triplets& triplets,
                                   const MetricLossOptions& options) {
  MetricLossResult result;
  result.tuples = triplets.size();
  if (result.tuples == 0) {
    result.loss = attached_zero(distances);
    return result;
  }
  const double sign = distances::closeness_sign(options.distance.kind);
  const auto device = distances.device();
  const std::int64_t columns = distances.size(1);
  const at::Tensor a = triplets.anchor.to(device), p = triplets.positive.to(device),
                   n = triplets.negative.to(device);
  const at::Tensor flat = distances.reshape({-1});
  const at::Tensor anchor_positive = flat.index_select(0, a * columns + p) * sign;
  at::Tensor anchor_negative = flat.index_select(0, a * columns + n) * sign;
  if (options.swap) {
    const at::Tensor positive_negative =
        ref_distances.reshape({-1}).index_select(0, p * ref_distances.size(1) + n) * sign;
    anchor_negative = at::minimum(anchor_negative, positive_negative);
  }
  const at::Tensor violation = anchor_positive - anchor_negative;
  const at::Tensor terms =
      options.soft_plus ? at::softplus(violation) : at::relu(violation + options.margin);
  result.nonzero = (terms > 0).sum().item<std::int64_t>();
  const std::int64_t denominator =
      options.reduction == MetricReduction::MeanNonZero ? result.nonzero : result.tuples;
  result.loss = denominator == 0 ? attached_zero(distances) : terms.sum() / double(denominator);
  return result;
}

}  // namespace paradigms::losses
