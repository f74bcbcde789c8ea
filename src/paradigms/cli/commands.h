#pragma once
// Sub-commands of the `paradigms` executable.

#include <memory>
#include <string>

#include "paradigms/audio/frontend_options.h"
#include "paradigms/core/error.h"

namespace CLI {
class App;
}

namespace paradigms::cli {

/// Options every sub-command shares.
struct GlobalOptions {
  int threads = 0;             ///< 0: all cores
  std::string device = "cpu";  ///< cpu | cuda | cuda:N
  std::string log_level = "info";
  std::string cache_dir;  ///< "" = the user cache folder
};

/// Front-end flags (--sample-rate, --n-fft, ...) bound to a command; apply() puts the given
/// ones over a --config YAML (top-level front-end keys or a `frontend:` section).
class FrontendFlags {
 public:
  /// Adds the flags; with `config_flag` also --config for a YAML file.
  void add_to(CLI::App& command, bool config_flag = true);
  /// The options: defaults, then the YAML (`config_path`, or --config), then given flags.
  audio::FrontendOptions resolve(const std::string& config_path = "") const;

 private:
  CLI::App* command_ = nullptr;
  std::string config_path_;
  audio::FrontendOptions flags_;
  std::string kind_, mel_scale_, mel_norm_, compression_;
};

/// InputError unless `value` >= `minimum`: "--repeat: expected a count >= 0 (got -1)", with
/// `note` (", 0 for all") after the bound.
inline void check_count(const std::string& flag, long long value, long long minimum,
                        const std::string& note = "") {
  check_input(value >= minimum, flag + ": expected a count >= " + std::to_string(minimum) +
                                    note + " (got " + std::to_string(value) + ")");
}

/// The library's message without its leading subject ("miner: unknown name ..." gives
/// "unknown name ..."), for re-saying it about the flag the value came from.
std::string without_subject(const std::string& message);

/// parse(value) for the value of `flag`; a bad value's error names the flag:
/// "--strategy: unknown name 'semi-hard' (expected ...)".
template <class Parse>
auto parse_flag(const std::string& flag, const std::string& value, const Parse& parse)
    -> decltype(parse(value)) {
  try {
    return parse(value);
  } catch (const InputError& error) {
    throw InputError(flag + ": " + without_subject(error.what()));
  }
}

/// Called once the command line is parsed and before a command runs: checks --threads and
/// --device (ConfigError for an unknown device or CUDA without one) and sets the threads.
void prepare_run(const GlobalOptions& options);

/// For the commands that compute on the CPU only (loss, mine, retrieval): InputError naming
/// `command` when --device is not cpu.
void require_cpu(const GlobalOptions& options, const std::string& command);

void add_features_command(CLI::App& app, std::shared_ptr<GlobalOptions> global);
void add_data_command(CLI::App& app, std::shared_ptr<GlobalOptions> global);
void add_retrieval_command(CLI::App& app, std::shared_ptr<GlobalOptions> global);
/// `mine` and `loss` (metric learning on embeddings from .npy files).
void add_metric_commands(CLI::App& app, std::shared_ptr<GlobalOptions> global);

}  // namespace paradigms::cli
