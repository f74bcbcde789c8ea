// The metric losses against brute-force loops (float32 to 1e-5), finite-difference gradients
// in float64 for every loss, and the edge cases: no positive pair, one class, a batch of
// one, zero vectors, classes of one item, explicit tuples and a reference set.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <functional>
#include <vector>

#include "paradigms/core/error.h"
#include "paradigms/losses/metric_loss.h"
#include "miners/miner_options.h"
#include "test_util.h"

namespace paradigms::losses {
namespace {

using distances::DistanceKind;
using miners::LabeledEmbeddings;
using miners::MinerKind;
using miners::MinerOptions;

LabeledEmbeddings random_batch(std::int64_t n, std::int64_t dim, std::int64_t classes,
                               std::uint64_t seed, torch::Dtype dtype = torch::kFloat) {
  torch::manual_seed(seed);
  LabeledEmbeddings batch;
  batch.embeddings = torch::randn({n, dim}, dtype);
  batch.labels = torch::randint(classes, {n}, torch::kInt64) * 1000003 + 7;
  return batch;
}

using paradigms::testing::miner_of;

MetricLossOptions options_of(MetricLossKind kind) {
  MetricLossOptions options;
  options.kind = kind;
  options.distance = default_distance(kind);
  options.temperature = default_temperature(kind);
  return options;
}

/// Distances as a double matrix plus who is a positive or a negative of whom.
struct Reference {
  at::Tensor d;                            // [N, M] double, from pairwise in the batch's dtype
  std::vector<std::vector<int>> relation;  // 1 positive, −1 negative, 0 neither
  double sign = 1;

  Reference(const LabeledEmbeddings& batch, const distances::DistanceOptions& distance) {
    const at::Tensor refs = batch.has_references() ? batch.ref_embeddings : batch.embeddings;
    const at::Tensor ref_labels = batch.has_references() ? batch.ref_labels : batch.labels;
    d = distances::pairwise(batch.embeddings.detach(), refs.detach(), distance).to(torch::kDouble);
    sign = distances::closeness_sign(distance.kind);
    relation.assign(d.size(0), std::vector<int>(d.size(1), 0));
    for (std::int64_t i = 0; i < d.size(0); ++i) {
      for (std::int64_t j = 0; j < d.size(1); ++j) {
        if (!batch.has_references() && i == j) continue;
        const bool same =
            batch.labels[i].item<std::int64_t>() == ref_labels[j].item<std::int64_t>();
        relation[i][j] = same ? 1 : -1;
      }
    }
  }
  double v(std::int64_t i, std::int64_t j) const { return sign * d[i][j].item<double>(); }
};

double brute_triplet(const LabeledEmbeddings& batch, const MetricLossOptions& o,
                     const MinerOptions& miner) {
  const Reference r(batch, o.distance);
  double sum = 0;
  std::int64_t nonzero = 0, count = 0;
  const std::int64_t n = r.d.size(0), m = r.d.size(1);
  for (std::int64_t a = 0; a < n; ++a)
    for (std::int64_t p = 0; p < m; ++p)
      for (std::int64_t q = 0; q < m; ++q) {
        if (r.relation[a][p] != 1 || r.relation[a][q] != -1) continue;
        const double t = r.v(a, q) - r.v(a, p);
        if (miner.kind == MinerKind::SemiHard && !(t > 0 && t <= miner.margin)) continue;
        if (miner.kind == MinerKind::Hard && !(t <= 0)) continue;
        double an = r.v(a, q);
        if (o.swap) an = std::min(an, r.v(p, q));
        const double term = o.soft_plus ? std::log1p(std::exp(r.v(a, p) - an))
                                        : std::max(0.0, r.v(a, p) - an + o.margin);
        ++count;
        if (term > 0) ++nonzero, sum += term;
      }
  const auto denominator = o.reduction == MetricReduction::MeanNonZero ? nonzero : count;
  return denominator == 0 ? 0.0 : sum / double(denominator);
}

double brute_contrastive(const LabeledEmbeddings& batch, const MetricLossOptions& o) {
  const Reference r(batch, o.distance);
  double pos = 0, neg = 0;
  std::int64_t pos_nz = 0, neg_nz = 0, pos_n = 0, neg_n = 0;
  for (std::int64_t i = 0; i < r.d.size(0); ++i)
    for (std::int64_t j = 0; j < r.d.size(1); ++j) {
      const double d = r.d[i][j].item<double>();
      if (r.relation[i][j] == 1) {
        const double term = std::max(0.0, r.sign * (d - o.pos_margin));
        pos += term, ++pos_n, pos_nz += term > 0;
      } else if (r.relation[i][j] == -1) {
        const double term = std::max(0.0, r.sign * (o.neg_margin - d));
        neg += term, ++neg_n, neg_nz += term > 0;
      }
    }
  const bool nz = o.reduction == MetricReduction::MeanNonZero;
  const auto pd = nz ? pos_nz : pos_n, nd = nz ? neg_nz : neg_n;
  return (pd ? pos / double(pd) : 0.0) + (nd ? neg / double(nd) : 0.0);
}

double brute_ntxent(const LabeledEmbeddings& batch, const MetricLossOptions& o) {
  const Reference r(batch, o.distance);
  double sum = 0;
  std::int64_t pairs = 0, negatives = 0;
  for (std::int64_t a = 0; a < r.d.size(0); ++a)
    for (std::int64_t p = 0; p < r.d.size(1); ++p) {
      if (r.relation[a][p] == -1) ++negatives;
      if (r.relation[a][p] != 1) continue;
      const double sp = std::exp(-r.v(a, p) / o.temperature);
      double denominator = sp;
      for (std::int64_t q = 0; q < r.d.size(1); ++q)
        if (r.relation[a][q] == -1) denominator += std::exp(-r.v(a, q) / o.temperature);
      sum += -std::log(sp / denominator);
      ++pairs;
    }
  return pairs == 0 || negatives == 0 ? 0.0 : sum / double(pairs);
}

double brute_supcon(const LabeledEmbeddings& batch, const MetricLossOptions& o) {
  const Reference r(batch, o.distance);
  double sum = 0;
  std::int64_t anchors = 0;
  for (std::int64_t i = 0; i < r.d.size(0); ++i) {
    double denominator = 0, pos = 0;
    std::int64_t positives = 0;
    for (std::int64_t j = 0; j < r.d.size(1); ++j) {
      if (r.relation[i][j] == 0) continue;
      denominator += std::exp(-r.v(i, j) / o.temperature);
      if (r.relation[i][j] == 1) pos += -r.v(i, j) / o.temperature, ++positives;
    }
    if (positives == 0) continue;
    sum += std::log(denominator) - pos / double(positives);
    ++anchors;
  }
  return anchors == 0 ? 0.0 : sum / double(anchors);
}

double brute(const LabeledEmbeddings& batch, const MetricLossOptions& o, const MinerOptions& m) {
  switch (o.kind) {
    case MetricLossKind::Triplet: return brute_triplet(batch, o, m);
    case MetricLossKind::Contrastive: return brute_contrastive(batch, o);
    case MetricLossKind::NtXent: return brute_ntxent(batch, o);
    case MetricLossKind::SupCon: return brute_supcon(batch, o);
  }
  return 0;
}

std::vector<MetricLossOptions> every_variant() {
  std::vector<MetricLossOptions> out;
  for (MetricLossKind kind : {MetricLossKind::Triplet, MetricLossKind::Contrastive,
                              MetricLossKind::NtXent, MetricLossKind::SupCon})
    out.push_back(options_of(kind));
  MetricLossOptions o = options_of(MetricLossKind::Triplet);
  o.soft_plus = true;
  out.push_back(o);
  o.soft_plus = false, o.swap = true;
  out.push_back(o);
  o.swap = false, o.reduction = MetricReduction::Mean;
  out.push_back(o);
  o = options_of(MetricLossKind::Contrastive);
  o.reduction = MetricReduction::Mean, o.pos_margin = 0.3, o.neg_margin = 0.9;
  out.push_back(o);
  return out;
}

TEST(MetricLosses, ValuesEqualBruteForce) {
  for (DistanceKind kind : {DistanceKind::Euclidean, DistanceKind::SquaredEuclidean,
                            DistanceKind::Cosine, DistanceKind::Dot}) {
    for (MetricLossOptions o : every_variant()) {
      o.distance.kind = kind;
      for (bool with_refs : {false, true}) {
        LabeledEmbeddings batch = random_batch(24, 6, 4, 11);
        if (with_refs) {
          const LabeledEmbeddings refs = random_batch(17, 6, 4, 12);
          batch.ref_embeddings = refs.embeddings, batch.ref_labels = refs.labels;
          if (o.swap) continue;  // swap needs reference-to-reference distances: below
        }
        for (MinerKind mk : {MinerKind::None, MinerKind::SemiHard, MinerKind::Hard}) {
          if (o.kind != MetricLossKind::Triplet && mk != MinerKind::None) continue;
          SCOPED_TRACE(o.describe() + " miner " + to_string(mk) + (with_refs ? " refs" : ""));
          const double got = metric_loss(batch, o, miner_of(mk)).loss.item<double>();
          const double expected = brute(batch, o, miner_of(mk));
          EXPECT_NEAR(got, expected, 1e-5 * std::max(1.0, std::abs(expected)));
        }
      }
    }
  }
}

/// Central differences in float64 against autograd.
void check_gradient(const MetricLossOptions& o, const MinerOptions& miner, bool with_refs) {
  LabeledEmbeddings batch = random_batch(10, 3, 3, 21, torch::kDouble);
  if (with_refs) {
    const LabeledEmbeddings refs = random_batch(7, 3, 3, 22, torch::kDouble);
    batch.ref_embeddings = refs.embeddings, batch.ref_labels = refs.labels;
  }
  const auto value = [&](const at::Tensor& x) {
    LabeledEmbeddings b = batch;
    b.embeddings = x;
    return metric_loss(b, o, miner).loss;
  };
  const at::Tensor x = batch.embeddings.clone().requires_grad_(true);
  value(x).backward();
  const at::Tensor analytic = x.grad();
  const double h = 1e-6;
  for (std::int64_t i = 0; i < x.size(0); ++i)
    for (std::int64_t j = 0; j < x.size(1); ++j) {
      at::Tensor plus = batch.embeddings.clone(), minus = batch.embeddings.clone();
      plus[i][j] += h, minus[i][j] -= h;
      const double numeric = (value(plus).item<double>() - value(minus).item<double>()) / (2 * h);
      EXPECT_NEAR(analytic[i][j].item<double>(), numeric, 1e-6) << "at " << i << ", " << j;
    }
}

TEST(MetricLosses, GradientsPassAFiniteDifferenceCheck) {
  for (DistanceKind kind : {DistanceKind::Euclidean, DistanceKind::Cosine}) {
    for (MetricLossOptions o : every_variant()) {
      o.distance.kind = kind;
      SCOPED_TRACE(o.describe());
      check_gradient(o, miner_of(MinerKind::None), false);
      if (!o.swap) check_gradient(o, miner_of(MinerKind::None), true);
    }
  }
  MetricLossOptions o = options_of(MetricLossKind::Triplet);
  for (MinerKind mk : {MinerKind::SemiHard, MinerKind::BatchHard, MinerKind::BatchSemiHard}) {
    SCOPED_TRACE(to_string(mk));
    check_gradient(o, miner_of(mk), false);
  }
}

/// The loss is 0, finite, and backward gives finite (zero) gradients.
void expect_attached_zero(LabeledEmbeddings batch, const MetricLossOptions& o,
                          const MinerOptions& miner) {
  batch.embeddings = batch.embeddings.clone().requires_grad_(true);
  const MetricLossResult r = metric_loss(batch, o, miner);
  EXPECT_EQ(r.loss.item<double>(), 0.0);
  ASSERT_TRUE(r.loss.requires_grad());
  r.loss.backward();
  ASSERT_TRUE(batch.embeddings.grad().defined());
  EXPECT_EQ(batch.embeddings.grad().abs().sum().item<double>(), 0.0);
}

TEST(MetricLosses, NoPositivePairOneClassAndABatchOfOneGiveAnAttachedZero) {
  for (const MetricLossOptions& o : every_variant()) {
    SCOPED_TRACE(o.describe());
    LabeledEmbeddings batch = random_batch(6, 4, 1, 31);
    batch.labels = torch::tensor({7, 1000003, 5, 9, 11, 13}, torch::kInt64);  // all distinct
    if (o.kind != MetricLossKind::Contrastive) {  // contrastive still has negative terms
      expect_attached_zero(batch, o, miner_of(MinerKind::None));
    } else {
      EXPECT_NEAR(metric_loss(batch, o, miner_of(MinerKind::None)).loss.item<double>(),
                  brute(batch, o, miner_of(MinerKind::None)), 1e-5);
    }
    expect_attached_zero(batch, o, miner_of(MinerKind::BatchHard));
    batch.embeddings = batch.embeddings.slice(0, 0, 1);
    batch.labels = batch.labels.slice(0, 0, 1);  // a batch of one
    expect_attached_zero(batch, o, miner_of(MinerKind::None));
    if (o.kind == MetricLossKind::Contrastive || o.kind == MetricLossKind::SupCon) continue;
    batch = random_batch(6, 4, 1, 32);  // one class: no negative
    expect_attached_zero(batch, o, miner_of(MinerKind::None));
  }
  // One class still has positive terms for contrastive and SupCon (Khosla's denominator runs
  // over every other item).
  const LabeledEmbeddings one_class = random_batch(6, 4, 1, 33);
  for (MetricLossKind kind : {MetricLossKind::Contrastive, MetricLossKind::SupCon}) {
    const auto o = options_of(kind);
    EXPECT_NEAR(metric_loss(one_class, o, miner_of(MinerKind::None)).loss.item<double>(),
                brute(one_class, o, miner_of(MinerKind::None)), 1e-5);
  }
}

TEST(MetricLosses, ZeroVectorsGiveNoNaN) {
  for (MetricLossOptions o : every_variant()) {
    for (DistanceKind kind : {DistanceKind::Euclidean, DistanceKind::Cosine}) {
      o.distance.kind = kind;
      SCOPED_TRACE(o.describe());
      LabeledEmbeddings batch = random_batch(8, 4, 2, 41);
      batch.embeddings[0].zero_(), batch.embeddings[1].zero_(), batch.embeddings[5].zero_();
      batch.embeddings = batch.embeddings.requires_grad_(true);
      const MetricLossResult r = metric_loss(batch, o, miner_of(MinerKind::None));
      EXPECT_TRUE(std::isfinite(r.loss.item<double>()));
      r.loss.backward();
      EXPECT_TRUE(batch.embeddings.grad().isfinite().all().item<bool>());
    }
  }
}

TEST(MetricLosses, ClassesOfOneAndTiedDistancesEqualBruteForce) {
  LabeledEmbeddings batch;
  batch.embeddings =
      torch::tensor({0.f, 1.f, 1.f, 0.f, 0.f, -1.f, -1.f, 0.f, 0.f, 1.f, 1.f, 0.f, 0.6f, 0.8f})
          .reshape({7, 2});  // repeated points: many equal distances
  batch.labels = torch::tensor({7, 7, 1000003, 7, 1000003, 42, 99}, torch::kInt64);
  for (const MetricLossOptions& o : every_variant()) {
    for (MinerKind mk : {MinerKind::None, MinerKind::Hard, MinerKind::SemiHard}) {
      if (o.kind != MetricLossKind::Triplet && mk != MinerKind::None) continue;
      SCOPED_TRACE(o.describe() + " " + to_string(mk));
      EXPECT_NEAR(metric_loss(batch, o, miner_of(mk)).loss.item<double>(),
                  brute(batch, o, miner_of(mk)), 1e-5);
    }
  }
}

TEST(MetricLosses, ExplicitTuplesAndCounts) {
  const LabeledEmbeddings batch = random_batch(20, 5, 3, 51);
  const miners::Triplets t = miners::mine_triplets(batch, miner_of(MinerKind::SemiHard), {});
  const MetricLossOptions o = options_of(MetricLossKind::Triplet);
  const MetricLossResult mined = metric_loss(batch, o, miner_of(MinerKind::SemiHard));
  const MetricLossResult given = metric_loss(batch, o, t);
  EXPECT_NEAR(mined.loss.item<double>(), given.loss.item<double>(), 1e-6);
  EXPECT_EQ(mined.tuples, t.size());
  EXPECT_EQ(given.tuples, t.size());
  const miners::Pairs all = miners::mine_pairs(batch, miner_of(MinerKind::None), {});
  const MetricLossOptions c = options_of(MetricLossKind::Contrastive);
  EXPECT_NEAR(metric_loss(batch, c, all).loss.item<double>(),
              metric_loss(batch, c, miner_of(MinerKind::None)).loss.item<double>(), 1e-6);
  EXPECT_EQ(metric_loss(batch, c, all).tuples, 20 * 19);
  miners::Triplets bad = t;
  bad.negative = bad.negative.clone();
  bad.negative[0] = 20;
  EXPECT_THROW_WITH(metric_loss(batch, o, bad), InputError, "negative indices", "[0, 20)");
}

TEST(MetricLosses, NamesOptionsAndErrors) {
  for (MetricLossKind kind : {MetricLossKind::Triplet, MetricLossKind::Contrastive,
                              MetricLossKind::NtXent, MetricLossKind::SupCon})
    EXPECT_EQ(parse_metric_loss(to_string(kind)), kind);
  EXPECT_THROW_WITH(parse_metric_loss("infonce"), InputError, "ntxent");
  MetricLossOptions o;
  o.temperature = 0;
  EXPECT_THROW_WITH(o.validate(), ConfigError, "temperature", "got 0");
  const LabeledEmbeddings batch = random_batch(5, 3, 2, 61);
  EXPECT_THROW_WITH(metric_loss(batch, MetricLossOptions{}, miner_of(MinerKind::Pair)), ConfigError,
                    "pair miner");
  LabeledEmbeddings wrong = batch;
  wrong.labels = wrong.labels.to(torch::kInt32);
  EXPECT_THROW_WITH(metric_loss(wrong, MetricLossOptions{}, miner_of(MinerKind::None)), InputError,
                    "metric_loss", "labels must be int64");
  EXPECT_EQ(options_of(MetricLossKind::Triplet).describe(),
            "triplet on euclidean (normalized), margin 0.2, reduction mean_nonzero");
}

}  // namespace
}  // namespace paradigms::losses
