// The miners against brute-force loops over every (a, p, n) on random inputs and on inputs
// with ties built on purpose; 64-bit counts; offline mining with a per-anchor cap.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <array>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "paradigms/core/error.h"
#include "paradigms/miners/miner.h"
#include "miners/miner_options.h"
#include "test_util.h"

namespace paradigms::miners {
namespace {

using Row = std::array<std::int64_t, 3>;
using distances::DistanceKind;
using distances::DistanceOptions;

std::vector<Row> rows_of(const Triplets& t) {
  std::vector<Row> out;
  for (std::int64_t i = 0; i < t.size(); ++i)
    out.push_back({t.anchor[i].item<std::int64_t>(), t.positive[i].item<std::int64_t>(),
                   t.negative[i].item<std::int64_t>()});
  return out;
}

/// Every (a, p, n) whose t = fl(v_an − v_ap) passes the miner's test, in (a, p, n) order.
std::vector<Row> brute_force(const LabeledEmbeddings& batch, const MinerOptions& miner,
                             const DistanceOptions& distance) {
  const at::Tensor refs = batch.has_references() ? batch.ref_embeddings : batch.embeddings;
  const at::Tensor ref_labels = batch.has_references() ? batch.ref_labels : batch.labels;
  const at::Tensor d = distances::pairwise(batch.embeddings, refs, distance).contiguous();
  const auto acc = d.accessor<float, 2>();
  const float sign = float(distances::closeness_sign(distance.kind));
  const float m = float(miner.margin);
  std::vector<Row> out;
  for (std::int64_t a = 0; a < d.size(0); ++a) {
    const std::int64_t la = batch.labels[a].item<std::int64_t>();
    for (std::int64_t p = 0; p < d.size(1); ++p) {
      if ((!batch.has_references() && p == a) || ref_labels[p].item<std::int64_t>() != la) continue;
      for (std::int64_t n = 0; n < d.size(1); ++n) {
        if (ref_labels[n].item<std::int64_t>() == la) continue;
        const float t = sign * acc[a][n] - sign * acc[a][p];
        bool keep = false;
        switch (miner.kind) {
          case MinerKind::All: keep = t <= m; break;
          case MinerKind::Hard: keep = t <= 0; break;
          case MinerKind::SemiHard: keep = t > 0 && t <= m; break;
          case MinerKind::Easy: keep = t > m; break;
          default: keep = true;
        }
        if (keep) out.push_back({a, p, n});
      }
    }
  }
  return out;
}

LabeledEmbeddings random_batch(std::int64_t n, std::int64_t dim, std::int64_t classes,
                               std::uint64_t seed) {
  torch::manual_seed(seed);
  LabeledEmbeddings batch;
  batch.embeddings = torch::randn({n, dim});
  batch.labels = torch::randint(classes, {n}, torch::kInt64) * 999983 + 7;  // not contiguous
  return batch;
}

/// Points on a grid of a few values, so many distances are exactly equal.
LabeledEmbeddings tied_batch() {
  LabeledEmbeddings batch;
  batch.embeddings = torch::tensor({0.f, 0.f, 1.f, 0.f, 0.f, 1.f, 1.f, 1.f, 0.f, 0.f,
                                    2.f, 0.f, 0.f, 2.f, 1.f, 0.f, 1.f, 0.f, 2.f, 2.f})
                         .reshape({10, 2});
  batch.labels = torch::tensor({0, 0, 1, 1, 0, 1, 1, 0, 1, 0}, torch::kInt64);
  return batch;
}

using paradigms::testing::miner_of;

TEST(Miners, ThresholdMinersEqualTheBruteForceLoop) {
  std::vector<std::pair<LabeledEmbeddings, DistanceOptions>> inputs;
  for (DistanceKind kind : {DistanceKind::Euclidean, DistanceKind::SquaredEuclidean,
                            DistanceKind::Cosine, DistanceKind::Dot}) {
    DistanceOptions distance;
    distance.kind = kind;
    inputs.push_back({random_batch(40, 8, 4, 1), distance});
    distance.normalize = false;
    inputs.push_back({random_batch(30, 5, 3, 2), distance});
    inputs.push_back({tied_batch(), distance});  // ties at t = 0 and t = margin
  }
  LabeledEmbeddings with_refs = random_batch(20, 6, 3, 3);
  const LabeledEmbeddings refs = random_batch(33, 6, 3, 4);
  with_refs.ref_embeddings = refs.embeddings;
  with_refs.ref_labels = refs.labels;
  inputs.push_back({with_refs, DistanceOptions{}});
  for (const auto& [batch, distance] : inputs) {
    for (MinerKind kind : {MinerKind::All, MinerKind::Hard, MinerKind::SemiHard, MinerKind::Easy}) {
      for (double margin : {0.2, 1.0}) {
        SCOPED_TRACE(std::string(to_string(kind)) + " " + distance.describe());
        const MinerOptions miner = miner_of(kind, margin);
        const std::vector<Row> expected = brute_force(batch, miner, distance);
        EXPECT_EQ(rows_of(mine_triplets(batch, miner, distance)), expected);
        EXPECT_EQ(count_triplets(batch, miner, distance), std::int64_t(expected.size()));
      }
    }
  }
}

TEST(Miners, TiesAtTheThresholdsAreDecidedAsTheBruteForceDecides) {
  // On the grid, distances 1 and 2 repeat: t = 0 exactly is hard, t = 1 exactly is within
  // margin 1 (all) and not easy.
  DistanceOptions distance;
  distance.normalize = false;
  distance.kind = DistanceKind::SquaredEuclidean;
  const LabeledEmbeddings batch = tied_batch();
  const auto hard = brute_force(batch, miner_of(MinerKind::Hard), distance);
  std::int64_t exact_zero = 0;
  const at::Tensor d = distances::pairwise(batch.embeddings, batch.embeddings, distance);
  for (const Row& r : hard)
    exact_zero += d[r[0]][r[2]].item<float>() == d[r[0]][r[1]].item<float>();
  EXPECT_GT(exact_zero, 0) << "the case must contain ties";
  EXPECT_EQ(rows_of(mine_triplets(batch, miner_of(MinerKind::Hard), distance)), hard);
  EXPECT_EQ(rows_of(mine_triplets(batch, miner_of(MinerKind::Easy, 1.0), distance)),
            brute_force(batch, miner_of(MinerKind::Easy, 1.0), distance));
}

TEST(Miners, BatchHardAndSemiHardEqualBruteForce) {
  for (const LabeledEmbeddings& batch : {random_batch(50, 8, 5, 5), tied_batch()}) {
    const at::Tensor d = distances::pairwise(batch.embeddings, batch.embeddings, {});
    const std::int64_t n = d.size(0);
    std::vector<Row> hard, semi;
    for (std::int64_t a = 0; a < n; ++a) {
      std::int64_t far = -1, near = -1;
      const auto la = batch.labels[a].item<std::int64_t>();
      std::vector<std::int64_t> positives, negatives;
      for (std::int64_t j = 0; j < n; ++j) {
        if (batch.labels[j].item<std::int64_t>() == la) {
          if (j != a) positives.push_back(j);
        } else {
          negatives.push_back(j);
        }
      }
      if (positives.empty() || negatives.empty()) continue;
      for (auto p : positives)
        if (far < 0 || d[a][p].item<float>() > d[a][far].item<float>()) far = p;
      for (auto q : negatives)
        if (near < 0 || d[a][q].item<float>() < d[a][near].item<float>()) near = q;
      hard.push_back({a, far, near});
      for (auto p : positives) {
        std::int64_t best = -1, farthest = -1;
        for (auto q : negatives) {
          const float dn = d[a][q].item<float>(), dp = d[a][p].item<float>();
          if (dn > dp && (best < 0 || dn < d[a][best].item<float>())) best = q;
          if (farthest < 0 || dn > d[a][farthest].item<float>()) farthest = q;
        }
        semi.push_back({a, p, best >= 0 ? best : farthest});
      }
    }
    EXPECT_EQ(rows_of(mine_triplets(batch, miner_of(MinerKind::BatchHard), {})), hard);
    EXPECT_EQ(rows_of(mine_triplets(batch, miner_of(MinerKind::BatchSemiHard), {})), semi);
    EXPECT_EQ(count_triplets(batch, miner_of(MinerKind::BatchSemiHard), {}),
              std::int64_t(semi.size()));
  }
}

TEST(Miners, RandomAndCappedMiningKeepValidTripletsPerAnchor) {
  const LabeledEmbeddings batch = random_batch(60, 8, 4, 6);
  const std::vector<Row> valid = brute_force(batch, miner_of(MinerKind::None), {});
  const std::set<Row> valid_set(valid.begin(), valid.end());
  std::mt19937_64 rng(3);
  MinerOptions random = miner_of(MinerKind::Random);
  random.triplets_per_anchor = 3;
  const std::vector<Row> drawn = rows_of(mine_triplets(batch, random, {}, 0, &rng));
  EXPECT_EQ(drawn.size(), 60u * 3);
  std::set<Row> distinct;
  for (const Row& r : drawn) {
    EXPECT_TRUE(valid_set.count(r));
    distinct.insert(r);
  }
  EXPECT_EQ(distinct.size(), drawn.size());
  EXPECT_TRUE(std::is_sorted(drawn.begin(), drawn.end()));
  // Offline mining: at most 5 semi-hard triplets per anchor, all of them semi-hard.
  const std::vector<Row> semihard = brute_force(batch, miner_of(MinerKind::SemiHard), {});
  const std::set<Row> semihard_set(semihard.begin(), semihard.end());
  const std::vector<Row> capped =
      rows_of(mine_triplets(batch, miner_of(MinerKind::SemiHard), {}, 5, &rng));
  std::map<std::int64_t, int> per_anchor;
  for (const Row& r : capped) {
    EXPECT_TRUE(semihard_set.count(r));
    ++per_anchor[r[0]];
  }
  for (const auto& [anchor, count] : per_anchor) EXPECT_LE(count, 5);
  std::mt19937_64 same(3);
  mine_triplets(batch, random, {}, 0, &same);
  EXPECT_EQ(rows_of(mine_triplets(batch, miner_of(MinerKind::SemiHard), {}, 5, &same)), capped);
  EXPECT_THROW_WITH(mine_triplets(batch, random, {}), InputError, "rng");
}

TEST(Miners, PairMinerEqualsBruteForce) {
  const LabeledEmbeddings batch = random_batch(30, 4, 3, 7);
  MinerOptions miner = miner_of(MinerKind::Pair);
  miner.pos_margin = 0.8;
  miner.neg_margin = 1.1;
  const at::Tensor d = distances::pairwise(batch.embeddings, batch.embeddings, {});
  std::vector<Row> expected;
  for (std::int64_t i = 0; i < 30; ++i) {
    for (std::int64_t j = 0; j < 30; ++j) {
      if (i == j) continue;
      const bool same =
          batch.labels[i].item<std::int64_t>() == batch.labels[j].item<std::int64_t>();
      const float v = d[i][j].item<float>();
      if (same ? v > 0.8f : v < 1.1f) expected.push_back({i, j, same});
    }
  }
  const Pairs pairs = mine_pairs(batch, miner, {});
  std::vector<Row> got;
  for (std::int64_t k = 0; k < pairs.size(); ++k)
    got.push_back({pairs.first[k].item<std::int64_t>(), pairs.second[k].item<std::int64_t>(),
                   pairs.similar[k].item<bool>()});
  EXPECT_EQ(got, expected);
}

TEST(Miners, EdgeCasesGiveNoTriplets) {
  LabeledEmbeddings batch = random_batch(6, 3, 1, 8);
  batch.labels = torch::arange(6, torch::kInt64);  // all distinct
  EXPECT_EQ(mine_triplets(batch, miner_of(MinerKind::All), {}).size(), 0);
  batch.labels = torch::full({6}, 1000003, torch::kInt64);  // one class
  EXPECT_EQ(mine_triplets(batch, miner_of(MinerKind::BatchHard), {}).size(), 0);
  EXPECT_EQ(count_triplets(batch, miner_of(MinerKind::None), {}), 0);
  batch.embeddings = torch::zeros({1, 3});
  batch.labels = torch::tensor({7}, torch::kInt64);  // a batch of one, a zero vector
  EXPECT_EQ(mine_triplets(batch, miner_of(MinerKind::SemiHard), {}).size(), 0);
}

TEST(Miners, CountsAbove2To31AreExact) {
  // 4096 items in 2 classes of 2048: every anchor has 2047 positives and 2048 negatives;
  // with normalised rows every t ≤ 2 < 10, so `all` keeps every triplet.
  LabeledEmbeddings batch = random_batch(4096, 16, 1, 9);
  batch.labels = torch::arange(4096, torch::kInt64).remainder(2) * 7;
  const std::int64_t expected = std::int64_t(4096) * 2047 * 2048;
  ASSERT_GT(expected, std::int64_t(1) << 31);
  EXPECT_EQ(count_triplets(batch, miner_of(MinerKind::All, 10.0), {}), expected);
  EXPECT_EQ(count_triplets(batch, miner_of(MinerKind::None), {}), expected);
}

TEST(Miners, NamesAndErrors) {
  for (MinerKind kind :
       {MinerKind::None, MinerKind::All, MinerKind::Hard, MinerKind::SemiHard, MinerKind::Easy,
        MinerKind::BatchHard, MinerKind::BatchSemiHard, MinerKind::Random, MinerKind::Pair})
    EXPECT_EQ(parse_miner(to_string(kind)), kind);
  EXPECT_THROW_WITH(parse_miner("semi-hard"), InputError, "semihard");
  LabeledEmbeddings batch = random_batch(5, 3, 2, 10);
  batch.labels = torch::zeros({4}, torch::kInt64);
  EXPECT_THROW_WITH(mine_triplets(batch, miner_of(MinerKind::All), {}), InputError,
                    "labels must have 5 entries");
  MinerOptions bad;
  bad.triplets_per_anchor = 0;
  EXPECT_THROW_WITH(bad.validate(), ConfigError, "triplets_per_anchor");
  EXPECT_EQ(miner_of(MinerKind::SemiHard).describe(), "semihard (margin 0.2)");
}

}  // namespace
}  // namespace paradigms::miners
