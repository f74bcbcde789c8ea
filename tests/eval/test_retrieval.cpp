// Retrieval metrics against a brute-force reference (every row fully sorted with
// std::stable_sort), a hand-worked case, ties, edge cases, error paths and the values
// pytorch-metric-learning 2.8.1 computes on the fixtures of tests/reference/data/metric-cases.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>
#include <vector>

#include "paradigms/core/error.h"
#include "paradigms/data/npy_tensor.h"
#include "paradigms/eval/retrieval.h"
#include "test_util.h"

namespace paradigms::eval {
namespace {

using distances::DistanceKind;
using paradigms::testing::reference;

constexpr DistanceKind kAllKinds[] = {DistanceKind::Euclidean, DistanceKind::SquaredEuclidean,
                                      DistanceKind::Cosine, DistanceKind::Dot};

// ---------------------------------------------------------------------------------------------
// Brute force: distances in double with plain loops, each query's row sorted in full.

using Matrix = std::vector<std::vector<double>>;

Matrix to_matrix(const at::Tensor& tensor) {
  const at::Tensor cpu = tensor.to(torch::kFloat64).contiguous();
  Matrix rows(static_cast<std::size_t>(cpu.size(0)));
  for (std::int64_t i = 0; i < cpu.size(0); ++i) {
    const double* row = cpu[i].data_ptr<double>();
    rows[static_cast<std::size_t>(i)].assign(row, row + cpu.size(1));
  }
  return rows;
}

std::vector<std::int64_t> to_labels(const at::Tensor& labels) {
  const at::Tensor cpu = labels.to(torch::kInt64).contiguous();
  return {cpu.data_ptr<std::int64_t>(), cpu.data_ptr<std::int64_t>() + cpu.numel()};
}

double norm(const std::vector<double>& x) {
  double sum = 0.0;
  for (const double v : x) sum += v * v;
  return std::sqrt(sum);
}

Matrix normalized(Matrix rows) {
  for (auto& row : rows) {
    const double scale = std::max(norm(row), distances::kNormalizeEps);
    for (double& v : row) v /= scale;
  }
  return rows;
}

// Smaller is closer: similarities are negated.
double closeness(const std::vector<double>& x, const std::vector<double>& y, DistanceKind kind) {
  double dot = 0.0, squared = 0.0;
  for (std::size_t d = 0; d < x.size(); ++d) {
    dot += x[d] * y[d];
    squared += (x[d] - y[d]) * (x[d] - y[d]);
  }
  switch (kind) {
    case DistanceKind::Euclidean: return std::sqrt(squared);
    case DistanceKind::SquaredEuclidean: return squared;
    case DistanceKind::Cosine:
      return -dot / (std::max(norm(x), distances::kNormalizeEps) *
                     std::max(norm(y), distances::kNormalizeEps));
    case DistanceKind::Dot: return -dot;
  }
  return 0.0;
}

RetrievalReport brute_force(Matrix queries, const std::vector<std::int64_t>& query_labels,
                            Matrix references, const std::vector<std::int64_t>& reference_labels,
                            bool leave_one_out, const RetrievalOptions& options) {
  if (options.distance.normalize) {
    queries = normalized(queries);
    references = normalized(references);
  }
  RetrievalReport report;
  double p1 = 0, rp = 0, map_at_r = 0, map = 0, mrr = 0, mr1 = 0;
  std::vector<double> recall(options.recall_ks.size(), 0.0);
  for (std::size_t q = 0; q < queries.size(); ++q) {
    std::vector<std::size_t> order;
    std::vector<double> value(references.size());
    for (std::size_t j = 0; j < references.size(); ++j) {
      value[j] = closeness(queries[q], references[j], options.distance.kind);
      if (!(leave_one_out && j == q)) order.push_back(j);
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return value[a] < value[b]; });
    std::vector<bool> relevant(order.size());
    std::size_t r = 0;
    for (std::size_t i = 0; i < order.size(); ++i) {
      relevant[i] = reference_labels[order[i]] == query_labels[q];
      r += relevant[i] ? 1 : 0;
    }
    if (r == 0) {
      ++report.queries_without_relevant;
      continue;
    }
    ++report.queries;
    std::size_t found = 0, first = 0, in_top_r = 0;
    double ap = 0.0, ap_at_r = 0.0;
    for (std::size_t i = 0; i < order.size(); ++i) {
      if (!relevant[i]) continue;
      ++found;
      const double precision = double(found) / double(i + 1);
      if (first == 0) first = i + 1;
      ap += precision;
      if (i < r) {
        ++in_top_r;
        ap_at_r += precision;
      }
    }
    p1 += first == 1 ? 1.0 : 0.0;
    rp += double(in_top_r) / double(r);
    map_at_r += ap_at_r / double(r);
    map += ap / double(r);
    mrr += 1.0 / double(first);
    mr1 += double(first);
    for (std::size_t k = 0; k < recall.size(); ++k) {
      recall[k] += std::int64_t(first) <= options.recall_ks[k] ? 1.0 : 0.0;
    }
  }
  const double n = double(report.queries);
  const auto mean = [&](double sum) { return report.queries ? sum / n : RetrievalReport::kNaN; };
  report.precision_at_1 = mean(p1);
  report.r_precision = mean(rp);
  report.map_at_r = mean(map_at_r);
  report.map = mean(map);
  report.mrr = mean(mrr);
  report.mr1 = mean(mr1);
  for (std::size_t k = 0; k < recall.size(); ++k) {
    report.recall_at_k[options.recall_ks[k]] = mean(recall[k]);
  }
  return report;
}

RetrievalReport brute_force(const at::Tensor& embeddings, const at::Tensor& labels,
                            const RetrievalOptions& options) {
  return brute_force(to_matrix(embeddings), to_labels(labels), to_matrix(embeddings),
                     to_labels(labels), true, options);
}

RetrievalReport brute_force(const at::Tensor& queries, const at::Tensor& query_labels,
                            const at::Tensor& references, const at::Tensor& reference_labels,
                            const RetrievalOptions& options) {
  return brute_force(to_matrix(queries), to_labels(query_labels), to_matrix(references),
                     to_labels(reference_labels), false, options);
}

void expect_same(double actual, double expected, double tolerance, const char* name) {
  if (std::isnan(expected)) {
    EXPECT_TRUE(std::isnan(actual)) << name << " = " << actual << " (expected NaN)";
  } else {
    EXPECT_NEAR(actual, expected, tolerance) << name;
  }
}

void expect_report_near(const RetrievalReport& actual, const RetrievalReport& expected,
                        double tolerance = 1e-12) {
  expect_same(actual.precision_at_1, expected.precision_at_1, tolerance, "precision_at_1");
  expect_same(actual.r_precision, expected.r_precision, tolerance, "r_precision");
  expect_same(actual.map_at_r, expected.map_at_r, tolerance, "map_at_r");
  expect_same(actual.map, expected.map, tolerance, "map");
  expect_same(actual.mrr, expected.mrr, tolerance, "mrr");
  expect_same(actual.mr1, expected.mr1, tolerance, "mr1");
  ASSERT_EQ(actual.recall_at_k.size(), expected.recall_at_k.size());
  for (const auto& [k, value] : expected.recall_at_k) {
    ASSERT_EQ(actual.recall_at_k.count(k), 1u) << "k = " << k;
    expect_same(actual.recall_at_k.at(k), value, tolerance, "recall_at_k");
  }
  EXPECT_EQ(actual.queries, expected.queries);
  EXPECT_EQ(actual.queries_without_relevant, expected.queries_without_relevant);
}

// Bit-for-bit equality (NaN equal to NaN).
void expect_report_identical(const RetrievalReport& a, const RetrievalReport& b) {
  EXPECT_EQ(a.to_json().dump(), b.to_json().dump());
  EXPECT_EQ(a.mr1, b.mr1);
}

RetrievalOptions options_for(DistanceKind kind, bool normalize = true) {
  RetrievalOptions options;
  options.distance.kind = kind;
  options.distance.normalize = normalize;
  return options;
}

// ---------------------------------------------------------------------------------------------
// Hand-worked

// Five points on a line, labels A A B A B, euclidean without normalisation (leave-one-out):
//   x = 0(A) 1(A) 3(B) 4(A) 5(B), items 0..4.
//   q0 A: order 1A 2B 3A 4B          relevant ranks 1,3   P@1 1 Rp 1/2 MAP@R 1/2 AP 5/6  RR 1
//   q1 A: order 0A 2B 3A 4B          relevant ranks 1,3   P@1 1 Rp 1/2 MAP@R 1/2 AP 5/6  RR 1
//   q2 B: d 3:1 1:2 4:2 0:3, the tie 1,4 goes to index 1: order 3A 1A 4B 0A
//                                    relevant rank 3      P@1 0 Rp 0   MAP@R 0   AP 1/3  RR 1/3
//   q3 A: d 2:1 4:1 1:3 0:4          relevant ranks 3,4   P@1 0 Rp 0   MAP@R 0   AP 5/12 RR 1/3
//   q4 B: order 3A 2B 1A 0A          relevant rank 2      P@1 0 Rp 0   MAP@R 0   AP 1/2  RR 1/2
// Means: P@1 2/5, Rp 1/5, MAP@R 1/5, mAP (10+10+4+5+6)/12/5 = 7/12, MRR (19/6)/5 = 19/30,
// MR1 (1+1+3+3+2)/5 = 2, recall@1 2/5, recall@2 3/5 (q0, q1, q4), recall@3 1.
TEST(RetrievalMetrics, HandWorkedLineWithATie) {
  const at::Tensor embeddings = torch::tensor({0.0f, 1.0f, 3.0f, 4.0f, 5.0f}).reshape({5, 1});
  const at::Tensor labels = torch::tensor({0, 0, 1, 0, 1}, torch::kInt64);
  RetrievalOptions options = options_for(DistanceKind::Euclidean, /*normalize=*/false);
  options.recall_ks = {1, 2, 3};
  const RetrievalReport report = retrieval_metrics(embeddings, labels, options);
  EXPECT_NEAR(report.precision_at_1, 2.0 / 5, 1e-12);
  EXPECT_NEAR(report.r_precision, 1.0 / 5, 1e-12);
  EXPECT_NEAR(report.map_at_r, 1.0 / 5, 1e-12);
  EXPECT_NEAR(report.map, 7.0 / 12, 1e-12);
  EXPECT_NEAR(report.mrr, 19.0 / 30, 1e-12);
  EXPECT_NEAR(report.mr1, 2.0, 1e-12);
  EXPECT_NEAR(report.recall_at_k.at(1), 2.0 / 5, 1e-12);
  EXPECT_NEAR(report.recall_at_k.at(2), 3.0 / 5, 1e-12);
  EXPECT_NEAR(report.recall_at_k.at(3), 1.0, 1e-12);
  EXPECT_EQ(report.queries, 5);
  EXPECT_EQ(report.queries_without_relevant, 0);
  expect_report_near(report, brute_force(embeddings, labels, options));
}

// ---------------------------------------------------------------------------------------------
// Random cases against the brute force

TEST(RetrievalMetrics, RandomLeaveOneOutMatchesBruteForceForEveryDistance) {
  torch::manual_seed(11);
  const at::Tensor embeddings = torch::randn({97, 6}, torch::kFloat64);
  const at::Tensor labels = torch::randint(0, 7, {97}, torch::kInt64);
  for (const DistanceKind kind : kAllKinds) {
    for (const bool normalize : {true, false}) {
      SCOPED_TRACE(std::string(distances::to_string(kind)) + (normalize ? " normalized" : ""));
      RetrievalOptions options = options_for(kind, normalize);
      options.recall_ks = {1, 3, 10, 500};
      expect_report_near(retrieval_metrics(embeddings, labels, options),
                         brute_force(embeddings, labels, options));
    }
  }
}

TEST(RetrievalMetrics, RandomQueriesAgainstReferencesMatchBruteForceForEveryDistance) {
  torch::manual_seed(12);
  const at::Tensor queries = torch::randn({41, 5}, torch::kFloat64);
  const at::Tensor query_labels = torch::randint(0, 6, {41}, torch::kInt32);
  const at::Tensor references = torch::randn({73, 5}, torch::kFloat64);
  // Label 5 is missing from the references: those queries are left out.
  const at::Tensor reference_labels = torch::randint(0, 5, {73}, torch::kInt64);
  for (const DistanceKind kind : kAllKinds) {
    for (const bool normalize : {true, false}) {
      SCOPED_TRACE(std::string(distances::to_string(kind)) + (normalize ? " normalized" : ""));
      const RetrievalOptions options = options_for(kind, normalize);
      const RetrievalReport report =
          retrieval_metrics(queries, query_labels, references, reference_labels, options);
      expect_report_near(report,
                         brute_force(queries, query_labels, references, reference_labels, options));
      EXPECT_GT(report.queries_without_relevant, 0);
    }
  }
}

TEST(RetrievalMetrics, ReferenceModeExcludesNothing) {
  // The same set as queries and references: each query finds itself first.
  torch::manual_seed(13);
  const at::Tensor embeddings = torch::randn({30, 4}, torch::kFloat64);
  const at::Tensor labels = torch::randint(0, 3, {30}, torch::kInt64);
  const RetrievalReport report = retrieval_metrics(embeddings, labels, embeddings, labels);
  EXPECT_DOUBLE_EQ(report.precision_at_1, 1.0);
  EXPECT_DOUBLE_EQ(report.mr1, 1.0);
  expect_report_near(report, brute_force(embeddings, labels, embeddings, labels, {}));
}

TEST(RetrievalMetrics, ChunkSizeDoesNotChangeTheResults) {
  // float64, so that BLAS summing a block of one row in another order than a block of 150
  // cannot swap two near-equal distances.
  torch::manual_seed(14);
  const at::Tensor embeddings = torch::randn({150, 8}, torch::kFloat64);
  const at::Tensor labels = torch::randint(0, 9, {150}, torch::kInt64);
  const at::Tensor references = torch::randn({64, 8}, torch::kFloat64);
  const at::Tensor reference_labels = torch::randint(0, 9, {64}, torch::kInt64);
  for (const DistanceKind kind : kAllKinds) {
    RetrievalOptions options = options_for(kind);
    options.chunk_size = 1024;
    const RetrievalReport whole = retrieval_metrics(embeddings, labels, options);
    const RetrievalReport whole_ref =
        retrieval_metrics(embeddings, labels, references, reference_labels, options);
    for (const std::int64_t chunk : {1, 7}) {
      SCOPED_TRACE(std::string(distances::to_string(kind)) + " chunk " + std::to_string(chunk));
      options.chunk_size = chunk;
      expect_report_identical(retrieval_metrics(embeddings, labels, options), whole);
      expect_report_identical(
          retrieval_metrics(embeddings, labels, references, reference_labels, options), whole_ref);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Ties, classes of one, labels

// Points on a 3x3x3 integer grid with many duplicates: without normalisation every distance is
// an exact small integer (or its square root), so equal distances are exactly equal and the
// tie order decides the ranks.
TEST(RetrievalMetrics, TiesAreBrokenByAscendingReferenceIndex) {
  torch::manual_seed(15);
  for (const auto dtype : {torch::kFloat32, torch::kFloat64}) {
    const at::Tensor embeddings = torch::randint(0, 3, {60, 3}).to(dtype);
    const at::Tensor labels = torch::randint(0, 4, {60}, torch::kInt64);
    const at::Tensor references = torch::randint(0, 3, {45, 3}).to(dtype);
    const at::Tensor reference_labels = torch::randint(0, 4, {45}, torch::kInt64);
    for (const DistanceKind kind :
         {DistanceKind::Euclidean, DistanceKind::SquaredEuclidean, DistanceKind::Dot}) {
      SCOPED_TRACE(std::string(distances::to_string(kind)) + " " + c10::toString(dtype));
      RetrievalOptions options = options_for(kind, /*normalize=*/false);
      options.recall_ks = {1, 2, 5};
      expect_report_near(retrieval_metrics(embeddings, labels, options),
                         brute_force(embeddings, labels, options));
      expect_report_near(
          retrieval_metrics(embeddings, labels, references, reference_labels, options),
          brute_force(embeddings, labels, references, reference_labels, options));
      options.chunk_size = 7;
      expect_report_near(retrieval_metrics(embeddings, labels, options),
                         brute_force(embeddings, labels, options));
    }
  }
}

TEST(RetrievalMetrics, AllPointsEqualRankByIndex) {
  // Every distance ties: query 0's ranking is 1, 2, 3, 4; relevant {2, 4} at ranks 2 and 4.
  const at::Tensor embeddings = torch::ones({5, 2});
  const at::Tensor labels = torch::tensor({0, 1, 0, 1, 0}, torch::kInt64);
  RetrievalOptions options;
  options.recall_ks = {1};
  const RetrievalReport report = retrieval_metrics(embeddings, labels, options);
  expect_report_near(report, brute_force(embeddings, labels, options));
  // q0: ranks 2,4 (AP 1/2); q1: 3 at rank 3 (AP 1/3); q2: 0,4 at ranks 1,4 (AP 3/4);
  // q3: 1 at rank 2 (AP 1/2); q4: 0,2 at ranks 1,3 (AP 5/6).
  EXPECT_NEAR(report.map, (0.5 + 1.0 / 3 + 0.75 + 0.5 + 5.0 / 6) / 5, 1e-12);
  EXPECT_NEAR(report.precision_at_1, 2.0 / 5, 1e-12);
}

// Unnormalised dot products beyond the float64 range: infinite similarities tie with each
// other (by index), and the bucket placement has no finite range to divide.
TEST(RetrievalMetrics, InfiniteSimilaritiesTieAndRankByIndex) {
  const at::Tensor embeddings =
      torch::tensor({1e200, 2e200, -1e200, 1.0, 3.0, -2e200, 0.5, 1e200, -3.0}, torch::kFloat64)
          .reshape({9, 1});
  const at::Tensor labels = torch::tensor({0, 1, 0, 1, 0, 1, 0, 1, 1}, torch::kInt64);
  RetrievalOptions options = options_for(DistanceKind::Dot, /*normalize=*/false);
  options.recall_ks = {1, 2, 4};
  for (const std::int64_t chunk : {1, 4, 1024}) {
    options.chunk_size = chunk;
    expect_report_near(retrieval_metrics(embeddings, labels, options),
                       brute_force(embeddings, labels, options));
    expect_report_near(
        retrieval_metrics(embeddings, labels, embeddings.flip(0), labels.flip(0), options),
        brute_force(embeddings, labels, embeddings.flip(0), labels.flip(0), options));
  }
}

TEST(RetrievalMetrics, ClassesOfOneAreLeftOutAndCounted) {
  torch::manual_seed(16);
  const at::Tensor embeddings = torch::randn({8, 3}, torch::kFloat64);
  const at::Tensor labels = torch::tensor({0, 0, 1, 2, 2, 3, 2, 4}, torch::kInt64);
  const RetrievalReport report = retrieval_metrics(embeddings, labels);
  EXPECT_EQ(report.queries, 5);
  EXPECT_EQ(report.queries_without_relevant, 3);
  expect_report_near(report, brute_force(embeddings, labels, {}));
}

TEST(RetrievalMetrics, NonContiguousLabelsEqualTheirDenseRenaming) {
  torch::manual_seed(17);
  const at::Tensor embeddings = torch::randn({40, 4}, torch::kFloat64);
  const at::Tensor dense = torch::randint(0, 3, {40}, torch::kInt64);
  const at::Tensor sparse = torch::where(
      dense == 0, torch::full_like(dense, 7),
      torch::where(dense == 1, torch::full_like(dense, 1000003), torch::full_like(dense, -5)));
  const RetrievalReport report = retrieval_metrics(embeddings, sparse);
  expect_report_identical(report, retrieval_metrics(embeddings, dense));
  expect_report_near(report, brute_force(embeddings, sparse, {}));
}

TEST(RetrievalMetrics, AllDistinctLabelsGiveNaNAndNullInJson) {
  const at::Tensor embeddings = torch::randn({6, 3});
  const at::Tensor labels = torch::arange(6, torch::kInt64);
  const RetrievalReport report = retrieval_metrics(embeddings, labels);
  EXPECT_EQ(report.queries, 0);
  EXPECT_EQ(report.queries_without_relevant, 6);
  EXPECT_TRUE(std::isnan(report.precision_at_1));
  EXPECT_TRUE(std::isnan(report.mr1));
  const nlohmann::json json = report.to_json();
  for (const char* key : {"precision_at_1", "r_precision", "map_at_r", "map", "mrr", "mr1"}) {
    EXPECT_TRUE(json.at(key).is_null()) << key;
  }
  EXPECT_TRUE(json.at("recall_at_k").at("5").is_null());
  EXPECT_EQ(json.at("queries"), 0);
  EXPECT_EQ(json.at("queries_without_relevant"), 6);
}

TEST(RetrievalMetrics, JsonHasTheDocumentedKeys) {
  const at::Tensor embeddings = torch::tensor({0.0f, 1.0f, 3.0f, 4.0f, 5.0f}).reshape({5, 1});
  const at::Tensor labels = torch::tensor({0, 0, 1, 0, 1}, torch::kInt64);
  const nlohmann::json json =
      retrieval_metrics(embeddings, labels, options_for(DistanceKind::Euclidean, false)).to_json();
  std::vector<std::string> keys;
  for (const auto& item : json.items()) keys.push_back(item.key());
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys,
            (std::vector<std::string>{"map", "map_at_r", "mr1", "mrr", "precision_at_1", "queries",
                                      "queries_without_relevant", "r_precision", "recall_at_k"}));
  EXPECT_NEAR(json.at("map").get<double>(), 7.0 / 12, 1e-12);
  EXPECT_EQ(json.at("recall_at_k").size(), 3u);
  EXPECT_NEAR(json.at("recall_at_k").at("1").get<double>(), 0.4, 1e-12);
  EXPECT_NEAR(json.at("recall_at_k").at("5").get<double>(), 1.0, 1e-12);
}

// ---------------------------------------------------------------------------------------------
// pytorch-metric-learning 2.8.1 fixtures (AccuracyCalculator, euclidean on normalised rows,
// ties by ascending reference index: the `stable_tie_order` values)

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

void expect_matches_pml(const RetrievalReport& report, const nlohmann::json& accuracy) {
  const nlohmann::json& expected = accuracy.at("stable_tie_order");
  EXPECT_NEAR(report.precision_at_1, expected.at("precision_at_1").get<double>(), 1e-6);
  EXPECT_NEAR(report.r_precision, expected.at("r_precision").get<double>(), 1e-6);
  EXPECT_NEAR(report.map_at_r, expected.at("mean_average_precision_at_r").get<double>(), 1e-6);
  EXPECT_NEAR(report.map, expected.at("mean_average_precision").get<double>(), 1e-6);
  EXPECT_NEAR(report.mrr, expected.at("mean_reciprocal_rank").get<double>(), 1e-6);
}

TEST(RetrievalMetrics, MatchesPytorchMetricLearningLeaveOneOut) {
  for (const std::string name :
       {"c04_tiny_hand", "c08_singletons_mixed", "c10_rand128_d16_c8", "c12_with_ref"}) {
    SCOPED_TRACE(name);
    const std::string dir = reference("metric-cases/" + name + "/");
    const at::Tensor embeddings = data::load_npy(dir + "emb.npy");
    const at::Tensor labels = data::load_npy(dir + "labels.npy");
    const RetrievalReport report = retrieval_metrics(embeddings, labels);
    expect_matches_pml(report, read_json(dir + "results.json").at("self").at("accuracy"));
    expect_report_near(report, brute_force(embeddings, labels, {}), 1e-6);
  }
}

TEST(RetrievalMetrics, MatchesPytorchMetricLearningAgainstReferences) {
  const std::string dir = reference("metric-cases/c12_with_ref/");
  const at::Tensor queries = data::load_npy(dir + "emb.npy");
  const at::Tensor query_labels = data::load_npy(dir + "labels.npy");
  const at::Tensor references = data::load_npy(dir + "ref_emb.npy");
  const at::Tensor reference_labels = data::load_npy(dir + "ref_labels.npy");
  const RetrievalReport report =
      retrieval_metrics(queries, query_labels, references, reference_labels);
  expect_matches_pml(report, read_json(dir + "results.json").at("ref").at("accuracy"));
  expect_report_near(report, brute_force(queries, query_labels, references, reference_labels, {}),
                     1e-6);
}

// ---------------------------------------------------------------------------------------------
// Errors

TEST(RetrievalMetrics, RejectsBadInputsNamingTheArgument) {
  const at::Tensor embeddings = torch::randn({4, 3});
  const at::Tensor labels = torch::tensor({0, 0, 1, 1}, torch::kInt64);
  EXPECT_THROW_WITH(retrieval_metrics(torch::randn({4}), labels), InputError, "retrieval_metrics",
                    "embeddings", "[N, D]", "[4]");
  EXPECT_THROW_WITH(retrieval_metrics(torch::ones({4, 3}, torch::kInt64), labels), InputError,
                    "embeddings", "float32 or float64", "Long");
  at::Tensor with_nan = embeddings.clone();
  with_nan[2][1] = std::nan("");
  EXPECT_THROW_WITH(retrieval_metrics(with_nan, labels), InputError, "embeddings", "finite");
  at::Tensor with_inf = embeddings.clone();
  with_inf[0][0] = INFINITY;
  EXPECT_THROW_WITH(retrieval_metrics(with_inf, labels), InputError, "embeddings", "finite");
  EXPECT_THROW_WITH(retrieval_metrics(embeddings, torch::tensor({0, 1, 1}, torch::kInt64)),
                    InputError, "labels", "4 entries", "got 3");
  EXPECT_THROW_WITH(retrieval_metrics(embeddings, labels.reshape({2, 2})), InputError, "labels",
                    "[N]", "[2, 2]");
  EXPECT_THROW_WITH(retrieval_metrics(embeddings, labels.to(torch::kFloat32)), InputError, "labels",
                    "integers");

  const at::Tensor references = torch::randn({5, 3});
  const at::Tensor reference_labels = torch::tensor({0, 1, 0, 1, 2}, torch::kInt64);
  EXPECT_THROW_WITH(retrieval_metrics(embeddings, labels, torch::randn({5, 2}), reference_labels),
                    InputError, "queries and references", "width", "[4, 3]", "[5, 2]");
  EXPECT_THROW_WITH(
      retrieval_metrics(embeddings, labels, references.to(torch::kFloat64), reference_labels),
      InputError, "same dtype");
  EXPECT_THROW_WITH(retrieval_metrics(embeddings, labels, references, labels), InputError,
                    "reference_labels", "5 entries", "got 4");
  EXPECT_THROW_WITH(
      retrieval_metrics(embeddings, labels.narrow(0, 0, 3), references, reference_labels),
      InputError, "query_labels", "4 entries", "got 3");

  RetrievalOptions options;
  options.chunk_size = 0;
  EXPECT_THROW_WITH(retrieval_metrics(embeddings, labels, options), InputError, "chunk_size",
                    "got 0");
  options = {};
  options.recall_ks = {1, 0};
  EXPECT_THROW_WITH(retrieval_metrics(embeddings, labels, options), InputError, "recall_ks",
                    "got 0");
}

}  // namespace
}  // namespace paradigms::eval
