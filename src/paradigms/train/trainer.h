#pragma once
// The trainer shared by every paradigm: epochs (or a step budget), seeded item order,
// learning-rate schedules, validation every epoch, early stopping on a named metric, best
// and last checkpoints, metrics.jsonl, resuming, interruption and NaN/inf detection.
//
// Reproducibility: the item order of an epoch depends only on (seed, epoch), and torch's
// generator and the data generator are re-seeded from (seed, step) before every step, so a
// run resumed from a checkpoint continues exactly as the uninterrupted run (on the CPU).

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "paradigms/optim/schedule.h"
#include "paradigms/paradigms/paradigm.h"
#include "paradigms/train/checkpoint.h"
#include "paradigms/train/examples.h"

namespace paradigms::train {

enum class MonitorMode { Min, Max };

struct TrainerOptions {
  std::int64_t epochs = 10;             ///< epochs to run
  std::int64_t max_steps = 0;           ///< stop after this many steps in all (0: no limit)
  BatchingOptions batching;             ///< descent mode
  optim::ScheduleOptions schedule;      ///< learning-rate schedule
  std::string monitor = "valid.loss";   ///< metric for best checkpoint / early stopping
  MonitorMode mode = MonitorMode::Min;  ///< whether lower or higher is better
  std::int64_t patience = 0;  ///< stop after this many epochs without improvement (0: off)
  double min_delta = 0.0;     ///< an improvement must beat the best by this much
  std::uint64_t seed = 0;     ///< seeds item order and per-step randomness

  void validate() const;
  std::string describe() const;
};

/// Thrown when the loss becomes NaN or infinite; the last good checkpoint is kept.
class TrainingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Thrown when a stop was requested (Ctrl-C); a checkpoint was saved first.
class TrainingInterrupted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TrainerCallbacks {
  std::function<void(const std::string&)> log;  ///< one line of the run's log
  /// After each step: epoch (1-based), step in epoch, steps in epoch, loss, samples/s.
  std::function<void(std::int64_t, std::int64_t, std::int64_t, double, double)> progress;
};

struct TrainResult {
  TrainerState state;
  nlohmann::json last_record;  ///< the last metrics.jsonl line
  bool early_stopped = false;
};

class Trainer {
 public:
  /// Checkpoints go to `run_dir`/checkpoints/{best,last}.pt, epoch records to
  /// `run_dir`/metrics.jsonl. `config_yaml` is stored in every checkpoint.
  Trainer(Paradigm& paradigm, TrainerOptions options, std::filesystem::path run_dir,
          std::string config_yaml, TrainerCallbacks callbacks = {},
          const std::atomic<bool>* stop_requested = nullptr);

  /// Continues from a checkpoint (normally `run_dir`/checkpoints/last.pt).
  void resume(const std::filesystem::path& checkpoint);

  TrainResult fit();

  std::filesystem::path best_checkpoint() const;
  std::filesystem::path last_checkpoint() const;

 private:
  bool improved(double value, MonitorMode mode) const;
  void log(const std::string& line) const;
  void truncate_metrics_log() const;

  Paradigm& paradigm_;
  TrainerOptions options_;
  std::filesystem::path run_dir_;
  std::string config_yaml_;
  TrainerCallbacks callbacks_;
  const std::atomic<bool>* stop_requested_;
  TrainerState state_;
};

/// Looks up a dotted metric name ("valid.accuracy") in an epoch record.
/// ConfigError when `record` holds the split `monitor` names ("valid.map_at_r": valid) but
/// not its metric: a misspelt monitor, with the split's metrics listed. A missing split is
/// no error (the trainer then watches train.loss).
void check_monitor(const std::string& monitor, const nlohmann::json& record);
std::optional<double> find_metric(const nlohmann::json& record, const std::string& name);

}  // namespace paradigms::train
