// Metric learning end to end: `train` with online mining, `eval`, `embed`, `mine` over the
// embeddings, then `train` from the mined triplets file.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "paradigms/core/files.h"
#include "paradigms/data/csv.h"
#include "paradigms/data/npy_tensor.h"
#include "cli/cli_run.h"
#include "test_util.h"

namespace fs = std::filesystem;

namespace paradigms::cli {
namespace {

using paradigms::testing::TempDir;

std::string metric_config(const TempDir& dir, const std::string& extra) {
  return "paradigm: metric\n"
         "data:\n"
         "  source: notes\n"
         "  path: " +
         (dir / "notes") +
         "\n"
         "  duration_s: 0.5\n"
         "  notes:\n"
         "    soundfont: /usr/share/sounds/sf2/TimGM6mb.sf2\n"
         "    programs: [0, 19, 24, 40, 56, 73]\n"
         "    pitch_min: 48\n"
         "    pitch_max: 72\n"
         "    pitch_step: 1\n"
         "    velocities: [100]\n"
         "    duration_s: 0.5\n"
         "    note_s: 0.3\n"
         "    label: program\n"
         "frontend: {n_fft: 512, hop_length: 256, n_mels: 32}\n"
         "model: {encoder: conv2d, channels: [8, 16], dropout: 0.0}\n"
         "embedding: {dim: 16}\n"
         "optimizer: {kind: adam, lr: 0.01}\n"
         "train: {epochs: 2, batch_size: 12}\n" +
         extra;
}

int run(const std::string& arguments, std::string* output = nullptr) {
  const paradigms::testing::CliResult result = paradigms::testing::run_cli(arguments);
  if (output) *output = result.output;
  return result.code;
}

TEST(MetricTrainCommand, TrainEmbedMineAndTrainFromTheTripletsFile) {
  TempDir dir;
  testing::write_bytes(dir / "online.yaml", metric_config(dir,
                                                          "loss: {kind: triplet, margin: 0.2}\n"
                                                          "miner: {kind: semihard}\n"
                                                          "sampler: {per_class: 2}\n"));
  std::string output;
  ASSERT_EQ(run("train " + (dir / "online.yaml") + " --out " + (dir / "online"), &output), 0)
      << output;
  EXPECT_NE(output.find("test map_at_r:"), std::string::npos) << output;
  EXPECT_NE(output.find("untrained"), std::string::npos) << output;
  EXPECT_NE(output.find("tuples"), std::string::npos) << "the log counts mined tuples";
  const auto metrics = nlohmann::json::parse(read_text(dir.path() / "online/metrics.json"));
  EXPECT_TRUE(metrics["test"]["map_at_r"].is_number());
  EXPECT_TRUE(metrics["test_untrained"]["map_at_r"].is_number());

  ASSERT_EQ(run("eval " + (dir / "online") + " --split valid", &output), 0) << output;
  EXPECT_NE(output.find("\"r_precision\""), std::string::npos) << output;
  EXPECT_NE(run("predict " + (dir / "online") + " x.wav", &output), 0);
  EXPECT_NE(output.find("needs a supervised run"), std::string::npos) << output;

  ASSERT_EQ(
      run("embed " + (dir / "online") + " --split train --out " + (dir / "train.npy"), &output), 0)
      << output;
  const torch::Tensor embeddings = data::load_npy(dir / "train.npy");
  const torch::Tensor labels = data::load_npy(dir / "train.labels.npy");
  const torch::Tensor items = data::load_npy(dir / "train.items.npy");
  ASSERT_EQ(embeddings.dim(), 2);
  EXPECT_EQ(embeddings.size(1), 16);
  EXPECT_EQ(labels.size(0), embeddings.size(0));
  EXPECT_EQ(items.size(0), embeddings.size(0));
  // Normalised embeddings: unit rows.
  EXPECT_TRUE(
      torch::allclose(embeddings.norm(2, 1), torch::ones({embeddings.size(0)}), 1e-4, 1e-4));

  ASSERT_EQ(run("mine --embeddings " + (dir / "train.npy") + " --labels " +
                    (dir / "train.labels.npy") + " --strategy batch-hard --items " +
                    (dir / "train.items.npy") + " --out " + (dir / "triplets.csv"),
                &output),
            0)
      << output;
  const data::CsvTable triplets = data::read_csv(dir.path() / "triplets.csv");
  ASSERT_FALSE(triplets.rows.empty());
  // Rows hold dataset item indices: every one is an item of the training split.
  const auto* item = items.data_ptr<std::int64_t>();
  const std::set<std::int64_t> train_items(item, item + items.numel());
  for (std::size_t r = 0; r < std::min<std::size_t>(triplets.rows.size(), 50); ++r) {
    for (const auto& cell : triplets.rows[r]) EXPECT_EQ(train_items.count(std::stoll(cell)), 1u);
  }

  testing::write_bytes(dir / "file.yaml",
                       metric_config(dir, "supervision: {kind: triplets_file, file: " +
                                              (dir / "triplets.csv") + "}\n") +
                           "schedule: {kind: constant}\n");
  ASSERT_EQ(run("train " + (dir / "file.yaml") + " --set train.epochs=1 --out " + (dir / "file"),
                &output),
            0)
      << output;
  EXPECT_TRUE(fs::exists(dir.path() / "file/metrics.json"));
}

}  // namespace
}  // namespace paradigms::cli
