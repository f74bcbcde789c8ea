// Evaluation metrics against scikit-learn (inputs and values printed by
// tests/reference/metrics_reference.py), hand-worked cases, brute-force loops and error paths.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "paradigms/core/error.h"
#include "paradigms/core/files.h"
#include "paradigms/eval/classification_metrics.h"
#include "paradigms/eval/multilabel_metrics.h"
#include "paradigms/eval/regression_metrics.h"
#include "test_util.h"

namespace paradigms::eval {
namespace {

using paradigms::testing::TempDir;

constexpr double kTolerance = 1e-9;

at::Tensor int64s(const std::vector<std::int64_t>& values) {
  return torch::tensor(values, torch::kInt64);
}

at::Tensor doubles(const std::vector<double>& values) {
  return torch::tensor(values, torch::kFloat64);
}

// ---------------------------------------------------------------------------------------------
// Classification

// K = 6: class 3 is never predicted, class 4 is never true, class 5 is in neither.
const std::vector<std::int64_t> kSklearnPredictions = {1, 4, 2, 2, 2, 2, 2, 4, 0, 1, 1, 0, 2, 2, 2,
                                                       2, 2, 2, 2, 2, 1, 0, 2, 4, 2, 2, 1, 2, 1, 2};
const std::vector<std::int64_t> kSklearnTargets = {1, 0, 2, 3, 1, 2, 3, 3, 0, 1, 3, 0, 3, 3, 0,
                                                   2, 0, 3, 1, 2, 1, 0, 3, 2, 3, 2, 3, 3, 1, 1};
constexpr std::int64_t kSklearnClasses = 6;

TEST(ClassificationMetrics, MatchesSklearn) {
  const ClassificationReport report =
      classification_metrics(int64s(kSklearnPredictions), int64s(kSklearnTargets), kSklearnClasses);
  EXPECT_NEAR(report.accuracy, 0.4, kTolerance);
  EXPECT_NEAR(report.balanced_accuracy, 0.47619047619047616, kTolerance);
  EXPECT_NEAR(report.macro_precision, 0.38888888888888884, kTolerance);
  EXPECT_NEAR(report.macro_recall, 0.38095238095238093, kTolerance);
  EXPECT_NEAR(report.macro_f1, 0.33974358974358976, kTolerance);

  // sklearn's confusion_matrix(y_true, y_pred, labels=range(6)).
  const at::Tensor expected = int64s({3, 0, 2, 0, 1, 0,  //
                                      0, 4, 3, 0, 0, 0,  //
                                      0, 0, 5, 0, 1, 0,  //
                                      0, 2, 8, 0, 1, 0,  //
                                      0, 0, 0, 0, 0, 0,  //
                                      0, 0, 0, 0, 0, 0})
                                  .reshape({6, 6});
  EXPECT_EQ(report.confusion_matrix.scalar_type(), torch::kInt64);
  EXPECT_TRUE(torch::equal(report.confusion_matrix, expected));
}

TEST(ClassificationMetrics, ClassesInNeitherInputDoNotCount) {
  // The same data with 4 more classes nobody uses: sklearn's labels are unchanged.
  const ClassificationReport six =
      classification_metrics(int64s(kSklearnPredictions), int64s(kSklearnTargets), 6);
  const ClassificationReport ten =
      classification_metrics(int64s(kSklearnPredictions), int64s(kSklearnTargets), 10);
  EXPECT_EQ(ten.confusion_matrix.sizes(), (std::vector<std::int64_t>{10, 10}));
  EXPECT_DOUBLE_EQ(ten.balanced_accuracy, six.balanced_accuracy);
  EXPECT_DOUBLE_EQ(ten.macro_precision, six.macro_precision);
  EXPECT_DOUBLE_EQ(ten.macro_recall, six.macro_recall);
  EXPECT_DOUBLE_EQ(ten.macro_f1, six.macro_f1);
}

TEST(ClassificationMetrics, PerfectClassifier) {
  const at::Tensor labels = int64s({0, 1, 2, 1, 2, 2});
  const ClassificationReport report = classification_metrics(labels, labels, 3);
  EXPECT_DOUBLE_EQ(report.accuracy, 1.0);
  EXPECT_DOUBLE_EQ(report.balanced_accuracy, 1.0);
  EXPECT_DOUBLE_EQ(report.macro_precision, 1.0);
  EXPECT_DOUBLE_EQ(report.macro_recall, 1.0);
  EXPECT_DOUBLE_EQ(report.macro_f1, 1.0);
  EXPECT_TRUE(torch::equal(report.confusion_matrix, torch::diag(int64s({1, 2, 3}))));
}

TEST(ClassificationMetrics, HandWorkedTwoByTwo) {
  // targets     0 0 0 1 1        C = [[2, 1],   rows true, columns predicted
  // predictions 0 0 1 1 1             [0, 2]]
  // accuracy = 4/5.
  // class 0: tp 2, fp 0, fn 1: P = 1,   R = 2/3, F1 = 4 / (4 + 0 + 1) = 4/5
  // class 1: tp 2, fp 1, fn 0: P = 2/3, R = 1,   F1 = 4 / (4 + 1 + 0) = 4/5
  // macro P = macro R = balanced accuracy = 5/6, macro F1 = 4/5.
  const ClassificationReport report =
      classification_metrics(int64s({0, 0, 1, 1, 1}), int64s({0, 0, 0, 1, 1}), 2);
  EXPECT_TRUE(torch::equal(report.confusion_matrix, int64s({2, 1, 0, 2}).reshape({2, 2})));
  EXPECT_NEAR(report.accuracy, 4.0 / 5.0, 1e-15);
  EXPECT_NEAR(report.macro_precision, 5.0 / 6.0, 1e-15);
  EXPECT_NEAR(report.macro_recall, 5.0 / 6.0, 1e-15);
  EXPECT_NEAR(report.balanced_accuracy, 5.0 / 6.0, 1e-15);
  EXPECT_NEAR(report.macro_f1, 4.0 / 5.0, 1e-15);
}

TEST(ClassificationMetrics, ClassOnlyPredictedCountsAsZeroInMacroButNotInBalanced) {
  // targets {0, 0}, predictions {0, 1}: class 0 P = 1, R = 1/2, F1 = 2/3; class 1 is never true:
  // tp 0, fp 1, so P = 0, R = 0/0 -> 0 (zero_division), F1 = 0. Balanced accuracy averages the
  // recall of class 0 only.
  const ClassificationReport report = classification_metrics(int64s({0, 1}), int64s({0, 0}), 2);
  EXPECT_NEAR(report.accuracy, 0.5, 1e-15);
  EXPECT_NEAR(report.macro_precision, 0.5, 1e-15);
  EXPECT_NEAR(report.macro_recall, 0.25, 1e-15);
  EXPECT_NEAR(report.macro_f1, 1.0 / 3.0, 1e-15);
  EXPECT_NEAR(report.balanced_accuracy, 0.5, 1e-15);
}

TEST(ClassificationMetrics, MatchesBruteForceLoops) {
  torch::manual_seed(7);
  const std::int64_t num_classes = 7;
  const std::int64_t n = 500;
  // Classes 0..5 only, so class 6 is absent from both; int32 input exercises the conversion.
  const at::Tensor targets = torch::randint(0, 6, {n}, torch::kInt32);
  const at::Tensor noise = torch::randint(0, 6, {n}, torch::kInt32);
  const at::Tensor predictions = torch::where(torch::rand({n}) < 0.5, targets, noise);
  const ClassificationReport report = classification_metrics(predictions, targets, num_classes);

  const auto truth = targets.accessor<std::int32_t, 1>();
  const auto predicted = predictions.accessor<std::int32_t, 1>();
  std::vector<std::vector<std::int64_t>> expected(num_classes,
                                                  std::vector<std::int64_t>(num_classes, 0));
  for (std::int64_t i = 0; i < n; ++i) ++expected[truth[i]][predicted[i]];
  const auto actual = report.confusion_matrix.accessor<std::int64_t, 2>();
  for (std::int64_t t = 0; t < num_classes; ++t) {
    for (std::int64_t p = 0; p < num_classes; ++p) {
      EXPECT_EQ(actual[t][p], expected[t][p]) << "row " << t << ", column " << p;
    }
  }

  // Per-class counts straight from the items, averaged over the classes that occur.
  double correct = 0, precision = 0, recall = 0, f1 = 0, balanced = 0;
  int present = 0, in_truth = 0;
  for (std::int64_t k = 0; k < num_classes; ++k) {
    double tp = 0, fp = 0, fn = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      tp += truth[i] == k && predicted[i] == k;
      fp += truth[i] != k && predicted[i] == k;
      fn += truth[i] == k && predicted[i] != k;
    }
    correct += tp;
    if (tp + fp + fn == 0) continue;
    ++present;
    precision += tp + fp > 0 ? tp / (tp + fp) : 0.0;
    recall += tp + fn > 0 ? tp / (tp + fn) : 0.0;
    f1 += 2 * tp / (2 * tp + fp + fn);
    if (tp + fn > 0) {
      ++in_truth;
      balanced += tp / (tp + fn);
    }
  }
  ASSERT_EQ(present, 6);
  EXPECT_NEAR(report.accuracy, correct / n, kTolerance);
  EXPECT_NEAR(report.macro_precision, precision / present, kTolerance);
  EXPECT_NEAR(report.macro_recall, recall / present, kTolerance);
  EXPECT_NEAR(report.macro_f1, f1 / present, kTolerance);
  EXPECT_NEAR(report.balanced_accuracy, balanced / in_truth, kTolerance);
}

TEST(ClassificationMetrics, FromConfusionMatchesDirect) {
  const at::Tensor matrix =
      confusion_matrix(int64s(kSklearnPredictions), int64s(kSklearnTargets), kSklearnClasses);
  // Accumulating over two halves gives the same counts as one pass.
  const at::Tensor first = confusion_matrix(int64s(kSklearnPredictions).narrow(0, 0, 13),
                                            int64s(kSklearnTargets).narrow(0, 0, 13), 6);
  const at::Tensor second = confusion_matrix(int64s(kSklearnPredictions).narrow(0, 13, 17),
                                             int64s(kSklearnTargets).narrow(0, 13, 17), 6);
  EXPECT_TRUE(torch::equal(first + second, matrix));
  const ClassificationReport report =
      classification_metrics_from_confusion((first + second).to(torch::kInt32));
  EXPECT_NEAR(report.macro_f1, 0.33974358974358976, kTolerance);
  EXPECT_NEAR(report.balanced_accuracy, 0.47619047619047616, kTolerance);
  EXPECT_TRUE(torch::equal(report.confusion_matrix, matrix));

  // The report keeps its own counts when the caller goes on accumulating in place.
  at::Tensor running = matrix.clone();
  const ClassificationReport snapshot = classification_metrics_from_confusion(running);
  running.add_(1);
  EXPECT_TRUE(torch::equal(snapshot.confusion_matrix, matrix));
}

TEST(ClassificationMetrics, ToJson) {
  const nlohmann::json json =
      classification_metrics(int64s({0, 0, 1, 1, 1}), int64s({0, 0, 0, 1, 1}), 2).to_json();
  EXPECT_EQ(json.size(), 5u);
  EXPECT_DOUBLE_EQ(json.at("accuracy").get<double>(), 0.8);
  EXPECT_NEAR(json.at("balanced_accuracy").get<double>(), 5.0 / 6.0, 1e-15);
  EXPECT_NEAR(json.at("macro_precision").get<double>(), 5.0 / 6.0, 1e-15);
  EXPECT_NEAR(json.at("macro_recall").get<double>(), 5.0 / 6.0, 1e-15);
  EXPECT_NEAR(json.at("macro_f1").get<double>(), 0.8, 1e-15);
}

TEST(ClassificationMetrics, RejectsBadInput) {
  const at::Tensor three = int64s({0, 1, 2});
  EXPECT_THROW_WITH(classification_metrics(three, int64s({0, 1, 2, 0}), 3), InputError,
                    "classification_metrics", "same length", "got 3 and 4");
  EXPECT_THROW_WITH(classification_metrics(int64s({}), int64s({}), 3), InputError,
                    "classification_metrics", "at least one item");
  EXPECT_THROW_WITH(classification_metrics(three, int64s({0, 6, 1}), 6), InputError,
                    "targets must lie in [0, num_classes) = [0, 6)", "got 6 at index 1");
  EXPECT_THROW_WITH(classification_metrics(int64s({0, 1, -1}), three, 3), InputError,
                    "predictions must lie in [0, num_classes) = [0, 3)", "got -1 at index 2");
  EXPECT_THROW_WITH(classification_metrics(three.to(torch::kFloat32), three, 3), InputError,
                    "predictions must hold integer class indices", "Float");
  EXPECT_THROW_WITH(classification_metrics(three.reshape({3, 1}), three, 3), InputError,
                    "predictions must be [N] class indices", "got shape [3, 1]");
  EXPECT_THROW_WITH(classification_metrics(three, three, 0), InputError,
                    "num_classes must be at least 1", "got 0");
  EXPECT_THROW_WITH(confusion_matrix(three, three, 2), InputError,
                    "confusion_matrix:", "got 2 at index 2");
  EXPECT_THROW_WITH(classification_metrics_from_confusion(torch::zeros({2, 3}, torch::kInt64)),
                    InputError, "classification_metrics_from_confusion", "square",
                    "got shape [2, 3]");
  EXPECT_THROW_WITH(classification_metrics_from_confusion(torch::zeros({2, 2}, torch::kInt64)),
                    InputError, "counts no item");
  EXPECT_THROW_WITH(classification_metrics_from_confusion(int64s({1, -1, 0, 1}).reshape({2, 2})),
                    InputError, "non-negative", "got -1 at row 0, column 1");
}

TEST(ConfusionMatrixCsv, WritesNamesAndCountsAtomically) {
  TempDir dir;
  const std::filesystem::path path = dir.path() / "confusion.csv";
  const at::Tensor matrix = int64s({2, 1, 0, 0, 2, 0, 3, 0, 4}).reshape({3, 3});
  write_confusion_matrix_csv(path, matrix, {"kick", "snare, rim", "hat \"open\""});
  EXPECT_EQ(read_text(path),
            "true\\predicted,kick,\"snare, rim\",\"hat \"\"open\"\"\"\n"
            "kick,2,1,0\n"
            "\"snare, rim\",0,2,0\n"
            "\"hat \"\"open\"\"\",3,0,4\n");
  // Only the final file is left: the temporary was renamed, not copied.
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().filename().string(), "confusion.csv");
    ++entries;
  }
  EXPECT_EQ(entries, 1);

  // Writing again replaces the file.
  write_confusion_matrix_csv(path, int64s({5}).reshape({1, 1}), {"only"});
  EXPECT_EQ(read_text(path), "true\\predicted,only\nonly,5\n");
}

TEST(ConfusionMatrixCsv, RejectsBadInput) {
  TempDir dir;
  const at::Tensor matrix = torch::zeros({2, 2}, torch::kInt64);
  EXPECT_THROW_WITH(write_confusion_matrix_csv(dir / "a.csv", matrix, {"one"}), InputError,
                    "write_confusion_matrix_csv", "one name per row of the 2 x 2 matrix",
                    "got 1 names");
  EXPECT_THROW_WITH(write_confusion_matrix_csv(dir / "a.csv", torch::zeros({2, 2}), {"a", "b"}),
                    InputError, "write_confusion_matrix_csv", "integer counts");
  EXPECT_FALSE(std::filesystem::exists(dir / "a.csv"));

  // A folder that cannot be created: its would-be parent is a file.
  paradigms::testing::write_bytes(dir / "file", "x");
  EXPECT_THROW_WITH(write_confusion_matrix_csv(dir / "file/a.csv", matrix, {"a", "b"}), InputError,
                    "cannot write", "file/a.csv");
}

// ---------------------------------------------------------------------------------------------
// Multilabel

// [24, 5] on a 1/16 grid (exact in float32). Class 3 has no positive, class 4 no negative.
const std::vector<float> kSklearnScores = {
    1.0,    0.625,  0.625,  0.0,    0.375,   //
    1.0,    0.625,  0.1875, 0.5625, 0.4375,  //
    0.8125, 0.5625, 0.125,  0.25,   0.6875,  //
    0.5,    0.0625, 0.4375, 0.3125, 0.8125,  //
    0.5625, 0.5625, 0.5625, 0.0,    1.0,     //
    0.5,    0.6875, 0.375,  0.625,  1.0,     //
    0.3125, 0.875,  0.0625, 0.375,  0.625,   //
    0.875,  0.0,    0.375,  0.6875, 1.0,     //
    0.4375, 0.5,    0.5,    0.4375, 1.0,     //
    0.375,  0.0,    0.25,   0.3125, 0.9375,  //
    0.625,  0.375,  1.0,    0.4375, 0.375,   //
    0.5,    0.5625, 0.0,    0.5625, 0.6875,  //
    0.25,   0.9375, 0.5625, 0.3125, 1.0,     //
    0.4375, 0.875,  0.1875, 0.0625, 1.0,     //
    0.5,    0.1875, 0.5625, 0.5625, 0.875,   //
    0.125,  0.5,    0.375,  0.625,  0.8125,  //
    0.4375, 0.25,   0.0,    0.5,    0.8125,  //
    0.6875, 0.0,    0.5625, 0.5,    0.625,   //
    0.3125, 1.0,    0.5,    0.0,    0.8125,  //
    0.0,    0.0,    1.0,    0.0,    0.625,   //
    0.6875, 0.5,    0.3125, 0.0625, 0.8125,  //
    0.6875, 0.9375, 0.8125, 0.5,    0.25,    //
    0.0625, 0.75,   0.4375, 0.125,  0.5,     //
    0.3125, 0.75,   0.875,  0.1875, 0.875,
};
const std::vector<std::int64_t> kSklearnLabels = {
    0, 1, 1, 0, 1, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1,  //
    0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 1, 0, 1,  //
    0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 1, 1, 0, 0, 0, 1,  //
    0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1,  //
    1, 0, 0, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1,  //
    0, 0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1,
};

at::Tensor sklearn_scores() { return torch::tensor(kSklearnScores).reshape({24, 5}); }
at::Tensor sklearn_labels() { return int64s(kSklearnLabels).reshape({24, 5}); }

TEST(MultilabelMetrics, MatchesSklearn) {
  const MultilabelReport report = multilabel_metrics(sklearn_scores(), sklearn_labels());
  EXPECT_NEAR(report.macro_roc_auc, 0.7925925925925926, kTolerance);
  EXPECT_NEAR(report.macro_average_precision, 0.7719737013395103, kTolerance);
  EXPECT_NEAR(report.micro_f1, 0.7154471544715448, kTolerance);
  EXPECT_EQ(report.roc_auc_classes_left_out, (std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(report.average_precision_classes_left_out, (std::vector<std::int64_t>{3}));

  // sklearn per class, on the classes kept.
  ASSERT_EQ(report.roc_auc_per_class.size(), 5u);
  EXPECT_NEAR(report.roc_auc_per_class[0], 0.7592592592592593, kTolerance);
  EXPECT_NEAR(report.roc_auc_per_class[1], 0.8333333333333333, kTolerance);
  EXPECT_NEAR(report.roc_auc_per_class[2], 0.7851851851851851, kTolerance);
  EXPECT_TRUE(std::isnan(report.roc_auc_per_class[3]));
  EXPECT_TRUE(std::isnan(report.roc_auc_per_class[4]));
  ASSERT_EQ(report.average_precision_per_class.size(), 5u);
  EXPECT_NEAR(report.average_precision_per_class[0], 0.5707163207163207, kTolerance);
  EXPECT_NEAR(report.average_precision_per_class[1], 0.8092012766645121, kTolerance);
  EXPECT_NEAR(report.average_precision_per_class[2], 0.707977207977208, kTolerance);
  EXPECT_TRUE(std::isnan(report.average_precision_per_class[3]));
  EXPECT_NEAR(report.average_precision_per_class[4], 1.0, kTolerance);
}

TEST(MultilabelMetrics, AnyTargetDtypeAndScorePrecision) {
  const MultilabelReport reference = multilabel_metrics(sklearn_scores(), sklearn_labels());
  for (const auto dtype : {torch::kBool, torch::kUInt8, torch::kInt32, torch::kFloat32}) {
    const MultilabelReport report =
        multilabel_metrics(sklearn_scores().to(torch::kFloat64), sklearn_labels().to(dtype));
    EXPECT_DOUBLE_EQ(report.macro_roc_auc, reference.macro_roc_auc) << dtype;
    EXPECT_DOUBLE_EQ(report.macro_average_precision, reference.macro_average_precision) << dtype;
    EXPECT_DOUBLE_EQ(report.micro_f1, reference.micro_f1) << dtype;
  }
}

TEST(MultilabelMetrics, HandWorkedTies) {
  // scores 0.875 0.5 0.5 0.125, targets 1 1 0 0: thresholds (TP, FP) = (1, 0), (2, 1), (2, 2).
  // ROC-AUC: trapezoids (dFP)(TP_n + TP_{n-1}) = 0 + 1 * 3 + 1 * 4 = 7, / (2 * 2 * 2) = 7/8
  //   (pairs: the 0.875 positive beats both negatives, the 0.5 positive ties one: 3.5 / 4).
  // AP: (dR) P = 1/2 * 1 + 1/2 * 2/3 + 0 = 5/6.
  // micro-F1 at 0.5 (>=): predicted 1 1 1 0, TP 2, FP 1, FN 0: 4 / 5.
  const at::Tensor scores = torch::tensor({0.875f, 0.5f, 0.5f, 0.125f}).reshape({4, 1});
  const at::Tensor targets = int64s({1, 1, 0, 0}).reshape({4, 1});
  const MultilabelReport report = multilabel_metrics(scores, targets);
  EXPECT_NEAR(report.macro_roc_auc, 7.0 / 8.0, 1e-15);
  EXPECT_NEAR(report.macro_average_precision, 5.0 / 6.0, 1e-15);
  EXPECT_NEAR(report.micro_f1, 4.0 / 5.0, 1e-15);
  EXPECT_TRUE(report.roc_auc_classes_left_out.empty());
  EXPECT_TRUE(report.average_precision_classes_left_out.empty());

  // Above both tied scores: predicted 1 0 0 0, TP 1, FP 0, FN 1: 2 / 3.
  MultilabelOptions options;
  options.threshold = 0.75;
  EXPECT_NEAR(multilabel_metrics(scores, targets, options).micro_f1, 2.0 / 3.0, 1e-15);
}

TEST(MultilabelMetrics, PerfectRanking) {
  const at::Tensor scores = torch::tensor({0.9f, 0.2f, 0.8f, 0.1f, 0.3f, 0.6f}).reshape({3, 2});
  const at::Tensor targets = int64s({1, 0, 1, 0, 0, 1}).reshape({3, 2});
  const MultilabelReport report = multilabel_metrics(scores, targets);
  EXPECT_DOUBLE_EQ(report.macro_roc_auc, 1.0);
  EXPECT_DOUBLE_EQ(report.macro_average_precision, 1.0);
  EXPECT_DOUBLE_EQ(report.micro_f1, 1.0);
}

TEST(MultilabelMetrics, EveryClassLeftOutGivesNaN) {
  const at::Tensor scores = torch::full({3, 2}, 0.25);
  const MultilabelReport report = multilabel_metrics(scores, torch::zeros({3, 2}));
  EXPECT_TRUE(std::isnan(report.macro_roc_auc));
  EXPECT_TRUE(std::isnan(report.macro_average_precision));
  EXPECT_EQ(report.roc_auc_classes_left_out, (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(report.average_precision_classes_left_out, (std::vector<std::int64_t>{0, 1}));
  EXPECT_DOUBLE_EQ(report.micro_f1, 0.0);  // nothing true, nothing predicted: zero_division

  const std::string dumped = report.to_json().dump();
  EXPECT_NE(dumped.find("\"macro_roc_auc\":null"), std::string::npos) << dumped;
  EXPECT_NE(dumped.find("\"roc_auc_classes_left_out\":[0,1]"), std::string::npos) << dumped;
}

TEST(MultilabelMetrics, MatchesBruteForcePairs) {
  torch::manual_seed(11);
  const std::int64_t n = 300;
  const std::int64_t num_classes = 3;
  // Scores on a 1/8 grid: plenty of ties between positives and negatives.
  const at::Tensor targets = (torch::rand({n, num_classes}) < 0.3).to(torch::kInt64);
  const at::Tensor scores =
      ((torch::rand({n, num_classes}) * 6 + targets.to(torch::kFloat32) * 2).floor() / 8);
  const MultilabelReport report = multilabel_metrics(scores, targets);

  const auto s = scores.accessor<float, 2>();
  const auto y = targets.accessor<std::int64_t, 2>();
  double auc_sum = 0.0, ap_sum = 0.0;
  for (std::int64_t k = 0; k < num_classes; ++k) {
    // ROC-AUC as the Mann-Whitney statistic: the share of (positive, negative) pairs ranked
    // right, a tie counting one half.
    double pairs = 0.0, right = 0.0;
    // AP as the mean, over positives, of the precision at that positive's score.
    double positives = 0.0, precision_sum = 0.0;
    for (std::int64_t i = 0; i < n; ++i) {
      if (y[i][k] != 1) continue;
      positives += 1.0;
      double at_or_above = 0.0, positives_at_or_above = 0.0;
      for (std::int64_t j = 0; j < n; ++j) {
        if (s[j][k] >= s[i][k]) {
          at_or_above += 1.0;
          positives_at_or_above += y[j][k];
        }
        if (y[j][k] == 0) {
          pairs += 1.0;
          right += s[i][k] > s[j][k] ? 1.0 : (s[i][k] == s[j][k] ? 0.5 : 0.0);
        }
      }
      precision_sum += positives_at_or_above / at_or_above;
    }
    ASSERT_GT(pairs, 0.0);
    EXPECT_NEAR(report.roc_auc_per_class[k], right / pairs, kTolerance) << "class " << k;
    EXPECT_NEAR(report.average_precision_per_class[k], precision_sum / positives, kTolerance)
        << "class " << k;
    auc_sum += right / pairs;
    ap_sum += precision_sum / positives;
  }
  EXPECT_NEAR(report.macro_roc_auc, auc_sum / num_classes, kTolerance);
  EXPECT_NEAR(report.macro_average_precision, ap_sum / num_classes, kTolerance);
}

TEST(MultilabelMetrics, HundredThousandItems) {
  torch::manual_seed(3);
  const std::int64_t n = 100000;
  const at::Tensor scores = torch::rand({n, 4});
  const at::Tensor targets = (torch::rand({n, 4}) < 0.2).to(torch::kInt64);
  const MultilabelReport report = multilabel_metrics(scores, targets);
  // Scores independent of the targets: chance level, AUC 1/2 and AP the positive rate.
  EXPECT_NEAR(report.macro_roc_auc, 0.5, 0.01);
  EXPECT_NEAR(report.macro_average_precision, 0.2, 0.01);
}

TEST(MultilabelMetrics, ToJson) {
  const nlohmann::json json = multilabel_metrics(sklearn_scores(), sklearn_labels()).to_json();
  EXPECT_EQ(json.size(), 5u);
  EXPECT_NEAR(json.at("macro_roc_auc").get<double>(), 0.7925925925925926, kTolerance);
  EXPECT_NEAR(json.at("macro_average_precision").get<double>(), 0.7719737013395103, kTolerance);
  EXPECT_NEAR(json.at("micro_f1").get<double>(), 0.7154471544715448, kTolerance);
  EXPECT_EQ(json.at("roc_auc_classes_left_out").get<std::vector<std::int64_t>>(),
            (std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(json.at("average_precision_classes_left_out").get<std::vector<std::int64_t>>(),
            (std::vector<std::int64_t>{3}));
}

TEST(MultilabelMetrics, RejectsBadInput) {
  const at::Tensor scores = torch::full({3, 2}, 0.5);
  const at::Tensor targets = torch::zeros({3, 2}, torch::kInt64);
  EXPECT_THROW_WITH(multilabel_metrics(scores, torch::zeros({3, 3})), InputError,
                    "multilabel_metrics", "targets must have the shape of scores [3, 2]",
                    "got [3, 3]");
  EXPECT_THROW_WITH(multilabel_metrics(torch::full({3}, 0.5), torch::zeros({3})), InputError,
                    "scores must be [N, K]", "got shape [3]");
  EXPECT_THROW_WITH(multilabel_metrics(torch::zeros({0, 2}), torch::zeros({0, 2})), InputError,
                    "at least one item and one class", "got shape [0, 2]");
  const at::Tensor logits = torch::tensor({0.5, 1.5, 0.5, 0.5, 0.5, 0.5}).reshape({3, 2});
  EXPECT_THROW_WITH(multilabel_metrics(logits, targets), InputError,
                    "scores must be probabilities in [0, 1]", "got 1.5 at item 0, class 1");
  const double nan = std::nan("");
  const at::Tensor with_nan = torch::tensor({0.5, 0.5, 0.5, 0.5, nan, 0.5}).reshape({3, 2});
  EXPECT_THROW_WITH(multilabel_metrics(with_nan, targets), InputError,
                    "got nan at item 2, class 0");
  EXPECT_THROW_WITH(multilabel_metrics(scores, int64s({0, 1, 0, 2, 0, 0}).reshape({3, 2})),
                    InputError, "targets must be 0 or 1", "got 2 at item 1, class 1");
  EXPECT_THROW_WITH(multilabel_metrics(targets, targets), InputError,
                    "scores must be floating-point probabilities", "Long");
  MultilabelOptions options;
  options.threshold = 1.5;
  EXPECT_THROW_WITH(multilabel_metrics(scores, targets, options), InputError,
                    "options.threshold must lie in [0, 1]", "got 1.5");
}

// ---------------------------------------------------------------------------------------------
// Regression

// On a 1/16 grid, so float32 holds them exactly.
const std::vector<double> kSklearnRegressionPredictions = {
    -7.5625, 2.3125,  -2.75,   -7.8125, 8.625,  5.4375,  -5.375,  0.25,    2.625,
    -5.9375, -1.6875, -4.8125, 4.75,    6.0625, 7.0625,  -7.3125, -3.5625, -6.375,
    2.25,    2.625,   -9.375,  -3.3125, -6.625, -7.5625, -4.8125};
const std::vector<double> kSklearnRegressionTargets = {
    -6.125, 1.375, -2.0,   -7.875, 7.875, 4.125, -3.875, 1.375,  1.25,   -6.375, -1.0, -5.25, 3.75,
    7.5,    5.75,  -6.375, -4.0,   -5.25, 3.625, 2.25,   -7.875, -3.625, -5.875, -6.5, -5.25};

TEST(RegressionMetrics, MatchesSklearn) {
  for (const auto dtype : {torch::kFloat32, torch::kFloat64}) {
    const RegressionReport report =
        regression_metrics(doubles(kSklearnRegressionPredictions).to(dtype),
                           doubles(kSklearnRegressionTargets).to(dtype));
    EXPECT_NEAR(report.mae, 0.915, kTolerance) << dtype;
    EXPECT_NEAR(report.rmse, 1.0088669386990536, kTolerance) << dtype;
    EXPECT_NEAR(report.r2, 0.9574837924091665, kTolerance) << dtype;
  }
}

TEST(RegressionMetrics, HandWorked) {
  // predictions 1 2 3, targets 1 2 4: errors 0 0 -1, MAE 1/3, RMSE sqrt(1/3);
  // mean 7/3, SS_tot = 16/9 + 1/9 + 25/9 = 14/3, R2 = 1 - 1 / (14/3) = 11/14.
  const RegressionReport report = regression_metrics(doubles({1, 2, 3}), doubles({1, 2, 4}));
  EXPECT_NEAR(report.mae, 1.0 / 3.0, 1e-15);
  EXPECT_NEAR(report.rmse, std::sqrt(1.0 / 3.0), 1e-15);
  EXPECT_NEAR(report.r2, 11.0 / 14.0, 1e-15);

  const RegressionReport perfect = regression_metrics(doubles({1, 2, 4}), doubles({1, 2, 4}));
  EXPECT_DOUBLE_EQ(perfect.mae, 0.0);
  EXPECT_DOUBLE_EQ(perfect.rmse, 0.0);
  EXPECT_DOUBLE_EQ(perfect.r2, 1.0);
}

TEST(RegressionMetrics, ConstantTargets) {
  // sklearn: r2_score([2.5] * 4, [2.5] * 4) = 1.0, r2_score([2.5] * 4, [2.5, 2.5, 2.5, 3]) = 0.0.
  const at::Tensor constant = doubles({2.5, 2.5, 2.5, 2.5});
  EXPECT_DOUBLE_EQ(regression_metrics(constant, constant).r2, 1.0);
  EXPECT_DOUBLE_EQ(regression_metrics(doubles({2.5, 2.5, 2.5, 3.0}), constant).r2, 0.0);
  // 0.1 is not exact in binary, so its mean may be off in the last bit; SS_tot is still 0.
  const at::Tensor tenths = torch::full({7}, 0.1, torch::kFloat64);
  EXPECT_DOUBLE_EQ(regression_metrics(tenths + 0.5, tenths).r2, 0.0);
  EXPECT_DOUBLE_EQ(regression_metrics(tenths, tenths).r2, 1.0);
}

TEST(RegressionMetrics, OneItemAndNaN) {
  const RegressionReport one = regression_metrics(doubles({3.0}), doubles({1.0}));
  EXPECT_DOUBLE_EQ(one.mae, 2.0);
  EXPECT_DOUBLE_EQ(one.rmse, 2.0);
  EXPECT_TRUE(std::isnan(one.r2));  // as sklearn: R2 is not defined for one sample
  EXPECT_NE(one.to_json().dump().find("\"r2\":null"), std::string::npos);

  const RegressionReport diverged =
      regression_metrics(doubles({1.0, std::nan(""), 2.0}), doubles({1.0, 1.0, 1.0}));
  EXPECT_TRUE(std::isnan(diverged.mae));
  EXPECT_TRUE(std::isnan(diverged.rmse));
  EXPECT_TRUE(std::isnan(diverged.r2));
}

TEST(RegressionMetrics, ToJson) {
  const nlohmann::json json = regression_metrics(doubles({1, 2, 3}), doubles({1, 2, 4})).to_json();
  EXPECT_EQ(json.size(), 3u);
  EXPECT_NEAR(json.at("mae").get<double>(), 1.0 / 3.0, 1e-15);
  EXPECT_NEAR(json.at("rmse").get<double>(), std::sqrt(1.0 / 3.0), 1e-15);
  EXPECT_NEAR(json.at("r2").get<double>(), 11.0 / 14.0, 1e-15);
}

TEST(RegressionMetrics, RejectsBadInput) {
  EXPECT_THROW_WITH(regression_metrics(doubles({1, 2}), doubles({1, 2, 3})), InputError,
                    "regression_metrics", "same length", "got 2 and 3");
  EXPECT_THROW_WITH(regression_metrics(doubles({}), doubles({})), InputError, "regression_metrics",
                    "at least one item");
  EXPECT_THROW_WITH(regression_metrics(torch::zeros({2, 1}), doubles({1, 2})), InputError,
                    "predictions must be [N]", "got shape [2, 1]");
  EXPECT_THROW_WITH(regression_metrics(doubles({1, 2}), torch::ones({2}, torch::kBool)), InputError,
                    "targets must be real numbers", "Bool");
}

}  // namespace
}  // namespace paradigms::eval
