#include "paradigms/train/trainer.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>

#include "paradigms/core/error.h"
#include "paradigms/core/files.h"
#include "paradigms/optim/optimizers.h"

namespace fs = std::filesystem;

namespace paradigms::train {

void TrainerOptions::validate() const {
  auto require = [](bool ok, const std::string& message) {
    if (!ok) throw ConfigError("train: " + message);
  };
  require(epochs >= 1, fmt::format("epochs must be >= 1 (got {})", epochs));
  require(max_steps >= 0, fmt::format("max_steps must be >= 0 (got {})", max_steps));
  require(patience >= 0, fmt::format("patience must be >= 0 (got {})", patience));
  require(min_delta >= 0, fmt::format("min_delta must be >= 0 (got {})", min_delta));
  require(monitor.find('.') != std::string::npos,
          "monitor must name a split and a metric, e.g. valid.accuracy (got " + in_quotes(monitor) +
              ")");
  batching.validate();
  schedule.validate();
}

std::string TrainerOptions::describe() const {
  return fmt::format(
      "epochs={}, max_steps={}, {}, schedule={}, monitor={} ({}), patience={}, "
      "seed={}",
      epochs, max_steps, batching.describe(), schedule.describe(), monitor,
      mode == MonitorMode::Max ? "max" : "min", patience, seed);
}

void check_monitor(const std::string& monitor, const nlohmann::json& record) {
  const auto dot = monitor.find('.');
  const std::string split = monitor.substr(0, dot);
  if (dot == std::string::npos || !record.contains(split) || !record[split].is_object() ||
      record[split].contains(monitor.substr(dot + 1)))
    return;
  std::string names;
  for (const auto& item : record[split].items())
    if (item.value().is_number()) names += (names.empty() ? "" : ", ") + item.key();
  throw ConfigError("train.monitor " + in_quotes(monitor) + ": " + split +
                    " has no such metric (it has " + names + ")");
}

std::optional<double> find_metric(const nlohmann::json& record, const std::string& name) {
  const auto dot = name.find('.');
  if (dot == std::string::npos) return std::nullopt;
  const std::string split = name.substr(0, dot), metric = name.substr(dot + 1);
  if (!record.contains(split) || !record[split].contains(metric)) return std::nullopt;
  const auto& value = record[split][metric];
  if (!value.is_number()) return std::nullopt;
  return value.get<double>();
}

Trainer::Trainer(Paradigm& paradigm, TrainerOptions options, fs::path run_dir,
                 std::string config_yaml, TrainerCallbacks callbacks,
                 const std::atomic<bool>* stop_requested)
    : paradigm_(paradigm),
      options_(std::move(options)),
      run_dir_(std::move(run_dir)),
      config_yaml_(std::move(config_yaml)),
      callbacks_(std::move(callbacks)),
      stop_requested_(stop_requested) {
  options_.validate();
}

fs::path Trainer::best_checkpoint() const { return run_dir_ / "checkpoints" / "best.pt"; }
fs::path Trainer::last_checkpoint() const { return run_dir_ / "checkpoints" / "last.pt"; }

void Trainer::log(const std::string& line) const {
  if (callbacks_.log) callbacks_.log(line);
}

void Trainer::resume(const fs::path& checkpoint) {
  state_ = load_checkpoint(checkpoint, paradigm_);
  truncate_metrics_log();
  log(fmt::format("resumed from {} at epoch {} step {} ({} steps into the epoch)",
                  checkpoint.string(), state_.epoch, state_.step, state_.step_in_epoch));
}

// Records of epochs the checkpoint has not seen (written before a crash) are dropped.
void Trainer::truncate_metrics_log() const {
  const fs::path path = run_dir_ / "metrics.jsonl";
  if (!fs::exists(path)) return;
  std::istringstream lines(read_text(path));
  std::string kept, line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    const auto record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_discarded() || record.value("epoch", std::int64_t(0)) > state_.epoch) continue;
    kept += line + "\n";
  }
  write_text_atomically(path, kept);
}

bool Trainer::improved(double value, MonitorMode mode) const {
  if (std::isnan(state_.best_value)) return true;
  return mode == MonitorMode::Max ? value > state_.best_value + options_.min_delta
                                  : value < state_.best_value - options_.min_delta;
}

TrainResult Trainer::fit() {
  using Clock = std::chrono::steady_clock;
  const std::vector<std::size_t> train_items = paradigm_.train_items();
  check_input(!train_items.empty(), "train: the training split is empty");
  const auto steps_per_epoch =
      static_cast<std::int64_t>(paradigm_.plan_epoch(options_.batching, options_.seed, 0).size());
  const std::int64_t total_steps =
      options_.max_steps > 0 ? std::min(options_.max_steps, options_.epochs * steps_per_epoch)
                             : options_.epochs * steps_per_epoch;
  fs::create_directories(run_dir_ / "checkpoints");
  TrainResult result;
  for (std::int64_t epoch = state_.epoch; epoch < options_.epochs; ++epoch) {
    if (options_.max_steps > 0 && state_.step >= options_.max_steps) break;
    const auto epoch_start = Clock::now();
    paradigm_.begin_epoch(epoch, options_.seed, state_.step_in_epoch > 0);
    const EpochPlan plan = paradigm_.plan_epoch(options_.batching, options_.seed, epoch);
    double lr = 0;
    std::int64_t epoch_start_samples = state_.epoch_samples;
    for (auto s = static_cast<std::size_t>(state_.step_in_epoch); s < plan.size(); ++s) {
      if (stop_requested_ && stop_requested_->load()) {
        save_checkpoint(last_checkpoint(), paradigm_, state_, config_yaml_);
        throw TrainingInterrupted(
            fmt::format("interrupted at epoch {} step {}; resume with "
                        "--resume {}",
                        epoch + 1, s, run_dir_.string()));
      }
      if (options_.max_steps > 0 && state_.step >= options_.max_steps) break;
      for (auto& [name, optimizer] : paradigm_.optimizers()) {
        lr = optim::scheduled_lr(options_.schedule, paradigm_.base_learning_rate(name), state_.step,
                                 epoch, total_steps);
        optim::set_learning_rate(*optimizer, lr);
      }
      torch::manual_seed(mix_seed(options_.seed, 1, std::uint64_t(state_.step)));
      std::mt19937_64 rng(mix_seed(options_.seed, 2, std::uint64_t(state_.step)));
      const StepResult step = paradigm_.train_step(plan[s], rng);
      const double loss = step.losses.empty() ? 0.0 : step.losses.front().second;
      if (!std::isfinite(loss)) {
        throw TrainingError(fmt::format(
            "training loss is {} at epoch {} step {} (lr {}); stopped, the last good checkpoint "
            "is kept at {}",
            std::isnan(loss) ? "NaN" : "infinite", epoch + 1, s + 1, lr,
            last_checkpoint().string()));
      }
      state_.epoch_loss_sum += loss * double(step.samples);
      state_.epoch_samples += step.samples;
      ++state_.step;
      state_.step_in_epoch = std::int64_t(s) + 1;
      if (callbacks_.progress) {
        const double seconds = std::chrono::duration<double>(Clock::now() - epoch_start).count();
        callbacks_.progress(
            epoch + 1, std::int64_t(s) + 1, std::int64_t(plan.size()), loss,
            double(state_.epoch_samples - epoch_start_samples) / std::max(seconds, 1e-9));
      }
    }
    const double train_seconds = std::chrono::duration<double>(Clock::now() - epoch_start).count();
    nlohmann::json record;
    record["epoch"] = epoch + 1;
    record["step"] = state_.step;
    record["lr"] = lr;
    record["train"]["loss"] =
        state_.epoch_samples > 0 ? state_.epoch_loss_sum / double(state_.epoch_samples) : 0.0;
    record["train"]["samples"] = state_.epoch_samples;
    const nlohmann::json stats = paradigm_.epoch_stats();
    record["train"].update(stats);
    std::string stats_text;
    for (const auto& [key, value] : stats.items()) {
      stats_text += value.is_number_integer()
                        ? fmt::format(", {} {}", key, value.get<std::int64_t>())
                    : value.is_number() ? fmt::format(", {} {:.4g}", key, value.get<double>())
                                        : "";
    }
    record["samples_per_s"] =
        double(state_.epoch_samples - epoch_start_samples) / std::max(train_seconds, 1e-9);
    const nlohmann::json valid = paradigm_.evaluate(data::Split::Valid);
    if (!valid.empty()) record["valid"] = valid;
    record["seconds"] = std::chrono::duration<double>(Clock::now() - epoch_start).count();

    state_.epoch = epoch + 1;
    state_.step_in_epoch = 0;
    state_.epoch_loss_sum = 0;
    state_.epoch_samples = 0;
    std::string monitored = options_.monitor;
    MonitorMode mode = options_.mode;
    auto value = find_metric(record, monitored);
    try {
      check_monitor(monitored, record);
    } catch (const ConfigError&) {
      // A monitor on the training split's own statistics is only known now. The epoch is kept.
      std::ofstream(run_dir_ / "metrics.jsonl", std::ios::app) << record.dump() << "\n";
      save_checkpoint(last_checkpoint(), paradigm_, state_, config_yaml_);
      throw;
    }
    if (!value) {
      // No such split (e.g. no validation data), or no value this epoch: watch the training
      // loss instead.
      monitored = "train.loss";
      mode = MonitorMode::Min;
      value = find_metric(record, monitored);
    }
    const bool better = improved(*value, mode);
    if (better) {
      state_.best_value = *value;
      state_.best_epoch = epoch + 1;
      state_.bad_epochs = 0;
    } else {
      ++state_.bad_epochs;
    }
    {
      std::ofstream out(run_dir_ / "metrics.jsonl", std::ios::app);
      out << record.dump() << "\n";
    }
    if (better) save_checkpoint(best_checkpoint(), paradigm_, state_, config_yaml_);
    save_checkpoint(last_checkpoint(), paradigm_, state_, config_yaml_);
    log(fmt::format(
        "epoch {}/{}: train loss {:.4f}{}{}, {}={:.4f}{}, lr {:.3g}, {:.0f} samples/s, "
        "{:.1f} s",
        epoch + 1, options_.epochs, record["train"]["loss"].get<double>(), stats_text,
        valid.contains("loss") ? fmt::format(", valid loss {:.4f}", valid["loss"].get<double>())
                               : "",
        monitored, *value, better ? " (best)" : "", lr, record["samples_per_s"].get<double>(),
        record["seconds"].get<double>()));
    result.last_record = record;
    if (options_.patience > 0 && state_.bad_epochs >= options_.patience) {
      log(fmt::format("early stopping: {} did not improve for {} epochs (best {:.4f} at epoch {})",
                      monitored, options_.patience, state_.best_value, state_.best_epoch));
      result.early_stopped = true;
      break;
    }
  }
  result.state = state_;
  return result;
}

}  // namespace paradigms::train
