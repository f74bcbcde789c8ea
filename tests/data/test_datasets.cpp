// User datasets (class folders, CSV manifests, feature arrays), splits, crops and info.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <random>

#include "paradigms/core/error.h"
#include "paradigms/data/crop.h"
#include "paradigms/data/csv_dataset.h"
#include "paradigms/data/dataset_info.h"
#include "paradigms/data/folder_dataset.h"
#include "paradigms/data/npy_tensor.h"
#include "paradigms/data/splits.h"
#include "test_util.h"

namespace fs = std::filesystem;

namespace paradigms::data {
namespace {

using paradigms::testing::TempDir;
using paradigms::testing::write_bytes;
using paradigms::testing::write_sine;

// ROOT/cat/{a.wav, deep/b.flac}, ROOT/dog/c.ogg, ROOT/dog/notes.txt, ROOT/empty/, ROOT/stray.wav
void make_folder(const TempDir& dir) {
  write_sine(dir / "root/cat/a.wav", 440, 16000, 16000);
  write_sine(dir / "root/cat/deep/b.flac", 550, 44100, 22050);
  write_sine(dir / "root/dog/c.ogg", 660, 22050, 44100);
  write_bytes(dir / "root/dog/notes.txt", "not audio");
  write_bytes(dir / "root/dog/.DS_Store", "hidden");
  fs::create_directories(dir.path() / "root/empty");
  write_sine(dir / "root/stray.wav", 440, 16000, 100);
}

TEST(FolderDataset, ClassesAreFolderNamesAndProblemsNameTheInput) {
  TempDir dir;
  make_folder(dir);
  const Dataset dataset = load_folder_dataset(dir / "root");
  EXPECT_EQ(dataset.class_names, (std::vector<std::string>{"cat", "dog"}));
  ASSERT_EQ(dataset.items.size(), 3u);
  EXPECT_EQ(fs::path(dataset.items[0].path).filename(), "a.wav");
  EXPECT_EQ(fs::path(dataset.items[1].path).filename(), "b.flac");
  EXPECT_EQ(dataset.items[2].labels, (std::vector<std::int64_t>{1}));
  std::string messages;
  for (const auto& problem : dataset.problems) messages += problem.message + "\n";
  EXPECT_EQ(dataset.problems.size(), 3u) << messages;
  EXPECT_NE(messages.find("notes.txt"), std::string::npos) << messages;
  EXPECT_NE(messages.find("unknown extension"), std::string::npos) << messages;
  EXPECT_NE(messages.find("empty"), std::string::npos) << messages;
  EXPECT_NE(messages.find("has no audio file"), std::string::npos) << messages;
  EXPECT_NE(messages.find("stray.wav"), std::string::npos) << messages;
  EXPECT_EQ(messages.find(".DS_Store"), std::string::npos) << messages;
}

TEST(FolderDataset, StrictRefusesAtTheFirstProblem) {
  TempDir dir;
  make_folder(dir);
  LoadOptions strict;
  strict.strict = true;
  EXPECT_THROW(load_folder_dataset(dir / "root", strict), InputError);
}

TEST(FolderDataset, MissingAndEmptyFoldersAreNamed) {
  TempDir dir;
  EXPECT_THROW_WITH(load_folder_dataset(dir / "nope"), InputError, "nope", "does not exist");
  fs::create_directories(dir.path() / "hollow/a");
  EXPECT_THROW_WITH(load_folder_dataset(dir / "hollow"), InputError, "hollow", "is empty");
  write_bytes(dir / "file.wav", "x");
  EXPECT_THROW_WITH(load_folder_dataset(dir / "file.wav"), InputError, "is not a folder");
}

TEST(CsvDataset, MultiLabelTargetsSplitsAndRelativePaths) {
  TempDir dir;
  write_sine(dir / "audio/x.wav", 440, 16000, 1600);
  write_sine(dir / "audio/y.wav", 440, 16000, 1600);
  write_bytes(dir / "m.csv",
              "path,label,split\n"
              "audio/x.wav,piano;violin,train\n"
              "audio/y.wav,violin,test\n"
              "audio/missing.wav,piano,train\n");
  const Dataset dataset = load_csv_dataset(dir / "m.csv");
  EXPECT_EQ(dataset.target_kind, TargetKind::MultiLabel);
  EXPECT_EQ(dataset.class_names, (std::vector<std::string>{"piano", "violin"}));
  ASSERT_EQ(dataset.items.size(), 2u);
  EXPECT_EQ(dataset.items[0].labels, (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(dataset.items[1].split, Split::Test);
  EXPECT_TRUE(fs::exists(dataset.items[0].path));
  ASSERT_EQ(dataset.problems.size(), 1u);
  EXPECT_NE(dataset.problems[0].message.find("missing.wav"), std::string::npos);
  EXPECT_NE(dataset.problems[0].message.find("row 4"), std::string::npos);
}

TEST(CsvDataset, RegressionTargetsAndBadRows) {
  TempDir dir;
  write_sine(dir / "x.wav", 440, 16000, 1600);
  write_bytes(dir / "r.csv", "path,target\nx.wav,69.5\nx.wav,abc\n");
  const Dataset dataset = load_csv_dataset(dir / "r.csv");
  EXPECT_EQ(dataset.target_kind, TargetKind::Regression);
  ASSERT_EQ(dataset.items.size(), 1u);
  EXPECT_DOUBLE_EQ(dataset.items[0].target, 69.5);
  ASSERT_EQ(dataset.problems.size(), 1u);
  EXPECT_NE(dataset.problems[0].message.find("'abc'"), std::string::npos);
  write_bytes(dir / "bad.csv", "file,label\nx.wav,a\n");
  EXPECT_THROW_WITH(load_csv_dataset(dir / "bad.csv"), InputError, "bad.csv", "no column 'path'");
  write_bytes(dir / "split.csv", "path,label,split\nx.wav,a,training\n");
  EXPECT_THROW_WITH(load_csv_dataset(dir / "split.csv"), InputError, "row 2", "'training'");
}

TEST(FeatureArrays, LabelsOfEveryKind) {
  TempDir dir;
  save_npy(dir / "f.npy", torch::randn({4, 3, 5}));
  save_npy(dir / "classes.npy", torch::tensor({1000003, 7, 7, 1000003}, torch::kInt64));
  const Dataset classes = load_feature_arrays(dir / "f.npy", dir / "classes.npy");
  EXPECT_EQ(classes.class_names, (std::vector<std::string>{"7", "1000003"}));
  EXPECT_EQ(classes.items[0].labels[0], 1);
  EXPECT_EQ(classes.items[1].labels[0], 0);
  EXPECT_EQ(classes.items[3].row, 3);

  save_npy(dir / "targets.npy", torch::tensor({0.5, 1.5, 2.5, 3.5}, torch::kFloat32));
  const Dataset regression = load_feature_arrays(dir / "f.npy", dir / "targets.npy");
  EXPECT_EQ(regression.target_kind, TargetKind::Regression);
  EXPECT_DOUBLE_EQ(regression.items[2].target, 2.5);

  save_npy(dir / "multi.npy",
           torch::tensor({1, 0, 1, 0, 0, 0, 1, 1}, torch::kUInt8).reshape({4, 2}));
  const Dataset multi = load_feature_arrays(dir / "f.npy", dir / "multi.npy");
  EXPECT_EQ(multi.target_kind, TargetKind::MultiLabel);
  EXPECT_EQ(multi.items[0].labels, (std::vector<std::int64_t>{0}));
  EXPECT_TRUE(multi.items[2].labels.empty());
  EXPECT_EQ(multi.items[3].labels, (std::vector<std::int64_t>{0, 1}));

  save_npy(dir / "short.npy", torch::zeros({3}, torch::kInt64));
  EXPECT_THROW_WITH(load_feature_arrays(dir / "f.npy", dir / "short.npy"), InputError, "short.npy",
                    "4 rows", "got 3");
}

TEST(Splits, StratifiedSeededAndComplete) {
  Dataset dataset;
  dataset.class_names = {"a", "b", "c"};
  for (int label = 0; label < 3; ++label) {
    for (int i = 0; i < 10 * (label + 1); ++i) dataset.items.push_back(Item{"", -1, {label}});
  }
  dataset.items.push_back(Item{"", -1, {0}, 0.0, Split::Test});  // already assigned: kept
  SplitOptions options;
  options.valid_fraction = 0.1;
  options.test_fraction = 0.2;
  assign_splits(dataset, options);
  std::map<std::int64_t, std::map<Split, int>> counts;
  for (std::size_t i = 0; i + 1 < dataset.items.size(); ++i) {
    ++counts[dataset.items[i].labels[0]][dataset.items[i].split];
  }
  for (int label = 0; label < 3; ++label) {
    const int n = 10 * (label + 1);
    EXPECT_EQ(counts[label][Split::Test], n / 5) << label;
    EXPECT_EQ(counts[label][Split::Valid], n / 10) << label;
    EXPECT_EQ(counts[label][Split::Train], n - n / 5 - n / 10) << label;
  }
  EXPECT_EQ(dataset.items.back().split, Split::Test);

  Dataset again = dataset;
  for (auto& item : again.items) item.split = Split::Unassigned;
  again.items.back().split = Split::Test;
  assign_splits(again, options);
  for (std::size_t i = 0; i < dataset.items.size(); ++i) {
    EXPECT_EQ(again.items[i].split, dataset.items[i].split);
  }
  options.test_fraction = 0.95;
  EXPECT_THROW_WITH(assign_splits(again, options), ConfigError, "0.95");
}

TEST(Splits, SingleItemClassesStayInTrain) {
  Dataset dataset;
  dataset.class_names = {"a"};
  dataset.items.push_back(Item{"", -1, {0}});
  assign_splits(dataset, SplitOptions{});
  EXPECT_EQ(dataset.items[0].split, Split::Train);
}

TEST(Crop, CentredRandomAndPadded) {
  const torch::Tensor x = torch::arange(10, torch::kFloat32).reshape({1, 10});
  EXPECT_TRUE(torch::equal(crop(x, 4, CropMode::Center), torch::tensor({{3.f, 4.f, 5.f, 6.f}})));
  const torch::Tensor padded = crop(x, 12, CropMode::Center);
  EXPECT_EQ(padded.size(1), 12);
  EXPECT_EQ(padded[0][9].item<float>(), 9.f);
  EXPECT_EQ(padded[0][11].item<float>(), 0.f);
  std::mt19937_64 rng(5), same(5);
  std::set<float> starts;
  for (int i = 0; i < 200; ++i) {
    const torch::Tensor window = crop(x, 4, CropMode::Random, &rng);
    const float start = window[0][0].item<float>();
    starts.insert(start);
    EXPECT_TRUE(torch::equal(window, crop(x, 4, CropMode::Random, &same)));
    EXPECT_TRUE(torch::equal(window[0], torch::arange(start, start + 4, torch::kFloat32)));
  }
  EXPECT_EQ(starts.size(), 7u);  // every start 0..6 is reachable
  EXPECT_EQ(crop_length(1.0, audio::FrontendOptions{}), 1 + 16000 / 256);
}

TEST(DatasetInfo, CountsDurationsAndProblems) {
  TempDir dir;
  make_folder(dir);
  write_bytes(dir / "root/dog/broken.wav", "RIFF garbage that is not a wave file");
  Dataset dataset = load_folder_dataset(dir / "root");
  assign_splits(dataset, SplitOptions{0.0, 0.0, 0});
  const DatasetInfo info = inspect_dataset(dataset);
  EXPECT_EQ(info.split_counts.at("train"), 3);  // broken.wav is not counted
  EXPECT_EQ(info.unusable_items, 1);
  EXPECT_EQ(info.class_counts.at("cat").at("train"), 2);
  EXPECT_EQ(info.class_counts.at("dog").at("train"), 1);
  EXPECT_EQ(info.durations.files, 3);
  EXPECT_DOUBLE_EQ(info.durations.min_s, 0.5);  // b.flac: 22050 samples at 44.1 kHz
  EXPECT_DOUBLE_EQ(info.durations.max_s, 2.0);  // c.ogg: 44100 samples at 22.05 kHz
  EXPECT_EQ(info.sample_rates, (std::vector<std::int64_t>{16000, 22050, 44100}));
  bool named = false;
  for (const auto& problem : info.problems) {
    named = named || problem.message.find("broken.wav") != std::string::npos;
  }
  EXPECT_TRUE(named);
}

}  // namespace
}  // namespace paradigms::data
