// Learning-rate schedules by hand, including PyTorch's StepLR convention.

#include <gtest/gtest.h>

#include <cmath>

#include "paradigms/core/error.h"
#include "paradigms/optim/schedule.h"
#include "test_util.h"

namespace paradigms::optim {
namespace {

TEST(Schedule, StepDecaysAfterEveryStepEpochsLikePytorchStepLR) {
  ScheduleOptions options;
  options.kind = ScheduleKind::Step;
  options.step_epochs = 3;
  options.gamma = 0.5;
  // Python: StepLR(opt, step_size=3, gamma=0.5) stepped once per epoch gives lr 1, 1, 1,
  // 0.5, 0.5, 0.5, 0.25 for epochs 0..6.
  const double expected[] = {1, 1, 1, 0.5, 0.5, 0.5, 0.25};
  for (int epoch = 0; epoch < 7; ++epoch) {
    EXPECT_DOUBLE_EQ(scheduled_lr(options, 1.0, epoch * 10, epoch, 1000), expected[epoch]);
  }
}

TEST(Schedule, CosineAndWarmup) {
  ScheduleOptions options;
  options.kind = ScheduleKind::Cosine;
  options.min_factor = 0.1;
  EXPECT_DOUBLE_EQ(scheduled_lr(options, 2.0, 0, 0, 100), 2.0);
  EXPECT_NEAR(scheduled_lr(options, 2.0, 50, 0, 100), 2.0 * (0.1 + 0.9 * 0.5), 1e-12);
  EXPECT_NEAR(scheduled_lr(options, 2.0, 100, 0, 100), 0.2, 1e-12);
  EXPECT_NEAR(scheduled_lr(options, 2.0, 25, 0, 100),
              2.0 * (0.1 + 0.9 * 0.5 * (1 + std::cos(M_PI / 4))), 1e-12);
  options.kind = ScheduleKind::Constant;
  options.warmup_steps = 4;
  EXPECT_DOUBLE_EQ(scheduled_lr(options, 1.0, 0, 0, 100), 0.25);
  EXPECT_DOUBLE_EQ(scheduled_lr(options, 1.0, 3, 0, 100), 1.0);
  EXPECT_DOUBLE_EQ(scheduled_lr(options, 1.0, 50, 0, 100), 1.0);
}

TEST(Schedule, RejectsBadValues) {
  ScheduleOptions options;
  options.gamma = 0;
  EXPECT_THROW_WITH(options.validate(), ConfigError, "gamma", "got 0");
}

}  // namespace
}  // namespace paradigms::optim
