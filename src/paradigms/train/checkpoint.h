#pragma once
// Checkpoints: every module and optimizer of a paradigm plus the trainer's state and the
// resolved config, in one file written atomically (temporary file, then rename).

#include <cstdint>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "paradigms/paradigms/paradigm.h"

namespace paradigms::train {

inline constexpr int kCheckpointFormatVersion = 1;

/// Where a run stands; enough to continue it exactly.
struct TrainerState {
  std::int64_t epoch = 0;          ///< epochs completed
  std::int64_t step = 0;           ///< optimisation steps done in the whole run
  std::int64_t step_in_epoch = 0;  ///< steps of epoch `epoch` already done (0 at a boundary)
  double epoch_loss_sum = 0.0;     ///< Σ loss · samples over the steps of the current epoch
  std::int64_t epoch_samples = 0;  ///< samples seen in the current epoch
  double best_value = std::numeric_limits<double>::quiet_NaN();  ///< best monitored value
  std::int64_t best_epoch = 0;  ///< epoch (1-based) of the best value; 0: none yet
  std::int64_t bad_epochs = 0;  ///< epochs since the best, for early stopping

  nlohmann::json to_json() const;
  static TrainerState from_json(const nlohmann::json& json);
};

/// Saves modules, optimizers, `state` and `config_yaml` to `path` atomically.
void save_checkpoint(const std::filesystem::path& path, Paradigm& paradigm,
                     const TrainerState& state, const std::string& config_yaml);

/// Restores modules and optimizers of `paradigm` from `path` and returns the trainer state.
/// Throws InputError naming the file when it is missing, of another format version, or does
/// not match the paradigm's modules.
TrainerState load_checkpoint(const std::filesystem::path& path, Paradigm& paradigm);

/// The resolved config stored in a checkpoint.
std::string checkpoint_config(const std::filesystem::path& path);

}  // namespace paradigms::train
