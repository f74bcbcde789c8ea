// The shared trainer on a small supervised problem: every optimizer and descent mode
// lowers the loss, resuming equals the uninterrupted run, NaN stops the run, early stopping.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "paradigms/core/error.h"
#include "paradigms/core/files.h"
#include "paradigms/train/trainer.h"
#include "test_util.h"
#include "train/train_fixture.h"

namespace fs = std::filesystem;

namespace paradigms::train {
namespace {

using paradigms::testing::TempDir;
using paradigms::testing::toy_examples;
using paradigms::testing::toy_options;

std::vector<nlohmann::json> records(const fs::path& run_dir) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(run_dir / "metrics.jsonl");
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

TrainerOptions quick(std::int64_t epochs) {
  TrainerOptions options;
  options.epochs = epochs;
  options.batching.batch_size = 4;
  options.seed = 11;
  return options;
}

// The first epoch's mean training loss is taken while learning; comparing it with the
// full-split loss after training would mix two measures, so both ends use evaluate().
double train_split_loss(SupervisedParadigm& paradigm) {
  return paradigm.evaluate(data::Split::Train)["loss"].get<double>();
}

struct OptimizerCase {
  optim::OptimizerKind kind;
  double lr, momentum;
  bool nesterov;
};

void PrintTo(const OptimizerCase& c, std::ostream* stream) { *stream << optim::to_string(c.kind); }

class EveryOptimizer : public ::testing::TestWithParam<OptimizerCase> {};

TEST_P(EveryOptimizer, LowersTheTrainingLoss) {
  const OptimizerCase c = GetParam();
  SupervisedOptions options = toy_options(c.kind, c.lr);
  options.optimizer.momentum = c.momentum;
  options.optimizer.nesterov = c.nesterov;
  options.optimizer.weight_decay = 1e-4;
  SupervisedParadigm paradigm(toy_examples(), options, torch::kCPU);
  const double before = train_split_loss(paradigm);
  TempDir dir;
  Trainer(paradigm, quick(8), dir.path(), "").fit();
  EXPECT_LT(train_split_loss(paradigm), 0.8 * before) << optim::to_string(c.kind);
}

INSTANTIATE_TEST_SUITE_P(
    Optimizers, EveryOptimizer,
    ::testing::Values(OptimizerCase{optim::OptimizerKind::Sgd, 0.05, 0.0, false},
                      OptimizerCase{optim::OptimizerKind::Sgd, 0.05, 0.9, false},
                      OptimizerCase{optim::OptimizerKind::Sgd, 0.05, 0.9, true},
                      OptimizerCase{optim::OptimizerKind::Adagrad, 0.05, 0.0, false},
                      OptimizerCase{optim::OptimizerKind::Adadelta, 1.0, 0.0, false},
                      OptimizerCase{optim::OptimizerKind::Adam, 0.01, 0.0, false},
                      OptimizerCase{optim::OptimizerKind::AdamW, 0.01, 0.0, false},
                      OptimizerCase{optim::OptimizerKind::RmsProp, 0.005, 0.0, false}),
    [](const ::testing::TestParamInfo<OptimizerCase>& info) {
      return std::string(optim::to_string(info.param.kind)) + (info.param.nesterov ? "_nesterov"
                                                               : info.param.momentum > 0
                                                                   ? "_momentum"
                                                                   : "");
    });

TEST(DescentModes, StochasticMiniBatchAndFullBatchLowerTheLoss) {
  for (const std::string mode : {"stochastic", "minibatch", "full"}) {
    SupervisedParadigm paradigm(toy_examples(), toy_options(optim::OptimizerKind::Sgd, 0.05),
                                torch::kCPU);
    TrainerOptions options = quick(mode == "full" ? 60 : 6);
    options.batching.batch_size = mode == "stochastic" ? 1 : 5;
    options.batching.full_batch = mode == "full";
    options.batching.chunk_size = 7;  // several chunks accumulate into one step
    const double before = train_split_loss(paradigm);
    TempDir dir;
    const TrainResult result = Trainer(paradigm, options, dir.path(), "").fit();
    EXPECT_LT(train_split_loss(paradigm), 0.8 * before) << mode;
    const std::size_t train_items = paradigm.train_items().size();
    const std::int64_t steps_per_epoch =
        mode == "full" ? 1
                       : std::int64_t((train_items + options.batching.batch_size - 1) /
                                      std::size_t(options.batching.batch_size));
    EXPECT_EQ(result.state.step, options.epochs * steps_per_epoch) << mode;
  }
}

TEST(FullBatch, AccumulatedChunksEqualOneBatch) {
  auto examples = toy_examples();
  SupervisedParadigm whole(examples, toy_options(optim::OptimizerKind::Sgd, 0.1), torch::kCPU);
  SupervisedParadigm chunked(examples, toy_options(optim::OptimizerKind::Sgd, 0.1), torch::kCPU);
  {
    torch::NoGradGuard no_grad;
    auto source = whole.model()->parameters();
    auto target = chunked.model()->parameters();
    for (std::size_t i = 0; i < source.size(); ++i) target[i].copy_(source[i]);
  }
  const std::vector<std::size_t> items = whole.train_items();
  std::vector<std::size_t> first(items.begin(), items.begin() + 5),
      rest(items.begin() + 5, items.end());
  std::mt19937_64 rng_a(1), rng_b(1);
  whole.train_step({items}, rng_a);
  chunked.train_step({first, rest}, rng_b);
  auto a = whole.model()->parameters(), b = chunked.model()->parameters();
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::allclose(a[i], b[i], 1e-5, 1e-6));
}

TEST(Resume, FromAnEpochBoundaryEqualsTheUninterruptedRun) {
  TempDir whole_dir, split_dir;
  SupervisedParadigm whole(toy_examples(), toy_options(), torch::kCPU);
  Trainer(whole, quick(4), whole_dir.path(), "").fit();

  {
    SupervisedParadigm first(toy_examples(), toy_options(), torch::kCPU);
    Trainer(first, quick(2), split_dir.path(), "").fit();
  }
  SupervisedParadigm resumed(toy_examples(), toy_options(), torch::kCPU);
  Trainer trainer(resumed, quick(4), split_dir.path(), "");
  trainer.resume(split_dir.path() / "checkpoints" / "last.pt");
  trainer.fit();

  auto a = whole.model()->parameters(), b = resumed.model()->parameters();
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i])) << i;
  EXPECT_EQ(whole.evaluate(data::Split::Test).dump(), resumed.evaluate(data::Split::Test).dump());
  const auto whole_records = records(whole_dir.path()), split_records = records(split_dir.path());
  ASSERT_EQ(split_records.size(), 4u);
  EXPECT_EQ(whole_records.back()["train"]["loss"], split_records.back()["train"]["loss"]);
}

TEST(Resume, FromAnInterruptionMidEpochEqualsTheUninterruptedRun) {
  TempDir whole_dir, split_dir;
  SupervisedParadigm whole(toy_examples(), toy_options(), torch::kCPU);
  Trainer(whole, quick(3), whole_dir.path(), "").fit();

  std::atomic<bool> stop{false};
  {
    SupervisedParadigm first(toy_examples(), toy_options(), torch::kCPU);
    TrainerCallbacks callbacks;
    callbacks.progress = [&](std::int64_t epoch, std::int64_t step, std::int64_t, double, double) {
      if (epoch == 2 && step == 2) stop = true;
    };
    Trainer trainer(first, quick(3), split_dir.path(), "", callbacks, &stop);
    EXPECT_THROW(trainer.fit(), TrainingInterrupted);
  }
  SupervisedParadigm resumed(toy_examples(), toy_options(), torch::kCPU);
  Trainer trainer(resumed, quick(3), split_dir.path(), "");
  trainer.resume(split_dir.path() / "checkpoints" / "last.pt");
  trainer.fit();
  auto a = whole.model()->parameters(), b = resumed.model()->parameters();
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i])) << i;
  EXPECT_EQ(records(whole_dir.path()).back().dump(), [&] {
    auto last = records(split_dir.path()).back();
    last["seconds"] = records(whole_dir.path()).back()["seconds"];
    last["samples_per_s"] = records(whole_dir.path()).back()["samples_per_s"];
    return last.dump();
  }());
}

TEST(Trainer, NanLossStopsWithAClearErrorAndKeepsTheLastGoodCheckpoint) {
  TempDir dir;
  SupervisedParadigm paradigm(toy_examples(), toy_options(optim::OptimizerKind::Sgd, 1e12),
                              torch::kCPU);
  Trainer trainer(paradigm, quick(50), dir.path(), "");
  EXPECT_THROW_WITH(trainer.fit(), TrainingError, "training loss is", "last good checkpoint");
  SupervisedParadigm reloaded(toy_examples(), toy_options(), torch::kCPU);
  if (fs::exists(trainer.last_checkpoint())) {
    const TrainerState state = load_checkpoint(trainer.last_checkpoint(), reloaded);
    for (const auto& p : reloaded.model()->parameters()) {
      EXPECT_TRUE(torch::isfinite(p).all().item<bool>()) << "epoch " << state.epoch;
    }
  }
}

TEST(Trainer, EarlyStoppingAfterPatienceEpochsWithoutImprovement) {
  TempDir dir;
  SupervisedParadigm paradigm(toy_examples(), toy_options(), torch::kCPU);
  TrainerOptions options = quick(20);
  options.monitor = "train.loss";
  options.mode = MonitorMode::Max;  // the loss falls, so it never "improves" after epoch 1
  options.patience = 2;
  const TrainResult result = Trainer(paradigm, options, dir.path(), "").fit();
  EXPECT_TRUE(result.early_stopped);
  EXPECT_EQ(result.state.epoch, 3);
  EXPECT_EQ(result.state.best_epoch, 1);
  EXPECT_TRUE(fs::exists(dir.path() / "checkpoints" / "best.pt"));
}

TEST(Trainer, AMisspeltMonitorStopsAfterTheFirstEpochWithTheMetricsItHas) {
  TempDir dir;
  SupervisedParadigm paradigm(toy_examples(), toy_options(), torch::kCPU);
  TrainerOptions options = quick(5);
  options.monitor = "valid.acuracy";
  EXPECT_THROW_WITH(Trainer(paradigm, options, dir.path(), "").fit(), ConfigError,
                    "train.monitor 'valid.acuracy'", "accuracy", "loss");
  EXPECT_EQ(records(dir.path()).size(), 1u);  // the epoch it trained is kept
  EXPECT_TRUE(fs::exists(dir.path() / "checkpoints" / "last.pt"));
}

TEST(Trainer, AMonitorOnAMissingSplitFallsBackToTheTrainingLoss) {
  TempDir dir;
  SupervisedParadigm paradigm(toy_examples(), toy_options(), torch::kCPU);
  TrainerOptions options = quick(2);
  options.monitor = "holdout.accuracy";
  const TrainResult result = Trainer(paradigm, options, dir.path(), "").fit();
  EXPECT_EQ(result.state.epoch, 2);
  EXPECT_GT(result.state.best_epoch, 0);
}

TEST(Checkpoint, RejectsFilesThatAreNotCheckpoints) {
  TempDir dir;
  SupervisedParadigm paradigm(toy_examples(), toy_options(), torch::kCPU);
  EXPECT_THROW_WITH(load_checkpoint(dir / "none.pt", paradigm), InputError, "none.pt",
                    "does not exist");
  testing::write_bytes(dir / "junk.pt", "not a checkpoint");
  EXPECT_THROW_WITH(load_checkpoint(dir / "junk.pt", paradigm), InputError, "junk.pt");
}

TEST(Plan, EpochsCoverEveryItemOnceInASeededOrder) {
  std::vector<std::size_t> items(23);
  for (std::size_t i = 0; i < items.size(); ++i) items[i] = 100 + i;
  BatchingOptions options;
  options.batch_size = 5;
  const EpochPlan plan = plan_epoch(items, options, 9, 0);
  ASSERT_EQ(plan.size(), 5u);  // 5 + 5 + 5 + 5 + 3
  EXPECT_EQ(plan.back()[0].size(), 3u);
  std::vector<std::size_t> seen;
  for (const auto& step : plan) seen.insert(seen.end(), step[0].begin(), step[0].end());
  EXPECT_NE(seen, items);  // shuffled
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, items);
  EXPECT_EQ(plan_epoch(items, options, 9, 0), plan);
  EXPECT_NE(plan_epoch(items, options, 9, 1), plan);
  options.full_batch = true;
  options.chunk_size = 10;
  const EpochPlan full = plan_epoch(items, options, 9, 0);
  ASSERT_EQ(full.size(), 1u);
  EXPECT_EQ(full[0].size(), 3u);  // chunks of 10, 10, 3
  options.full_batch = false;
  options.batch_size = 0;
  EXPECT_THROW_WITH(plan_epoch(items, options, 9, 0), ConfigError, "batch_size", "got 0");
}

}  // namespace
}  // namespace paradigms::train
