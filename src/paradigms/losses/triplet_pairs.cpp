// The triplet loss with soft-plus or distance swap over the threshold miners' windows,
// without listing the triplets: one pass per anchor over its (positive, negative) pairs.

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <cmath>
#include <vector>

#include "paradigms/losses/closed_form.h"
#include "paradigms/losses/triplet_loss.h"
#include "paradigms/miners/anchor_scan.h"

namespace paradigms::losses {

namespace {

struct PairSums {
  std::int64_t selected = 0, nonzero = 0;
  double value = 0;
};

/// Per anchor row a of `d` ([N, M], CPU, contiguous): every (p, n) with t = fl(v_an − v_ap)
/// in (lo, hi], its term softplus(v_ap − v'_an) or relu(v_ap − v'_an + margin) where v'_an is
/// v_an, or min(v_an, v_pn) with swap (v_pn from `between`, [M, M]); ∂term/∂d goes to
/// w[a][p], and to w[a][n] or, when the swap took v_pn, to the thread's own swap[p][n].
template <typename T>
PairSums pair_weights(const at::Tensor& d, const at::Tensor& between,
                      const miners::detail::LabelView& labels, double lo, double hi,
                      double sign, const MetricLossOptions& options, at::Tensor& w,
                      std::vector<at::Tensor>& swap_weights) {
  const std::int64_t rows = d.size(0), columns = d.size(1);
  const T* data = d.data_ptr<T>();
  const T* pn = options.swap ? between.data_ptr<T>() : nullptr;
  T* wdata = w.data_ptr<T>();
  const T s = T(sign), low = T(lo), high = T(hi), margin = T(options.margin);
  std::vector<PairSums> sums(rows);
  at::parallel_for(0, rows, 4, [&](std::int64_t begin, std::int64_t end) {
    miners::detail::AnchorRow<T> row;
    T* swap_w = nullptr;
    if (options.swap) {
      at::Tensor& mine = swap_weights[std::size_t(at::get_thread_num())];
      if (!mine.defined()) mine = at::zeros({columns, columns}, d.options());
      swap_w = mine.data_ptr<T>();
    }
    for (std::int64_t a = begin; a < end; ++a) {
      row.load(data + a * columns, columns, labels.ref_labels, labels.labels[a],
               labels.self ? a : -1, s);
      PairSums& out = sums[std::size_t(a)];
      T* wrow = wdata + a * columns;
      for (std::size_t i = 0; i < row.pos_index.size(); ++i) {
        const std::int64_t p = row.pos_index[i];
        const T vp = row.pos_value[i];
        double gp = 0;
        for (std::size_t k = 0; k < row.neg_index.size(); ++k) {
          const T vn = row.neg_value[k];
          const T t = vn - vp;
          if (!(t > low && t <= high)) continue;
          ++out.selected;
          const std::int64_t n = row.neg_index[k];
          T an = vn;
          bool swapped = false;
          if (pn != nullptr) {
            const T vpn = s * pn[p * columns + n];
            if (vpn < an) an = vpn, swapped = true;
          }
          const double x = double(vp) - double(an);
          double term, g;
          if (options.soft_plus) {
            term = x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
            g = 1.0 / (1.0 + std::exp(-x));
          } else {
            term = std::max(0.0, x + double(margin));
            g = 1.0;
          }
          if (!(term > 0)) continue;
          ++out.nonzero;
          out.value += term;
          gp += g;
          if (swapped) {
            swap_w[p * columns + n] -= T(g * sign);
          } else {
            wrow[n] -= T(g * sign);
          }
        }
        wrow[p] += T(gp * sign);
      }
    }
  });
  PairSums total;
  for (const PairSums& r : sums) {
    total.selected += r.selected, total.nonzero += r.nonzero;
    total.value += r.value;
  }
  return total;
}

}  // namespace

MetricLossResult triplet_pair_windows(const miners::LabeledEmbeddings& batch,
                                      const at::Tensor& detached,
                                      const miners::detail::LabelView& labels, double lo,
                                      double hi, const MetricLossOptions& options) {
  const at::Tensor d = detached.to(torch::kCPU).contiguous();
  at::Tensor between;
  if (options.swap) {
    between = batch.has_references()
                  ? distances::pairwise(batch.ref_embeddings.detach(),
                                        batch.ref_embeddings.detach(), options.distance)
                        .to(torch::kCPU)
                        .contiguous()
                  : d;
  }
  at::Tensor w = torch::zeros_like(d);
  std::vector<at::Tensor> swap_weights(std::size_t(std::max(1, at::get_num_threads())));
  const double sign = distances::closeness_sign(options.distance.kind);
  const PairSums sums =
      d.scalar_type() == torch::kDouble
          ? pair_weights<double>(d, between, labels, lo, hi, sign, options, w, swap_weights)
          : pair_weights<float>(d, between, labels, lo, hi, sign, options, w, swap_weights);
  MetricLossResult result;
  result.tuples = sums.selected;
  result.nonzero = sums.nonzero;
  const std::int64_t denominator =
      options.reduction == MetricReduction::MeanNonZero ? sums.nonzero : sums.selected;
  if (denominator == 0 || sums.nonzero == 0) {
    result.loss = attached_zero(batch);
    return result;
  }
  at::Tensor ref_w;
  for (const at::Tensor& part : swap_weights) {
    if (!part.defined()) continue;
    if (batch.has_references()) {
      ref_w = ref_w.defined() ? ref_w.add_(part) : part;
    } else {
      w.add_(part);  // a self set's positive-negative distances are entries of d itself
    }
  }
  const distances::DistanceKind kind = options.distance.kind;
  const at::Tensor coef = gradient_coefficients(w, d, kind);
  const at::Tensor ref_coef =
      ref_w.defined() ? gradient_coefficients(ref_w, between, kind) : at::Tensor();
  const double scale = 1.0 / double(denominator);
  result.loss = closed_form_loss(batch, coef, ref_coef, sums.value * scale, scale, options);
  return result;
}

}  // namespace paradigms::losses
