// The `paradigms` command line.

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>

#include "paradigms/cli/commands.h"
#include "paradigms/cli/logging.h"
#include "paradigms/cli/run_setup.h"
#include "paradigms/core/error.h"
#include "paradigms/core/memory.h"

int main(int argc, char** argv) {
  using namespace paradigms;
  keep_freed_memory();  // before any thread starts; see memory.h
  CLI::App app{"paradigms: train and evaluate audio models for music information retrieval"};
  app.require_subcommand(1);
  auto global = std::make_shared<cli::GlobalOptions>();
  app.add_option("--threads", global->threads, "compute threads (default: all cores)");
  app.add_option("--device", global->device, "cpu, cuda or cuda:N")->capture_default_str();
  app.add_option("--log-level", global->log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str();
  app.add_option("--cache-dir", global->cache_dir,
                 "cache folder (default $PARADIGMS_CACHE or ~/.cache/paradigms)");
  app.fallthrough();
  app.parse_complete_callback([global] { cli::setup_logging(global->log_level); });
  cli::add_features_command(app, global);
  cli::add_data_command(app, global);
  cli::add_metric_commands(app, global);
  cli::add_train_command(app, global);
  cli::add_run_commands(app, global);
  cli::add_retrieval_command(app, global);
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& error) {
    return error.get_exit_code();
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help
    // A malformed command line reads like any other bad input: one [E] line, exit code 2.
    if (spdlog::get("paradigms") == nullptr) cli::setup_logging("info");
    spdlog::error("{} (see --help)", error.what());
    return 2;
  } catch (const InputError& error) {
    spdlog::error("{}", error.what());
    return 2;
  } catch (const std::filesystem::filesystem_error& error) {
    spdlog::error("{}", error.what());
    return 2;
  } catch (const std::exception& error) {
    spdlog::error("{}", error.what());
    return 3;
  }
  return 0;
}
