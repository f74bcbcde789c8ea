// The metric-learning paradigm on a small problem: classes whose features are noise around a
// class pattern. Online mining, offline mining, triplets and pairs files, resuming.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <atomic>
#include <fstream>

#include "paradigms/config/run_config.h"
#include "paradigms/core/error.h"
#include "paradigms/data/splits.h"
#include "paradigms/paradigms/metric_learning.h"
#include "paradigms/train/trainer.h"
#include "test_util.h"

namespace fs = std::filesystem;

namespace paradigms {
namespace {

using paradigms::testing::TempDir;

constexpr std::int64_t kClasses = 8;

std::shared_ptr<train::Examples> pattern_examples(std::int64_t per_class = 10) {
  data::Dataset dataset;
  dataset.source = "patterns";
  std::vector<at::Tensor> features;
  torch::manual_seed(17);
  const torch::Tensor patterns = torch::randn({kClasses, 4, 6});
  for (std::int64_t label = 0; label < kClasses; ++label) {
    dataset.class_names.push_back("c" + std::to_string(label));
    for (std::int64_t i = 0; i < per_class; ++i) {
      data::Item item;
      item.path = "item" + std::to_string(dataset.items.size()) + ".npy";
      item.labels = {label};
      dataset.items.push_back(item);
      features.push_back(patterns[label] + 1.2 * torch::randn({4, 6}));
    }
  }
  data::assign_splits(dataset, data::SplitOptions{0.2, 0.2, 3});
  return std::make_shared<train::Examples>(dataset, features, 6);
}

MetricLearningOptions small_options() {
  MetricLearningOptions options;
  options.model.encoder.kind = models::EncoderKind::Mlp;
  options.model.encoder.channels = {32};
  options.model.encoder.dropout = 0.0;
  options.embedding_dim = 8;
  options.miner.kind = miners::MinerKind::SemiHard;
  options.per_class = 4;
  options.optimizer.kind = optim::OptimizerKind::Adam;
  options.optimizer.lr = 0.01;
  return options;
}

train::TrainerOptions trainer_options(std::int64_t epochs, std::int64_t batch_size = 16) {
  train::TrainerOptions options;
  options.epochs = epochs;
  options.batching.batch_size = batch_size;
  options.seed = 5;
  options.monitor = "valid.map_at_r";
  options.mode = train::MonitorMode::Max;
  return options;
}

std::vector<nlohmann::json> records(const fs::path& run_dir) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(run_dir / "metrics.jsonl");
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

double train_map_at_r(MetricLearningParadigm& paradigm) {
  return paradigm.evaluate(data::Split::Train)["map_at_r"].get<double>();
}

TEST(MetricLearning, OnlineSemiHardMiningImprovesRetrieval) {
  TempDir dir;
  MetricLearningParadigm paradigm(pattern_examples(), small_options(), 16, torch::kCPU);
  const double before = train_map_at_r(paradigm);
  train::Trainer(paradigm, trainer_options(15), dir.path(), "").fit();
  const double after = train_map_at_r(paradigm);
  EXPECT_GT(after, before + 0.2) << "before " << before << " after " << after;
  const auto lines = records(dir.path());
  ASSERT_EQ(lines.size(), 15u);
  EXPECT_GT(lines.front()["train"]["tuples"].get<std::int64_t>(), 0);
  EXPECT_TRUE(lines.front()["valid"].contains("map_at_r"));
  EXPECT_TRUE(lines.front()["valid"].contains("recall_at_k"));
}

TEST(MetricLearning, EveryLossTrains) {
  for (auto kind : {losses::MetricLossKind::Contrastive, losses::MetricLossKind::NtXent,
                    losses::MetricLossKind::SupCon}) {
    TempDir dir;
    MetricLearningOptions options = small_options();
    options.loss.kind = kind;
    options.loss.distance = losses::default_distance(kind);
    options.loss.temperature = losses::default_temperature(kind);
    options.miner.kind = miners::MinerKind::None;
    MetricLearningParadigm paradigm(pattern_examples(), options, 16, torch::kCPU);
    const double before = train_map_at_r(paradigm);
    train::Trainer(paradigm, trainer_options(12), dir.path(), "").fit();
    EXPECT_GT(train_map_at_r(paradigm), before + 0.1) << losses::to_string(kind);
  }
}

TEST(MetricLearning, OfflineMiningRefreshesTripletsAndResumesExactly) {
  MetricLearningOptions options = small_options();
  options.supervision = MetricSupervision::Offline;
  options.refresh_epochs = 2;
  options.offline_miner.kind = miners::MinerKind::All;
  options.triplets_per_anchor = 3;
  TempDir whole_dir, split_dir;
  MetricLearningParadigm whole(pattern_examples(), options, 8, torch::kCPU);
  const double before = train_map_at_r(whole);
  train::Trainer(whole, trainer_options(5, 8), whole_dir.path(), "").fit();
  EXPECT_GT(train_map_at_r(whole), before);
  const auto lines = records(whole_dir.path());
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_GT(lines[0]["train"]["mined_triplets"].get<std::int64_t>(), 0);
  EXPECT_LE(lines[0]["train"]["mined_triplets"].get<std::int64_t>(), 3 * 48);  // 48 train items

  // Interrupted inside epoch 4 (triplets mined at the start of epoch 3), then resumed.
  std::atomic<bool> stop{false};
  {
    MetricLearningParadigm first(pattern_examples(), options, 8, torch::kCPU);
    train::TrainerCallbacks callbacks;
    callbacks.progress = [&](std::int64_t epoch, std::int64_t step, std::int64_t, double, double) {
      if (epoch == 4 && step == 2) stop = true;
    };
    train::Trainer trainer(first, trainer_options(5, 8), split_dir.path(), "", callbacks, &stop);
    EXPECT_THROW(trainer.fit(), train::TrainingInterrupted);
  }
  MetricLearningParadigm resumed(pattern_examples(), options, 8, torch::kCPU);
  train::Trainer trainer(resumed, trainer_options(5, 8), split_dir.path(), "");
  trainer.resume(split_dir.path() / "checkpoints" / "last.pt");
  trainer.fit();
  auto a = whole.model()->parameters(), b = resumed.model()->parameters();
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i])) << i;
  EXPECT_EQ(whole.evaluate(data::Split::Test).dump(), resumed.evaluate(data::Split::Test).dump());
}

TEST(MetricLearning, TripletsAndPairsFilesTrain) {
  auto examples = pattern_examples();
  const std::vector<std::size_t> train_items = examples->split(data::Split::Train);
  TempDir dir;
  // Every (anchor, positive) of a class with an item of another class, varied with (a, p).
  std::ofstream triplets(dir / "t.csv"), pairs(dir / "p.csv");
  triplets << "a,p,n\n";
  pairs << "i,j,label\n";
  for (std::size_t a : train_items) {
    const auto label = examples->item(a).labels[0];
    for (std::size_t p : train_items) {
      if (p == a || examples->item(p).labels[0] != label) continue;
      for (std::size_t n : train_items) {
        const auto other = (label + 1 + std::int64_t(a + p) % (kClasses - 1)) % kClasses;
        if (examples->item(n).labels[0] != other) continue;
        triplets << a << "," << p << "," << examples->item(n).path << "\n";
        pairs << a << "," << p << ",1\n" << a << "," << n << ",-1\n";
        break;
      }
    }
  }
  triplets.close();
  pairs.close();
  for (auto supervision : {MetricSupervision::TripletsFile, MetricSupervision::PairsFile}) {
    MetricLearningOptions options = small_options();
    options.supervision = supervision;
    options.tuples_file =
        supervision == MetricSupervision::TripletsFile ? dir / "t.csv" : dir / "p.csv";
    if (supervision == MetricSupervision::PairsFile) {
      options.loss.kind = losses::MetricLossKind::Contrastive;
    }
    TempDir run;
    MetricLearningParadigm paradigm(examples, options, 16, torch::kCPU);
    const double before = train_map_at_r(paradigm);
    train::Trainer(paradigm, trainer_options(8), run.path(), "").fit();
    EXPECT_GT(train_map_at_r(paradigm), before + 0.1) << to_string(supervision);
  }
}

TEST(MetricLearning, FilesMustStayInTheTrainingSplit) {
  auto examples = pattern_examples();
  const std::size_t test_item = examples->split(data::Split::Test).front();
  const std::size_t train_item = examples->split(data::Split::Train).front();
  TempDir dir;
  std::ofstream(dir / "t.csv") << "a,p,n\n"
                               << train_item << "," << train_item << "," << test_item << "\n";
  MetricLearningOptions options = small_options();
  options.supervision = MetricSupervision::TripletsFile;
  options.tuples_file = dir / "t.csv";
  EXPECT_THROW_WITH(MetricLearningParadigm(examples, options, 16, torch::kCPU), InputError, "t.csv",
                    "row 1", "not in the training split");
}

TEST(MetricLearning, ConfigErrorsNameTheKey) {
  auto config = [](const std::string& text) { return config::read_run_config(YAML::Load(text)); };
  const std::string base = "paradigm: metric\ndata: {source: notes, path: x}\n";
  EXPECT_NO_THROW(config(base + "loss: {kind: ntxent}\nminer: {kind: none}\n"));
  EXPECT_EQ(config(base).trainer.monitor, "valid.map_at_r");
  EXPECT_EQ(config(base + "loss: {kind: supcon}").metric.loss.distance.kind,
            distances::DistanceKind::Cosine);
  EXPECT_THROW_WITH(config(base + "miner: {kind: semi-hard}"), ConfigError, "miner.kind",
                    "semihard");
  EXPECT_THROW_WITH(config(base + "loss: {kind: triplet, marign: 0.1}"), ConfigError, "loss.marign",
                    "margin");
  EXPECT_THROW_WITH(config(base + "train: {batch_size: full}"), ConfigError, "batch_size",
                    "integer");
  EXPECT_THROW_WITH(config(base + "train: {batch_size: 30}\nsampler: {per_class: 4}"), ConfigError,
                    "multiple of");
  EXPECT_THROW_WITH(config(base + "supervision: {kind: triplets_file}"), ConfigError,
                    "supervision.file");
  EXPECT_THROW_WITH(config("paradigm: supervised\ndata: {source: notes, path: x}\n"
                           "miner: {kind: hard}"),
                    ConfigError, "miner");
}

}  // namespace
}  // namespace paradigms
