// `paradigms retrieval` end to end: the JSON it prints on a small case (worked by hand in
// tests/eval/test_retrieval.cpp), the reference-set mode, --repeat, and one-line errors that
// name the bad input.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <torch/torch.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "paradigms/data/npy_tensor.h"
#include "paradigms/eval/retrieval.h"
#include "cli/cli_run.h"
#include "test_util.h"

namespace paradigms::cli {
namespace {

using paradigms::testing::TempDir;

using Result = paradigms::testing::CliResult;
using paradigms::testing::run_cli;

// stdout only, or stdout and stderr together.
Result run(const std::string& arguments, bool with_stderr = true) {
  return run_cli(arguments, with_stderr);
}

// The hand-worked line of test_retrieval.cpp: x = 0 1 3 4 5, labels A A B A B.
struct SmallCase {
  TempDir dir;
  std::string embeddings = dir / "emb.npy";
  std::string labels = dir / "labels.npy";
  SmallCase() {
    data::save_npy(embeddings, torch::tensor({0.0f, 1.0f, 3.0f, 4.0f, 5.0f}).reshape({5, 1}));
    data::save_npy(labels, torch::tensor({0, 0, 1, 0, 1}, torch::kInt64));
  }
};

TEST(RetrievalCommand, PrintsTheMetricsAsJson) {
  SmallCase small;
  const Result result = run("retrieval --embeddings " + small.embeddings + " --labels " +
                                small.labels + " --no-normalize --k 1,2,3",
                            /*with_stderr=*/false);
  ASSERT_EQ(result.code, 0) << result.output;
  const nlohmann::json json = nlohmann::json::parse(result.output);
  EXPECT_NEAR(json.at("precision_at_1").get<double>(), 2.0 / 5, 1e-12);
  EXPECT_NEAR(json.at("r_precision").get<double>(), 1.0 / 5, 1e-12);
  EXPECT_NEAR(json.at("map_at_r").get<double>(), 1.0 / 5, 1e-12);
  EXPECT_NEAR(json.at("map").get<double>(), 7.0 / 12, 1e-12);
  EXPECT_NEAR(json.at("mrr").get<double>(), 19.0 / 30, 1e-12);
  EXPECT_NEAR(json.at("mr1").get<double>(), 2.0, 1e-12);
  EXPECT_NEAR(json.at("recall_at_k").at("1").get<double>(), 0.4, 1e-12);
  EXPECT_NEAR(json.at("recall_at_k").at("2").get<double>(), 0.6, 1e-12);
  EXPECT_NEAR(json.at("recall_at_k").at("3").get<double>(), 1.0, 1e-12);
  EXPECT_EQ(json.at("queries"), 5);
  EXPECT_EQ(json.at("queries_without_relevant"), 0);
  EXPECT_FALSE(json.contains("median_ms"));
}

TEST(RetrievalCommand, ReferenceSetDistanceAndRepeatMatchTheLibrary) {
  TempDir dir;
  torch::manual_seed(21);
  // float64: no near-tie can fall differently in another process with another thread count.
  const at::Tensor queries = torch::randn({20, 4}, torch::kFloat64);
  const at::Tensor query_labels = torch::randint(0, 4, {20}, torch::kInt32);
  const at::Tensor references = torch::randn({33, 4}, torch::kFloat64);
  const at::Tensor reference_labels = torch::randint(0, 4, {33}, torch::kInt64);
  data::save_npy(dir / "q.npy", queries);
  data::save_npy(dir / "ql.npy", query_labels);
  data::save_npy(dir / "r.npy", references);
  data::save_npy(dir / "rl.npy", reference_labels);
  const Result result =
      run("retrieval --embeddings " + (dir / "q.npy") + " --labels " + (dir / "ql.npy") +
              " --ref-embeddings " + (dir / "r.npy") + " --ref-labels " + (dir / "rl.npy") +
              " --distance cosine --chunk-size 3 --repeat 2 --json",
          /*with_stderr=*/false);
  ASSERT_EQ(result.code, 0) << result.output;
  // --json: one line.
  EXPECT_EQ(result.output.find('\n'), result.output.size() - 1) << result.output;
  nlohmann::json json = nlohmann::json::parse(result.output);
  EXPECT_GT(json.at("median_ms").get<double>(), 0.0);
  EXPECT_GT(json.at("peak_rss_mb").get<double>(), 1.0);
  json.erase("median_ms");
  json.erase("peak_rss_mb");
  eval::RetrievalOptions options;
  options.distance.kind = distances::DistanceKind::Cosine;
  options.chunk_size = 3;
  const nlohmann::json expected =
      eval::retrieval_metrics(queries, query_labels, references, reference_labels, options)
          .to_json();
  EXPECT_EQ(json.dump(), expected.dump());
}

TEST(RetrievalCommand, AllDistinctLabelsPrintNull) {
  TempDir dir;
  data::save_npy(dir / "e.npy", torch::randn({4, 2}));
  data::save_npy(dir / "l.npy", torch::arange(4, torch::kInt64));
  const Result result =
      run("retrieval --embeddings " + (dir / "e.npy") + " --labels " + (dir / "l.npy"),
          /*with_stderr=*/false);
  ASSERT_EQ(result.code, 0) << result.output;
  const nlohmann::json json = nlohmann::json::parse(result.output);
  EXPECT_TRUE(json.at("map_at_r").is_null());
  EXPECT_EQ(json.at("queries_without_relevant"), 4);
}

void expect_one_line_error(const Result& result, const std::vector<std::string>& fragments) {
  EXPECT_EQ(result.code, 2) << result.output;
  std::string line = result.output;
  while (!line.empty() && line.back() == '\n') line.pop_back();
  EXPECT_EQ(line.find('\n'), std::string::npos) << result.output;
  for (const std::string& fragment : fragments) {
    EXPECT_NE(result.output.find(fragment), std::string::npos)
        << "missing: " << fragment << "\noutput: " << result.output;
  }
}

TEST(RetrievalCommand, BadInputsGiveOneLineNamingTheInput) {
  SmallCase small;
  TempDir dir;
  const std::string base = "retrieval --embeddings " + small.embeddings + " --labels ";
  expect_one_line_error(
      run("retrieval --embeddings " + (dir / "missing.npy") + " --labels " + small.labels),
      {"--embeddings", "missing.npy"});
  expect_one_line_error(run(base + (dir / "missing.npy")), {"--labels", "missing.npy"});

  data::save_npy(dir / "short.npy", torch::tensor({0, 1, 0}, torch::kInt64));
  expect_one_line_error(run(base + (dir / "short.npy")),
                        {"--labels", "short.npy", "expected 5 labels", "--embeddings", "got 3"});
  data::save_npy(dir / "square.npy", torch::zeros({5, 2}, torch::kInt64));
  expect_one_line_error(run(base + (dir / "square.npy")),
                        {"--labels", "square.npy", "1-D", "[5, 2]"});
  data::save_npy(dir / "float.npy", torch::zeros({5}));
  expect_one_line_error(run(base + (dir / "float.npy")),
                        {"--labels", "float.npy", "integer labels", "Float"});
  expect_one_line_error(run(base + small.labels + " --distance manhattan"),
                        {"--distance", "manhattan", "euclidean"});
  data::save_npy(dir / "flat.npy", torch::zeros({5}));
  expect_one_line_error(
      run("retrieval --embeddings " + (dir / "flat.npy") + " --labels " + small.labels),
      {"--embeddings", "flat.npy", "2-D"});
  expect_one_line_error(run(base + small.labels + " --ref-embeddings " + small.embeddings),
                        {"--ref-embeddings", "--ref-labels"});
  expect_one_line_error(run(base + small.labels + " --chunk-size 0"), {"--chunk-size", "got 0"});
}

}  // namespace
}  // namespace paradigms::cli
