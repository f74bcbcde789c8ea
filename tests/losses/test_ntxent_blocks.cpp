// NT-Xent over labels in blocks of rows (the CPU path for cosine and dot): any block size
// gives the brute-force value, a finite-difference gradient for queries and references, and
// no NaN when an anchor has no negative, no positive, or huge logits.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <vector>

#include "paradigms/losses/metric_loss.h"
#include "paradigms/losses/ntxent_product.h"
#include "paradigms/miners/mine_rows.h"

namespace paradigms::losses {
namespace {

using distances::DistanceKind;
using miners::LabeledEmbeddings;

/// Cosine on unit rows, or the dot product of the rows as they are.
MetricLossOptions ntxent_options(DistanceKind kind, double temperature) {
  MetricLossOptions o;
  o.kind = MetricLossKind::NtXent;
  o.distance = default_distance(o.kind);
  o.distance.kind = kind;
  o.distance.normalize = kind == DistanceKind::Cosine;
  o.temperature = temperature;
  return o;
}

/// −log(e^{s_ap/τ} / (e^{s_ap/τ} + Σ_n e^{s_an/τ})) averaged over positive pairs, in double
/// with a log-sum-exp, from the similarity written out per pair.
double brute(const LabeledEmbeddings& b, const MetricLossOptions& o) {
  const bool self = !b.has_references();
  at::Tensor q = b.embeddings.detach().to(torch::kDouble);
  at::Tensor r = self ? q : b.ref_embeddings.detach().to(torch::kDouble);
  const at::Tensor ql = b.labels, rl = self ? b.labels : b.ref_labels;
  const auto unit = [](at::Tensor x) {
    return x / x.norm(2, 1, true).clamp_min(1e-12);
  };
  if (o.distance.kind == DistanceKind::Cosine || o.distance.normalize) q = unit(q), r = unit(r);
  double sum = 0;
  std::int64_t pairs = 0, negatives = 0;
  for (std::int64_t a = 0; a < q.size(0); ++a) {
    std::vector<double> neg;
    for (std::int64_t j = 0; j < r.size(0); ++j)
      if (ql[a].item<std::int64_t>() != rl[j].item<std::int64_t>())
        neg.push_back(q[a].dot(r[j]).item<double>() / o.temperature);
    negatives += std::int64_t(neg.size());
    for (std::int64_t p = 0; p < r.size(0); ++p) {
      if ((self && p == a) || ql[a].item<std::int64_t>() != rl[p].item<std::int64_t>()) continue;
      const double pos = q[a].dot(r[p]).item<double>() / o.temperature;
      double high = pos;
      for (double v : neg) high = std::max(high, v);
      double total = std::exp(pos - high);
      for (double v : neg) total += std::exp(v - high);
      sum += high + std::log(total) - pos;
      ++pairs;
    }
  }
  return pairs == 0 || negatives == 0 ? 0.0 : sum / double(pairs);
}

MetricLossResult blocked(const LabeledEmbeddings& b, const MetricLossOptions& o,
                         std::int64_t rows) {
  const miners::detail::CpuLabels labels(b);
  return ntxent_from_labels(b, labels.view, o, rows);
}

LabeledEmbeddings batch_of(std::int64_t n, std::int64_t dim, const std::vector<std::int64_t>& ids,
                           std::uint64_t seed, torch::Dtype dtype = torch::kFloat) {
  torch::manual_seed(seed);
  LabeledEmbeddings b;
  b.embeddings = torch::randn({n, dim}, dtype);
  std::vector<std::int64_t> labels;
  for (std::int64_t i = 0; i < n; ++i) labels.push_back(ids[std::size_t(i) % ids.size()]);
  b.labels = torch::tensor(labels, torch::kInt64).index_select(0, torch::randperm(n));
  return b;
}

TEST(NtXentBlocks, EveryBlockSizeGivesTheBruteForceValue) {
  for (DistanceKind kind : {DistanceKind::Cosine, DistanceKind::Dot}) {
    for (bool refs : {false, true}) {
      LabeledEmbeddings b = batch_of(37, 5, {7, 1000003, 42, 9}, 3);
      if (refs) {
        const LabeledEmbeddings r = batch_of(23, 5, {7, 42, 9, 555}, 4);
        b.ref_embeddings = r.embeddings, b.ref_labels = r.labels;
      }
      const MetricLossOptions o = ntxent_options(kind, 0.3);
      const double expected = brute(b, o);
      for (std::int64_t rows : {1, 3, 7, 36, 37, 0}) {
        SCOPED_TRACE(o.describe() + (refs ? ", refs, " : ", self, ") + std::to_string(rows) +
                     " rows");
        const MetricLossResult got = blocked(b, o, rows);
        EXPECT_NEAR(got.loss.item<double>(), expected, 1e-5 * std::max(1.0, std::abs(expected)));
        const MetricLossResult routed = metric_loss(b, o, miners::MinerOptions{});
        EXPECT_NEAR(routed.loss.item<double>(), expected, 1e-5 * std::max(1.0, expected));
      }
    }
  }
}

/// Central differences in float64 against the blocked backward, for queries and references.
TEST(NtXentBlocks, GradientsOfQueriesAndReferencesPassAFiniteDifferenceCheck) {
  for (bool refs : {false, true}) {
    LabeledEmbeddings b = batch_of(7, 3, {1, 2, 3}, 11, torch::kDouble);
    if (refs) {
      const LabeledEmbeddings r = batch_of(6, 3, {2, 3, 4}, 12, torch::kDouble);
      b.ref_embeddings = r.embeddings, b.ref_labels = r.labels;
    }
    const MetricLossOptions o = ntxent_options(DistanceKind::Cosine, 0.2);
    const auto value = [&](const at::Tensor& x, const at::Tensor& y) {
      LabeledEmbeddings c = b;
      c.embeddings = x;
      if (refs) c.ref_embeddings = y;
      return blocked(c, o, 2).loss;
    };
    const at::Tensor x = b.embeddings.clone().requires_grad_(true);
    const at::Tensor y = refs ? b.ref_embeddings.clone().requires_grad_(true) : at::Tensor();
    value(x, y).backward();
    const double h = 1e-6;
    const auto check = [&](const at::Tensor& param, bool is_ref) {
      const at::Tensor analytic = param.grad();
      ASSERT_TRUE(analytic.defined());
      for (std::int64_t i = 0; i < param.size(0); ++i)
        for (std::int64_t j = 0; j < param.size(1); ++j) {
          at::Tensor plus = param.detach().clone(), minus = param.detach().clone();
          plus[i][j] += h, minus[i][j] -= h;
          const double up = is_ref ? value(b.embeddings, plus).item<double>()
                                   : value(plus, y.defined() ? y.detach() : y).item<double>();
          const double down = is_ref ? value(b.embeddings, minus).item<double>()
                                     : value(minus, y.defined() ? y.detach() : y).item<double>();
          EXPECT_NEAR(analytic[i][j].item<double>(), (up - down) / (2 * h), 1e-6)
              << (is_ref ? "reference " : "query ") << i << ", " << j;
        }
    };
    check(x, false);
    if (refs) check(y, true);
  }
}

TEST(NtXentBlocks, AnchorsWithoutNegativesOrPositivesGiveFiniteValuesAndGradients) {
  // References all of class 5: queries of class 5 have positives and no negative (terms 0),
  // the others negatives and no positive; a third class has neither.
  LabeledEmbeddings b;
  torch::manual_seed(2);
  b.embeddings = torch::randn({6, 4});
  b.labels = torch::tensor(std::vector<std::int64_t>{5, 8, 5, 8, 9, 5});
  b.ref_embeddings = torch::randn({5, 4});
  b.ref_labels = torch::full({5}, 5, torch::kInt64);
  b.embeddings.requires_grad_(true);
  const MetricLossOptions o = ntxent_options(DistanceKind::Cosine, 0.07);
  for (std::int64_t rows : {1, 4, 0}) {
    const MetricLossResult r = blocked(b, o, rows);
    EXPECT_EQ(r.loss.item<double>(), 0.0);
    r.loss.backward();
    EXPECT_TRUE(torch::isfinite(b.embeddings.grad()).all().item<bool>());
    EXPECT_EQ(b.embeddings.grad().abs().sum().item<double>(), 0.0);
    b.embeddings.grad().zero_();
  }
  // Class 5 anchors also get one negative now: their terms are no longer 0.
  b.ref_labels[4] = 8;
  EXPECT_NEAR(blocked(b, o, 2).loss.item<double>(), brute(b, o), 1e-5 * brute(b, o));
}

TEST(NtXentBlocks, HugeLogitsStayFinite) {
  // Dot products of long vectors at τ = 0.01 reach e^±5000: shifted by each row's largest
  // negative they neither overflow nor lose the positives far below it.
  LabeledEmbeddings b = batch_of(20, 8, {1, 2, 3, 4}, 21, torch::kDouble);
  b.embeddings = b.embeddings * 8;
  b.embeddings.requires_grad_(true);
  const MetricLossOptions o = ntxent_options(DistanceKind::Dot, 0.01);
  const MetricLossResult r = blocked(b, o, 3);
  const double expected = brute(b, o);
  EXPECT_TRUE(std::isfinite(expected));
  EXPECT_NEAR(r.loss.item<double>(), expected, 1e-9 * expected);
  r.loss.backward();
  EXPECT_TRUE(torch::isfinite(b.embeddings.grad()).all().item<bool>());
}

}  // namespace
}  // namespace paradigms::losses
