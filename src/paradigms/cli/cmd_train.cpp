// `paradigms train CONFIG [--set key.path=value]... [--out DIR] [--resume DIR] [--seed N]`

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "paradigms/cli/progress.h"
#include "paradigms/cli/run_setup.h"
#include "paradigms/core/error.h"
#include "paradigms/core/files.h"

namespace fs = std::filesystem;

namespace paradigms::cli {
namespace {

std::atomic<bool> stop_requested{false};

extern "C" void request_stop(int /*signal*/) { stop_requested = true; }

struct TrainArgs {
  std::string config, out, resume;
  std::vector<std::string> overrides;
  std::int64_t seed = -1;
};

fs::path default_run_dir(const std::string& config_path) {
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", std::localtime(&now));
  return fs::path("runs") / (fs::path(config_path).stem().string() + "-" + stamp);
}

void log_to_file(const fs::path& path) {
  auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path.string());
  sink->set_pattern("%Y-%m-%d %H:%M:%S [%l] %v");
  spdlog::default_logger()->sinks().push_back(sink);
}

nlohmann::json final_metrics(Paradigm& paradigm, const train::TrainResult& result,
                             const fs::path& run_dir) {
  nlohmann::json metrics;
  metrics["best_epoch"] = result.state.best_epoch;
  metrics["epochs"] = result.state.epoch;
  metrics["steps"] = result.state.step;
  metrics["early_stopped"] = result.early_stopped;
  for (auto split : {data::Split::Train, data::Split::Valid, data::Split::Test}) {
    const nlohmann::json values = paradigm.evaluate(split);
    if (!values.empty()) metrics[data::to_string(split)] = values;
    paradigm.write_reports(split, run_dir);
  }
  return metrics;
}

/// Removes what a fresh run wrote into its folder (and the folder, when the run created it)
/// unless keep() was called: for failures before training starts.
class RemoveOnFailure {
 public:
  RemoveOnFailure(fs::path dir, bool armed)
      : dir_(std::move(dir)), armed_(armed), created_(armed && !fs::exists(dir_)) {}
  ~RemoveOnFailure() {
    if (!armed_) return;
    std::error_code ignored;
    if (created_) {
      fs::remove_all(dir_, ignored);
      return;
    }
    for (const char* name : {"config.yaml", "train.log", "untrained.json"})
      fs::remove(dir_ / name, ignored);
  }
  RemoveOnFailure(const RemoveOnFailure&) = delete;
  RemoveOnFailure& operator=(const RemoveOnFailure&) = delete;
  void keep() { armed_ = false; }

 private:
  fs::path dir_;
  bool armed_ = false, created_ = false;
};

int run_train(const TrainArgs& args, const GlobalOptions& global) {
  prepare_run(global);
  const bool resuming = !args.resume.empty();
  check_input(!resuming || (args.config.empty() && args.overrides.empty() && args.seed < 0),
              "--resume continues a run as it was configured: CONFIG, --set and --seed cannot "
              "be given with it");
  std::string config_path = args.config;
  if (resuming) {
    const fs::path saved = fs::path(args.resume) / "config.yaml";
    check_input(fs::is_regular_file(saved),
                "--resume " + in_quotes(args.resume) + " is not a run folder (no config.yaml)");
    config_path = saved.string();
  }
  check_input(!config_path.empty(), "train: give a CONFIG file or --resume RUN_DIR");
  YAML::Node root =
      load_config(config_path, resuming ? std::vector<std::string>{} : args.overrides);
  if (args.seed >= 0 && !resuming)
    config::apply_overrides(root, {"train.seed=" + std::to_string(args.seed)});
  const config::RunConfig config = config::read_run_config(root);
  const fs::path run_dir = resuming           ? fs::path(args.resume)
                           : args.out.empty() ? default_run_dir(config_path)
                                              : fs::path(args.out);
  check_input(resuming || !fs::exists(run_dir / "config.yaml"),
              "run folder " + in_quotes(run_dir.string()) +
                  " already holds a run: continue it with --resume, or choose another --out");
  // A fresh run that fails before its first step leaves nothing behind (so --out can be
  // reused): the files it wrote go, and the folder too if this run created it.
  RemoveOnFailure cleanup(run_dir, !resuming);
  fs::create_directories(run_dir);
  const std::string config_yaml = config::to_yaml(config.source);
  if (!resuming) write_text_atomically(run_dir / "config.yaml", config_yaml);
  log_to_file(run_dir / "train.log");
  spdlog::info("run folder: {}", run_dir.string());
  spdlog::info("trainer: {}", config.trainer.describe());

  PreparedRun run = prepare_run_from_config(config, global);
  Progress progress("train");
  train::TrainerCallbacks callbacks;
  callbacks.log = [&](const std::string& line) {
    progress.finish();
    spdlog::info("{}", line);
  };
  callbacks.progress = [&](std::int64_t epoch, std::int64_t step, std::int64_t steps, double loss,
                           double samples_per_s) {
    progress.update(
        std::size_t(step), std::size_t(steps),
        fmt::format("epoch {} loss {:.4f} {:.0f} samples/s", epoch, loss, samples_per_s));
  };
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  train::Trainer trainer(*run.paradigm, config.trainer, run_dir, config_yaml, callbacks,
                         &stop_requested);
  if (resuming) trainer.resume(run_checkpoint(run_dir, "last"));
  // The untrained model's test metrics: the baseline that training must beat (for metric
  // learning, retrieval of held-out classes by the randomly initialised encoder).
  const fs::path untrained_path = run_dir / "untrained.json";
  if (!resuming) {
    // A misspelt monitor on the validation split is caught here, not after an epoch.
    const nlohmann::json valid = run.paradigm->evaluate(data::Split::Valid);
    train::check_monitor(config.trainer.monitor, nlohmann::json{{"valid", valid}});
    const nlohmann::json untrained = run.paradigm->evaluate(data::Split::Test);
    write_text_atomically(untrained_path, untrained.dump(2) + "\n");
  }
  cleanup.keep();
  train::TrainResult result;
  try {
    result = trainer.fit();
  } catch (const train::TrainingInterrupted& stop) {
    progress.finish();
    spdlog::warn("{}", stop.what());
    return 130;
  } catch (const train::TrainingError& error) {
    progress.finish();
    spdlog::error("{}", error.what());
    return 1;
  }
  progress.finish();
  if (fs::exists(trainer.best_checkpoint())) {
    train::load_checkpoint(trainer.best_checkpoint(), *run.paradigm);
  }
  nlohmann::json metrics = final_metrics(*run.paradigm, result, run_dir);
  if (fs::is_regular_file(untrained_path)) {
    std::ifstream in(untrained_path);
    metrics["test_untrained"] = nlohmann::json::parse(in, nullptr, false);
  }
  write_text_atomically(run_dir / "metrics.json", metrics.dump(2) + "\n");
  if (metrics.contains("test")) {
    const nlohmann::json& test = metrics["test"];
    const nlohmann::json& untrained = metrics.value("test_untrained", nlohmann::json::object());
    for (const char* key : {"accuracy", "balanced_accuracy", "macro_f1", "macro_roc_auc",
                            "macro_average_precision", "micro_f1", "mae", "rmse", "r2", "map_at_r",
                            "precision_at_1", "r_precision", "map", "mrr"}) {
      if (!test.contains(key) || !test[key].is_number()) continue;
      const double value = test[key].get<double>();
      if (untrained.contains(key) && untrained[key].is_number()) {
        const double before = untrained[key].get<double>();
        spdlog::info("test {}: {:.4f} (untrained {:.4f}{})", key, value, before,
                     before > 0 ? fmt::format(", {:.2f}x", value / before) : "");
      } else {
        spdlog::info("test {}: {:.4f}", key, value);
      }
    }
  }
  spdlog::info("metrics: {}", (run_dir / "metrics.json").string());
  std::cout << run_dir.string() << "\n";
  return 0;
}

}  // namespace

void add_train_command(CLI::App& app, std::shared_ptr<GlobalOptions> global) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* command = app.add_subcommand("train", "Train a model from a YAML config");
  command->add_option("config", args->config, "YAML config (see configs/)");
  // One value per --set, so `--set a=1 CONFIG` leaves CONFIG to the positional argument.
  command->add_option("--set", args->overrides, "override a config value: key.path=value")
      ->allow_extra_args(false);
  command->add_option("--out", args->out, "run folder (default runs/<config>-<time>)");
  command->add_option("--resume", args->resume, "continue the run in this folder");
  command->add_option("--seed", args->seed, "override train.seed");
  command->callback([args, global] {
    const int code = run_train(*args, *global);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace paradigms::cli
