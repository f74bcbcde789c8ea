// Distances and similarities against their formulas, normalisation of zero rows, names and
// shape errors.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "paradigms/core/error.h"
#include "paradigms/distances/distance.h"
#include "test_util.h"

namespace paradigms::distances {
namespace {

TEST(Distances, EqualTheirFormulas) {
  torch::manual_seed(1);
  for (std::int64_t rows : {5, 40}) {  // cdist switches to the matrix-product form above 25
    const at::Tensor x = torch::randn({rows, 7}, torch::kDouble);
    const at::Tensor y = torch::randn({rows + 3, 7}, torch::kDouble);
    for (bool normalize : {false, true}) {
      DistanceOptions o;
      o.normalize = normalize;
      const at::Tensor xn = normalize ? x / x.norm(2, 1, true) : x;
      const at::Tensor yn = normalize ? y / y.norm(2, 1, true) : y;
      const at::Tensor diff = xn.unsqueeze(1) - yn.unsqueeze(0);
      o.kind = DistanceKind::Euclidean;
      EXPECT_TRUE(torch::allclose(pairwise(x, y, o), diff.pow(2).sum(2).sqrt(), 1e-9, 1e-9));
      o.kind = DistanceKind::SquaredEuclidean;
      EXPECT_TRUE(torch::allclose(pairwise(x, y, o), diff.pow(2).sum(2), 1e-9, 1e-9));
      o.kind = DistanceKind::Dot;
      EXPECT_TRUE(torch::allclose(pairwise(x, y, o), xn.mm(yn.t()), 1e-9, 1e-9));
      o.kind = DistanceKind::Cosine;  // normalised whatever the option says
      const at::Tensor cosine = (x / x.norm(2, 1, true)).mm((y / y.norm(2, 1, true)).t());
      EXPECT_TRUE(torch::allclose(pairwise(x, y, o), cosine, 1e-9, 1e-9));
    }
  }
}

TEST(Distances, ZeroRowsStayZeroWithZeroGradient) {
  const at::Tensor x = torch::tensor({0.0, 0.0, 3.0, 4.0}, torch::kDouble).reshape({2, 2});
  const at::Tensor leaf = x.clone().requires_grad_(true);
  const at::Tensor n = normalize_rows(leaf);
  EXPECT_EQ(n[0].abs().sum().item<double>(), 0.0);
  EXPECT_NEAR(n[1][0].item<double>(), 0.6, 1e-12);
  n.sum().backward();
  EXPECT_TRUE(leaf.grad().isfinite().all().item<bool>());
  EXPECT_EQ(leaf.grad()[0].abs().sum().item<double>(), 0.0);
  for (DistanceKind kind : {DistanceKind::Euclidean, DistanceKind::SquaredEuclidean,
                            DistanceKind::Cosine, DistanceKind::Dot}) {
    const at::Tensor z = torch::zeros({3, 4}, torch::kFloat).requires_grad_(true);
    DistanceOptions o;
    o.kind = kind;
    const at::Tensor d = pairwise(z, z, o);
    EXPECT_TRUE(d.isfinite().all().item<bool>());
    d.sum().backward();
    EXPECT_TRUE(z.grad().isfinite().all().item<bool>()) << to_string(kind);
  }
}

TEST(Distances, NamesSignsAndErrors) {
  for (DistanceKind kind : {DistanceKind::Euclidean, DistanceKind::SquaredEuclidean,
                            DistanceKind::Cosine, DistanceKind::Dot})
    EXPECT_EQ(parse_distance(to_string(kind)), kind);
  EXPECT_THROW_WITH(parse_distance("l2"), InputError, "'l2'", "euclidean, squared_euclidean");
  EXPECT_EQ(closeness_sign(DistanceKind::Cosine), -1.0);
  EXPECT_EQ(closeness_sign(DistanceKind::SquaredEuclidean), 1.0);
  EXPECT_EQ(DistanceOptions{}.describe(), "euclidean (normalized)");
  EXPECT_THROW_WITH(pairwise(torch::zeros({3, 4}), torch::zeros({2, 5}), {}), InputError,
                    "pairwise", "[3, 4]", "[2, 5]");
  EXPECT_THROW_WITH(pairwise(torch::zeros({3, 4}, torch::kInt64), torch::zeros({2, 4}), {}),
                    InputError, "float32 or float64");
}

}  // namespace
}  // namespace paradigms::distances
