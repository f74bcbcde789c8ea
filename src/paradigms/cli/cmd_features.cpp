// `paradigms features AUDIO... --out PATH`: log-mel (or waveform) features as float32 .npy.

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <set>

#include "paradigms/audio/load.h"
#include "paradigms/audio/log_mel.h"
#include "paradigms/cli/commands.h"
#include "paradigms/config/frontend_config.h"
#include "paradigms/config/run_config.h"
#include "paradigms/core/device.h"
#include "paradigms/core/error.h"
#include "paradigms/core/threads.h"
#include "paradigms/data/npy_tensor.h"

namespace fs = std::filesystem;

namespace paradigms::cli {

void FrontendFlags::add_to(CLI::App& command, bool config_flag) {
  command_ = &command;
  const audio::FrontendOptions d;
  if (config_flag) {
    command
        .add_option("--config", config_path_,
                    "YAML file with front-end keys (top level or under `frontend:`); flags "
                    "given on the command line win")
        ->check(CLI::ExistingFile);
  }
  command.add_option("--frontend", kind_, "logmel or waveform (default logmel)");
  command.add_option("--sample-rate", flags_.sample_rate, "Hz; audio is resampled to it")
      ->default_val(d.sample_rate);
  command.add_option("--n-fft", flags_.n_fft, "FFT size in samples")->default_val(d.n_fft);
  command.add_option("--win-length", flags_.win_length, "window length in samples (0 = n_fft)")
      ->default_val(d.win_length);
  command.add_option("--hop-length", flags_.hop_length, "samples between frames")
      ->default_val(d.hop_length);
  command.add_option("--n-mels", flags_.n_mels, "mel bands")->default_val(d.n_mels);
  command.add_option("--f-min", flags_.f_min, "lowest band edge, Hz")->default_val(d.f_min);
  command.add_option("--f-max", flags_.f_max, "highest band edge, Hz (0 = sample_rate / 2)")
      ->default_val(d.f_max);
  command.add_option("--mel-scale", mel_scale_, "slaney or htk (default slaney)");
  command.add_option("--mel-norm", mel_norm_, "slaney or none (default slaney)");
  command.add_option("--compression", compression_, "log1p, db or none (default log1p)");
  command.add_option("--log1p-scale", flags_.log1p_scale, "C in log(1 + C x)")
      ->default_val(d.log1p_scale);
  command.add_option("--db-floor", flags_.db_floor, "power floor in dB mode")
      ->default_val(d.db_floor);
}

audio::FrontendOptions FrontendFlags::resolve(const std::string& config_path) const {
  audio::FrontendOptions options;
  const std::string path = config_path.empty() ? config_path_ : config_path;
  if (!path.empty()) {
    // A whole run config is checked whole (a typo anywhere is an error); otherwise the file
    // holds front-end keys only.
    YAML::Node root = config::load_yaml_file(path);
    options = config::is_run_config(root) ? config::read_run_config(root).frontend
                                          : config::read_frontend(config::Section(root, ""));
  }
  auto given = [&](const char* flag) { return command_->count(flag) > 0; };
  if (given("--frontend")) {
    options.kind = config::parse_enum("--frontend", kind_, config::frontend_kind_names());
  }
  if (given("--sample-rate")) options.sample_rate = flags_.sample_rate;
  if (given("--n-fft")) options.n_fft = flags_.n_fft;
  if (given("--win-length")) options.win_length = flags_.win_length;
  if (given("--hop-length")) options.hop_length = flags_.hop_length;
  if (given("--n-mels")) options.n_mels = flags_.n_mels;
  if (given("--f-min")) options.f_min = flags_.f_min;
  if (given("--f-max")) options.f_max = flags_.f_max;
  if (given("--mel-scale")) {
    options.mel_scale = config::parse_enum("--mel-scale", mel_scale_, config::mel_scale_names());
  }
  if (given("--mel-norm")) {
    options.mel_norm = config::parse_enum("--mel-norm", mel_norm_, config::mel_norm_names());
  }
  if (given("--compression")) {
    options.compression =
        config::parse_enum("--compression", compression_, config::compression_names());
  }
  if (given("--log1p-scale")) options.log1p_scale = flags_.log1p_scale;
  if (given("--db-floor")) options.db_floor = flags_.db_floor;
  options.validate();
  return options;
}

void require_cpu(const GlobalOptions& options, const std::string& command) {
  check_input(options.device == "cpu", "--device " + in_quotes(options.device) + ": " + command +
                                           " computes on the CPU (give --device cpu or leave "
                                           "it out)");
}

std::string without_subject(const std::string& message) {
  const auto colon = message.find(": ");
  return colon == std::string::npos ? message : message.substr(colon + 2);
}

void prepare_run(const GlobalOptions& options) {
  check_input(options.threads >= 0, "--threads: expected a count >= 1, or 0 for all cores (got " +
                                        std::to_string(options.threads) + ")");
  parse_device(options.device);  // an unknown or absent device fails before any work
  const int threads = set_torch_threads(options.threads);
  spdlog::debug("using {} threads (BLAS pool: {})", threads, blas_pool_threads());
}

namespace {

struct FeaturesArgs {
  std::vector<std::string> inputs;
  std::string out;
  bool strict = false;
  FrontendFlags frontend;
};

int run_features(const FeaturesArgs& args, const GlobalOptions& global) {
  prepare_run(global);
  const audio::FrontendOptions options = args.frontend.resolve();
  const audio::FrontEnd frontend(options, parse_device(global.device));
  spdlog::info("front-end: {}", options.describe());
  const bool single = args.inputs.size() == 1 && fs::path(args.out).extension() == ".npy";
  if (!single) {
    check_input(!fs::exists(args.out) || fs::is_directory(args.out),
                "--out " + in_quotes(args.out) +
                    " must be a folder for several inputs (or end in .npy for one)");
    std::set<std::string> stems;
    for (const auto& input : args.inputs) {
      const std::string stem = fs::path(input).stem().string();
      check_input(stems.insert(stem).second, "two inputs are named " + in_quotes(stem) +
                                                 "; their outputs would collide in " +
                                                 in_quotes(args.out));
    }
  }
  std::size_t written = 0, skipped = 0;
  for (const auto& input : args.inputs) {
    const fs::path target = single
                                ? fs::path(args.out)
                                : fs::path(args.out) / (fs::path(input).stem().string() + ".npy");
    try {
      const audio::MonoAudio audio = audio::load_mono(input, int(options.sample_rate));
      const torch::Tensor waveform =
          torch::from_blob(const_cast<float*>(audio.samples.data()),
                           {std::int64_t(audio.samples.size())}, torch::kFloat32);
      data::save_npy(target, frontend(waveform));
      ++written;
      spdlog::debug("wrote {}", target.string());
    } catch (const InputError& error) {
      if (args.strict || single) throw;
      spdlog::warn("{}", error.what());
      ++skipped;
    }
  }
  spdlog::info(
      "wrote {} feature file{} to {}{}", written, written == 1 ? "" : "s", args.out,
      skipped ? fmt::format("; skipped {} unreadable input{}", skipped, skipped == 1 ? "" : "s")
              : "");
  return written > 0 ? 0 : 1;
}

}  // namespace

void add_features_command(CLI::App& app, std::shared_ptr<GlobalOptions> global) {
  auto args = std::make_shared<FeaturesArgs>();
  CLI::App* command =
      app.add_subcommand("features",
                         "Compute log-mel (or waveform) features of audio files as float32 .npy "
                         "[n_mels, frames]");
  command->add_option("audio", args->inputs, "audio files (wav, flac, ogg, mp3, ...)")->required();
  command
      ->add_option("--out", args->out,
                   "output .npy for one input, or a folder of <name>.npy for several")
      ->required();
  command->add_flag("--strict", args->strict, "stop at the first unreadable input");
  args->frontend.add_to(*command);
  command->callback([args, global] {
    const int code = run_features(*args, *global);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace paradigms::cli
