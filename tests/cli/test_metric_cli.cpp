// `paradigms mine` and `paradigms loss` end to end: the CSV and the numbers equal the
// library's, and each bad input gives one line naming it.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <torch/torch.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "paradigms/data/csv.h"
#include "paradigms/data/npy_tensor.h"
#include "paradigms/losses/metric_loss.h"
#include "paradigms/miners/miner.h"
#include "cli/cli_run.h"
#include "test_util.h"

namespace paradigms::cli {
namespace {

using paradigms::testing::TempDir;

using Result = paradigms::testing::CliResult;

Result run(const std::string& arguments) {
  return paradigms::testing::run_cli("--log-level warn " + arguments);
}

miners::LabeledEmbeddings write_inputs(const TempDir& dir) {
  torch::manual_seed(5);
  miners::LabeledEmbeddings batch;
  batch.embeddings = torch::randn({40, 8});
  batch.labels = torch::randint(4, {40}, torch::kInt64) * 11 + 3;
  data::save_npy(dir / "e.npy", batch.embeddings);
  data::save_npy(dir / "l.npy", batch.labels);
  return batch;
}

std::string inputs(const TempDir& dir) {
  return " --embeddings " + (dir / "e.npy") + " --labels " + (dir / "l.npy");
}

TEST(MetricCli, MineWritesTheSortedTripletsOfTheLibrary) {
  TempDir dir;
  const auto batch = write_inputs(dir);
  const Result r =
      run("mine" + inputs(dir) + " --strategy semihard --margin 0.3 --out " + (dir / "t.csv"));
  ASSERT_EQ(r.code, 0) << r.output;
  miners::MinerOptions miner;
  miner.kind = miners::MinerKind::SemiHard;
  miner.margin = 0.3;
  const miners::Triplets expected = miners::mine_triplets(batch, miner, {});
  EXPECT_EQ(r.output, std::to_string(expected.size()) + "\n");
  const data::CsvTable table = data::read_csv(dir / "t.csv");
  ASSERT_EQ(table.header, (std::vector<std::string>{"a", "p", "n"}));
  ASSERT_EQ(std::int64_t(table.rows.size()), expected.size());
  const at::Tensor rows = expected.as_rows();
  for (std::size_t i = 0; i < table.rows.size(); ++i)
    for (int k = 0; k < 3; ++k)
      ASSERT_EQ(std::stoll(table.rows[i][k]), rows[std::int64_t(i)][k].item<std::int64_t>());
}

TEST(MetricCli, LossPrintsTheLibraryValueAndWritesTheGradient) {
  TempDir dir;
  auto batch = write_inputs(dir);
  const Result r = run("loss" + inputs(dir) + " --loss triplet --miner batch-hard --json" +
                       " --grad-out " + (dir / "g.npy") + " --repeat 2");
  ASSERT_EQ(r.code, 0) << r.output;
  const auto out = nlohmann::json::parse(r.output);
  batch.embeddings.requires_grad_(true);
  miners::MinerOptions miner;
  miner.kind = miners::MinerKind::BatchHard;
  const losses::MetricLossResult expected =
      losses::metric_loss(batch, losses::MetricLossOptions{}, miner);
  EXPECT_NEAR(out["loss"].get<double>(), expected.loss.item<double>(), 1e-6);
  EXPECT_EQ(out["tuples"].get<std::int64_t>(), expected.tuples);
  EXPECT_GT(out["median_ms"].get<double>(), 0.0);
  EXPECT_GT(out["peak_rss_mb"].get<double>(), 0.0);
  expected.loss.backward();
  const at::Tensor grad = data::load_npy(dir / "g.npy");
  EXPECT_LT((grad - batch.embeddings.grad()).abs().max().item<double>(), 1e-6);
  const Result plain = run("loss" + inputs(dir) + " --loss ntxent --temperature 0.5");
  ASSERT_EQ(plain.code, 0) << plain.output;
  EXPECT_EQ(plain.output.rfind("loss ", 0), 0u) << plain.output;
}

TEST(MetricCli, BadInputsNameTheInput) {
  TempDir dir;
  write_inputs(dir);
  data::save_npy(dir / "float_labels.npy", torch::zeros({40}));
  data::save_npy(dir / "short.npy", torch::zeros({39}, torch::kInt64));
  data::save_npy(dir / "empty.npy", torch::zeros({0, 8}));
  const std::string out = " --out " + (dir / "t.csv");
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"mine --embeddings " + (dir / "none.npy") + " --labels " + (dir / "l.npy") +
           " --strategy all" + out,
       {"--embeddings", "none.npy", "no such file"}},
      {"mine --embeddings " + (dir / "e.npy") + " --labels " + (dir / "float_labels.npy") +
           " --strategy all" + out,
       {"--labels", "integer labels", "float"}},
      {"mine --embeddings " + (dir / "e.npy") + " --labels " + (dir / "short.npy") +
           " --strategy all" + out,
       {"--labels", "expected 40 labels", "[39]"}},
      {"mine --embeddings " + (dir / "l.npy") + " --labels " + (dir / "l.npy") + " --strategy all" +
           out,
       {"--embeddings", "float32 or float64"}},
      {"mine" + inputs(dir) + " --strategy semi" + out, {"'semi'", "semihard"}},
      {"mine" + inputs(dir) + " --strategy pair" + out, {"--strategy", "triplet miner"}},
      {"loss" + inputs(dir) + " --loss infonce", {"'infonce'", "ntxent"}},
      {"loss" + inputs(dir) + " --distance l1", {"'l1'", "squared_euclidean"}},
      {"loss" + inputs(dir) + " --loss ntxent --temperature -2", {"--temperature", "got -2"}},
      {"loss" + inputs(dir) + " --loss ntxent --temperature -1", {"--temperature", "got -1"}},
      {"loss" + inputs(dir) + " --loss ntxent --temperature nan", {"--temperature", "got nan"}},
      {"loss" + inputs(dir) + " --margin -0.5", {"--margin", ">= 0", "got -0.5"}},
      {"loss" + inputs(dir) + " --miner semi-hard", {"--miner:", "'semi-hard'", "semihard"}},
      {"mine" + inputs(dir) + " --strategy semi-hard" + out, {"--strategy:", "'semi-hard'"}},
      {"mine" + inputs(dir) + " --strategy all --max-per-anchor -3" + out,
       {"--max-per-anchor", "got -3"}},
      {"mine" + inputs(dir) + " --strategy semihard --margin -1" + out, {"--margin", "got -1"}},
      {"mine" + inputs(dir) + " --strategy all --items " + (dir / "short.npy") + out,
       {"--items", "expected 40 item indices"}},
      {"mine --embeddings " + (dir / "empty.npy") + " --labels " + (dir / "short.npy") +
           " --strategy all" + out,
       {"--embeddings", "at least one row", "[0, 8]"}},
      {"mine" + inputs(dir) + out, {"--strategy", "required", "--help"}},
      {"mine" + inputs(dir) + " --strategy none" + out, {"--strategy 'none'", "semihard"}},
      {"mine" + inputs(dir) + " --strategy all --out " + dir.path().string(),
       {"--out", "a folder"}},
      {"loss" + inputs(dir) + " --loss ntxent --soft-plus", {"--soft-plus", "does not apply"}},
      {"loss" + inputs(dir) + " --temperature 0.5", {"--temperature", "--loss triplet"}},
      {"loss" + inputs(dir) + " --loss ntxent --margin 0.3", {"--margin", "does not apply"}},
      {"--device tpu loss" + inputs(dir), {"tpu"}},
      {"--device cuda retrieval" + inputs(dir), {"cuda"}},
      {"retrieval --embeddings " + (dir / "empty.npy") + " --labels " + (dir / "short.npy"),
       {"--embeddings", "at least one row"}},
      {"loss" + inputs(dir) + " --repeat many", {"--repeat", "many", "--help"}},
  };
  for (const auto& [arguments, fragments] : cases) {
    const Result r = run(arguments);
    EXPECT_EQ(r.code, 2) << arguments << "\n" << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    EXPECT_EQ(r.output.rfind("[E] ", 0), 0u) << r.output;
    for (const auto& fragment : fragments)
      EXPECT_NE(r.output.find(fragment), std::string::npos) << r.output << "\nmissing " << fragment;
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "t.csv"));
}

TEST(MetricCli, MineCreatesTheFolderOfItsOutput) {
  TempDir dir;
  write_inputs(dir);
  const Result r = run("mine" + inputs(dir) + " --strategy batch-hard --out " +
                       (dir / "new/folder/t.csv"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(data::read_csv(dir / "new/folder/t.csv").rows.size(), 40u);
}

}  // namespace
}  // namespace paradigms::cli
