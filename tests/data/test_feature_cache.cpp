// The feature cache: computed once, reused, keyed by file identity and front-end, atomic.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <thread>

#include "paradigms/audio/load.h"
#include "paradigms/core/error.h"
#include "paradigms/data/csv_dataset.h"
#include "paradigms/data/feature_cache.h"
#include "paradigms/data/folder_dataset.h"
#include "paradigms/data/npy_tensor.h"
#include "test_util.h"

namespace fs = std::filesystem;

namespace paradigms::data {
namespace {

using paradigms::testing::TempDir;

std::vector<std::size_t> all_items(const Dataset& dataset) {
  std::vector<std::size_t> indices(dataset.items.size());
  for (std::size_t i = 0; i < indices.size(); ++i) indices[i] = i;
  return indices;
}

TEST(FeatureCache, ComputesOnceThenReuses) {
  TempDir dir;
  testing::write_sine(dir / "root/a/one.wav", 440, 16000, 16000);
  testing::write_sine(dir / "root/a/two.wav", 880, 16000, 16000);
  testing::write_sine(dir / "root/b/three.flac", 660, 44100, 30000);
  const Dataset dataset = load_folder_dataset(dir / "root");
  const audio::FrontEnd frontend(audio::FrontendOptions{});
  const FeatureCache cache(dir.path() / "cache", frontend.options());
  std::vector<Problem> problems;
  ExtractionStats first;
  const auto computed = extract_features(dataset, all_items(dataset), frontend, &cache,
                                         ExtractOptions{}, first, problems);
  EXPECT_EQ(first.computed, 3);
  EXPECT_EQ(first.cached, 0);
  ExtractionStats second;
  const auto reused = extract_features(dataset, all_items(dataset), frontend, &cache,
                                       ExtractOptions{}, second, problems);
  EXPECT_EQ(second.computed, 0);
  EXPECT_EQ(second.cached, 3);
  EXPECT_TRUE(problems.empty());
  for (std::size_t i = 0; i < 3; ++i) EXPECT_TRUE(torch::equal(computed[i], reused[i]));

  // Each entry equals the front-end applied to that file alone.
  const audio::MonoAudio three = audio::load_mono(dataset.items[2].path, 16000);
  EXPECT_TRUE(torch::allclose(reused[2], frontend(torch::tensor(three.samples)), 1e-5, 1e-5));
  for (const auto& entry : fs::recursive_directory_iterator(dir.path() / "cache")) {
    EXPECT_EQ(entry.path().string().find(".tmp."), std::string::npos) << entry.path();
  }
}

TEST(FeatureCache, KeyChangesWithFrontEndAndFileContent) {
  TempDir dir;
  testing::write_sine(dir / "a.wav", 440, 16000, 1600);
  audio::FrontendOptions options;
  const FeatureCache cache(dir.path(), options);
  options.n_mels = 32;
  const FeatureCache other(dir.path(), options);
  const fs::path before = cache.entry_path(dir / "a.wav");
  EXPECT_NE(before, other.entry_path(dir / "a.wav"));
  EXPECT_EQ(before, cache.entry_path(dir / "a.wav"));
  testing::write_sine(dir / "a.wav", 440, 16000, 3200);  // new size
  EXPECT_NE(before, cache.entry_path(dir / "a.wav"));
}

TEST(FeatureCache, BadFilesAreSkippedAndCountedOrRefusedWhenStrict) {
  TempDir dir;
  testing::write_sine(dir / "root/a/good.wav", 440, 16000, 8000);
  testing::write_bytes(dir / "root/a/bad.wav", "RIFF....WAVEnothing");
  const Dataset dataset = load_folder_dataset(dir / "root");
  const audio::FrontEnd frontend(audio::FrontendOptions{});
  ExtractionStats stats;
  std::vector<Problem> problems;
  const auto features = extract_features(dataset, all_items(dataset), frontend, nullptr,
                                         ExtractOptions{}, stats, problems);
  EXPECT_EQ(stats.failed, 1);
  EXPECT_EQ(stats.computed, 1);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("bad.wav"), std::string::npos);
  EXPECT_FALSE(features[0].defined());  // bad.wav sorts first
  EXPECT_TRUE(features[1].defined());
  ExtractOptions strict;
  strict.strict = true;
  EXPECT_THROW(
      extract_features(dataset, all_items(dataset), frontend, nullptr, strict, stats, problems),
      InputError);
}

TEST(FeatureCache, ConcurrentWritersLeaveAValidEntry) {
  TempDir dir;
  testing::write_sine(dir / "a.wav", 440, 16000, 1600);
  const FeatureCache cache(dir.path() / "cache", audio::FrontendOptions{});
  const torch::Tensor value = torch::arange(64 * 7, torch::kFloat32).reshape({64, 7});
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&] {
      for (int i = 0; i < 20; ++i) cache.store(dir / "a.wav", value);
    });
  }
  for (int i = 0; i < 50; ++i) {
    if (auto read = cache.load(dir / "a.wav")) {
      EXPECT_TRUE(torch::equal(*read, value));
    }
  }
  for (auto& writer : writers) writer.join();
  EXPECT_TRUE(torch::equal(*cache.load(dir / "a.wav"), value));
}

TEST(FeatureCache, PrecomputedArraysAreReadRowByRow) {
  TempDir dir;
  const torch::Tensor features = torch::randn({3, 2, 4});
  save_npy(dir / "f.npy", features);
  save_npy(dir / "l.npy", torch::tensor({0, 1, 0}, torch::kInt64));
  const Dataset dataset = load_feature_arrays(dir / "f.npy", dir / "l.npy");
  ExtractionStats stats;
  std::vector<Problem> problems;
  const auto rows = extract_features(dataset, {2, 0}, audio::FrontEnd(audio::FrontendOptions{}),
                                     nullptr, ExtractOptions{}, stats, problems);
  EXPECT_TRUE(torch::equal(rows[0], features[2]));
  EXPECT_TRUE(torch::equal(rows[1], features[0]));
}

}  // namespace
}  // namespace paradigms::data
