// Supervised losses against the formulas written out by hand.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "paradigms/core/error.h"
#include "paradigms/losses/supervised_loss.h"
#include "test_util.h"

namespace paradigms::losses {
namespace {

TEST(CrossEntropy, LabelSmoothingAndClassWeightsByHand) {
  const torch::Tensor logits = torch::tensor({{2.0, 0.0, -1.0}, {0.5, 1.5, 0.0}}, torch::kFloat64);
  const torch::Tensor targets = torch::tensor({0, 2}, torch::kInt64);
  const torch::Tensor log_p = torch::log_softmax(logits, 1);
  SupervisedLossOptions options;
  options.label_smoothing = 0.1;
  // q = 0.9 onehot + 0.1 / 3; loss_i = -Σ_c q_c log p_c; the mean over items.
  double expected = 0;
  for (int i = 0; i < 2; ++i) {
    for (int c = 0; c < 3; ++c) {
      const double q = (c == targets[i].item<int>() ? 0.9 : 0.0) + 0.1 / 3;
      expected -= q * log_p[i][c].item<double>() / 2;
    }
  }
  EXPECT_NEAR(supervised_loss(logits, targets, options).item<double>(), expected, 1e-12);

  options = {};
  options.class_weights = {1.0, 1.0, 3.0};
  // Weighted mean: (1 · ℓ_0 + 3 · ℓ_1) / (1 + 3).
  const double l0 = -log_p[0][0].item<double>(), l1 = -log_p[1][2].item<double>();
  EXPECT_NEAR(supervised_loss(logits, targets, options).item<double>(), (l0 + 3 * l1) / 4, 1e-12);
}

TEST(BinaryCrossEntropy, PosWeightByHand) {
  const torch::Tensor logits = torch::tensor({{0.3, -1.2}, {2.0, 0.1}}, torch::kFloat64);
  const torch::Tensor targets = torch::tensor({{1.0, 0.0}, {0.0, 1.0}}, torch::kFloat64);
  SupervisedLossOptions options;
  options.kind = SupervisedLossKind::BinaryCrossEntropy;
  options.pos_weight = {2.0, 0.5};
  auto sigmoid = [](double z) { return 1 / (1 + std::exp(-z)); };
  const double expected = (-2.0 * std::log(sigmoid(0.3)) - std::log(1 - sigmoid(-1.2)) -
                           std::log(1 - sigmoid(2.0)) - 0.5 * std::log(sigmoid(0.1))) /
                          4;
  EXPECT_NEAR(supervised_loss(logits, targets, options).item<double>(), expected, 1e-12);
}

TEST(Regression, MseMaeHuberByHand) {
  const torch::Tensor outputs = torch::tensor({{1.0}, {4.0}, {-2.0}}, torch::kFloat64);
  const torch::Tensor targets = torch::tensor({1.5, 1.0, -2.0}, torch::kFloat64);  // d = -.5, 3, 0
  SupervisedLossOptions options;
  options.kind = SupervisedLossKind::Mse;
  EXPECT_NEAR(supervised_loss(outputs, targets, options).item<double>(), (0.25 + 9) / 3, 1e-12);
  options.kind = SupervisedLossKind::Mae;
  EXPECT_NEAR(supervised_loss(outputs, targets, options).item<double>(), 3.5 / 3, 1e-12);
  options.kind = SupervisedLossKind::Huber;
  options.huber_delta = 1.0;  // ½ · 0.25 below delta; 1 · (3 − ½) above
  EXPECT_NEAR(supervised_loss(outputs, targets, options).item<double>(), (0.125 + 2.5) / 3, 1e-12);
}

TEST(SupervisedLossOptions, RejectsBadValuesNamingThem) {
  SupervisedLossOptions options;
  options.class_weights = {1, 2};
  EXPECT_THROW_WITH(options.validate(3), ConfigError, "class_weights", "3 entries", "got 2");
  options = {};
  options.label_smoothing = 1.0;
  EXPECT_THROW_WITH(options.validate(3), ConfigError, "label_smoothing");
}

}  // namespace
}  // namespace paradigms::losses
