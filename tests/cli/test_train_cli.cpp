// `paradigms train`, `eval`, `predict` and `export` end to end on a small notes config,
// including a run killed with SIGKILL and resumed.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <torch/csrc/jit/serialization/pickle.h>
#include <torch/torch.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "paradigms/core/files.h"
#include "cli/cli_run.h"
#include "test_util.h"

namespace fs = std::filesystem;

namespace paradigms::cli {
namespace {

using paradigms::testing::TempDir;

std::string small_config(const TempDir& dir, int epochs, int batch_size) {
  return "paradigm: supervised\n"
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
         "    label: family\n"
         "frontend: {n_fft: 512, hop_length: 256, n_mels: 32}\n"
         "model: {encoder: conv2d, channels: [8, 16], dropout: 0.0}\n"
         "optimizer: {kind: adam, lr: 0.01}\n"
         "train: {epochs: " +
         std::to_string(epochs) + ", batch_size: " + std::to_string(batch_size) +
         ", monitor: valid.accuracy, mode: max}\n";
}

int run(const std::string& arguments, std::string* output = nullptr) {
  const paradigms::testing::CliResult result = paradigms::testing::run_cli(arguments);
  if (output) *output = result.output;
  return result.code;
}

nlohmann::json read_json(const fs::path& path) { return nlohmann::json::parse(read_text(path)); }

std::size_t line_count(const fs::path& path) {
  std::ifstream in(path);
  std::size_t lines = 0;
  for (std::string line; std::getline(in, line);) lines += !line.empty();
  return lines;
}

TEST(TrainCommand, TrainsEvaluatesPredictsAndExports) {
  TempDir dir;
  testing::write_bytes(dir / "small.yaml", small_config(dir, 8, 8));
  std::string output;
  ASSERT_EQ(run("train " + (dir / "small.yaml") + " --out " + (dir / "run"), &output), 0) << output;
  EXPECT_NE(output.find("parameters: "), std::string::npos) << output;
  EXPECT_NE(output.find("test accuracy: "), std::string::npos) << output;
  for (const char* file : {"config.yaml", "train.log", "metrics.jsonl", "metrics.json",
                           "confusion_test.csv", "checkpoints/best.pt", "checkpoints/last.pt"}) {
    EXPECT_TRUE(fs::exists(dir.path() / "run" / file)) << file;
  }
  EXPECT_EQ(line_count(dir.path() / "run" / "metrics.jsonl"), 8u);
  const nlohmann::json metrics = read_json(dir.path() / "run" / "metrics.json");
  const double accuracy = metrics["test"]["accuracy"].get<double>();
  EXPECT_GT(accuracy, 0.4);  // 5 families present; chance is about 0.2

  ASSERT_EQ(run("--log-level warn eval " + (dir / "run") + " --split test", &output), 0) << output;
  const auto json_start = output.find('{');
  ASSERT_NE(json_start, std::string::npos) << output;
  EXPECT_DOUBLE_EQ(nlohmann::json::parse(output.substr(json_start))["accuracy"].get<double>(),
                   accuracy);

  const std::string note = (dir.path() / "notes/audio/p040_n060_v100.flac").string();
  ASSERT_EQ(
      run("--log-level warn predict " + (dir / "run") + " " + note + " --json --top 2", &output), 0)
      << output;
  const auto predictions = nlohmann::json::parse(output.substr(output.find('[')));
  ASSERT_EQ(predictions.size(), 1u);
  ASSERT_EQ(predictions[0]["top"].size(), 2u);
  EXPECT_GE(predictions[0]["top"][0]["probability"].get<double>(),
            predictions[0]["top"][1]["probability"].get<double>());

  ASSERT_EQ(run("export " + (dir / "run") + " --out " + (dir / "model.pt"), &output), 0) << output;
  const std::string bytes = read_text(dir / "model.pt");
  const c10::IValue loaded = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end()));
  ASSERT_TRUE(loaded.isGenericDict());
  const auto state = loaded.toGenericDict();
  EXPECT_TRUE(state.contains("encoder.blocks.0.0.weight"));
  EXPECT_TRUE(state.contains("encoder.blocks.1.1.running_var"));
  EXPECT_TRUE(state.contains("head.0.bias"));
  EXPECT_EQ(state.at("head.0.weight").toTensor().sizes(), (std::vector<std::int64_t>{16, 16}));
  // model.json: the head's 16 outputs are the General MIDI families, in the spec's order.
  const nlohmann::json info = read_json(dir.path() / "model.json");
  EXPECT_EQ(info["paradigm"], "supervised");
  ASSERT_EQ(info["classes"].size(), 16u);
  EXPECT_EQ(info["classes"][0], "Piano");
  EXPECT_EQ(info["classes"][4], "Bass");
  EXPECT_EQ(info["classes"][15], "Sound Effects");
  EXPECT_NE(info["frontend"].get<std::string>().find("n_mels=32"), std::string::npos) << info;
}

TEST(TrainCommand, SigkillThenResumeEndsWithTheUninterruptedMetrics) {
  TempDir dir;
  testing::write_bytes(dir / "small.yaml", small_config(dir, 10, 2));
  std::string output;
  ASSERT_EQ(run("train " + (dir / "small.yaml") + " --out " + (dir / "whole"), &output), 0)
      << output;

  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string config = dir / "small.yaml", out = dir / "killed";
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    execl(PARADIGMS_BINARY, PARADIGMS_BINARY, "--threads", "2", "train", config.c_str(), "--out",
          out.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  const fs::path killed = dir.path() / "killed";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (line_count(killed / "metrics.jsonl") < 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  if (fs::exists(killed / "metrics.json")) GTEST_SKIP() << "the run finished before the kill";
  ASSERT_TRUE(WIFSIGNALED(status));

  ASSERT_EQ(run("train --resume " + killed.string(), &output), 0) << output;
  EXPECT_NE(output.find("resumed from"), std::string::npos) << output;
  const nlohmann::json whole = read_json(dir.path() / "whole" / "metrics.json");
  const nlohmann::json resumed = read_json(killed / "metrics.json");
  EXPECT_EQ(whole["test"].dump(), resumed["test"].dump());
  EXPECT_EQ(whole["best_epoch"], resumed["best_epoch"]);
  EXPECT_EQ(line_count(killed / "metrics.jsonl"), 10u);
}

TEST(TrainCommand, ConfigErrorsNameTheKeyAndSuggest) {
  TempDir dir;
  testing::write_bytes(dir / "typo.yaml", "model: {encodr: conv2d}\n");
  std::string output;
  EXPECT_NE(run("train " + (dir / "typo.yaml") + " --out " + (dir / "run"), &output), 0);
  EXPECT_NE(output.find("'model.encodr'"), std::string::npos) << output;
  EXPECT_NE(output.find("did you mean 'encoder'?"), std::string::npos) << output;
  testing::write_bytes(dir / "ok.yaml", "train: {epochs: 1}\n");
  EXPECT_NE(
      run("train " + (dir / "ok.yaml") + " --set optimizer.kind=adamm --out " + (dir / "run2"),
          &output),
      0);
  EXPECT_NE(output.find("adamm"), std::string::npos) << output;
  EXPECT_NE(output.find("sgd, adagrad, adadelta, adam, adamw, rmsprop"), std::string::npos)
      << output;
  EXPECT_NE(
      run("train --set train.epochs=0 " + (dir / "ok.yaml") + " --out " + (dir / "run3"), &output),
      0);
  EXPECT_NE(output.find("epochs"), std::string::npos) << output;
  EXPECT_NE(run("eval " + (dir / "nothing"), &output), 0);
  EXPECT_NE(output.find("not a run folder"), std::string::npos) << output;
}

TEST(TrainCommand, EarlyFailuresLeaveTheRunFolderReusable) {
  TempDir dir;
  testing::write_bytes(dir / "small.yaml", small_config(dir, 1, 8));
  const std::string out = " --out " + (dir / "run");
  std::string output;
  // Caught before any training step: a misspelt validation metric, a device that is not here.
  EXPECT_EQ(run("train " + (dir / "small.yaml") + " --set train.monitor=valid.acuracy" + out,
                &output),
            2);
  EXPECT_NE(output.find("train.monitor 'valid.acuracy'"), std::string::npos) << output;
  EXPECT_NE(output.find("balanced_accuracy"), std::string::npos) << output;
  EXPECT_FALSE(fs::exists(dir.path() / "run"));
  EXPECT_EQ(run("--device tpu train " + (dir / "small.yaml") + out, &output), 2);
  EXPECT_NE(output.find("tpu"), std::string::npos) << output;
  EXPECT_FALSE(fs::exists(dir.path() / "run"));
  // An existing empty folder keeps existing, without the files the failed run wrote.
  fs::create_directories(dir.path() / "run");
  EXPECT_EQ(run("train " + (dir / "small.yaml") + " --set train.monitor=valid.acuracy" + out,
                &output),
            2);
  EXPECT_TRUE(fs::is_empty(dir.path() / "run"));
  ASSERT_EQ(run("train " + (dir / "small.yaml") + out, &output), 0) << output;
  // --resume takes the run's own configuration: a CONFIG, --set or --seed beside it is an error.
  for (const std::string& extra : {(dir / "small.yaml"), std::string("--set train.epochs=3"),
                                  std::string("--seed 4")}) {
    EXPECT_EQ(run("train --resume " + (dir / "run") + " " + extra, &output), 2) << extra;
    EXPECT_NE(output.find("--resume continues a run"), std::string::npos) << output;
  }
}

}  // namespace
}  // namespace paradigms::cli
