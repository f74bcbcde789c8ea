#pragma once
// What `train`, `eval`, `predict` and `export` share: a config turned into a dataset with
// features in memory and a paradigm on the run's device.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "paradigms/audio/log_mel.h"
#include "paradigms/cli/commands.h"
#include "paradigms/config/run_config.h"
#include "paradigms/paradigms/supervised.h"

namespace paradigms::cli {

struct PreparedRun {
  config::RunConfig config;
  std::shared_ptr<train::Examples> examples;
  std::unique_ptr<Paradigm> paradigm;
  std::unique_ptr<audio::FrontEnd> frontend;

  /// The supervised paradigm; throws InputError naming `command` for other paradigms.
  SupervisedParadigm& supervised(const std::string& command) const;
};

/// Reads a YAML config file and applies `--set` overrides.
YAML::Node load_config(const std::string& path, const std::vector<std::string>& overrides);

/// Loads the data (rendering the notes if needed), extracts features through the cache and
/// builds the paradigm; logs counts, problems, the model and its parameter count.
PreparedRun prepare_run_from_config(const config::RunConfig& config, const GlobalOptions& global);

/// The config a run directory was trained with (`RUN_DIR/config.yaml`).
config::RunConfig run_dir_config(const std::filesystem::path& run_dir);

/// `RUN_DIR/checkpoints/<which>.pt`, checked to exist; `which` is best or last.
std::filesystem::path run_checkpoint(const std::filesystem::path& run_dir,
                                     const std::string& which);

void add_train_command(CLI::App& app, std::shared_ptr<GlobalOptions> global);
void add_run_commands(CLI::App& app, std::shared_ptr<GlobalOptions> global);

}  // namespace paradigms::cli
