// `paradigms data notes` (render the embedded dataset and extract its features) and
// `paradigms data info SPEC` (counts, durations, problems).

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "paradigms/cli/commands.h"
#include "paradigms/cli/progress.h"
#include "paradigms/config/data_config.h"
#include "paradigms/config/run_config.h"
#include "paradigms/core/device.h"
#include "paradigms/core/error.h"
#include "paradigms/core/files.h"
#include "paradigms/data/dataset_info.h"
#include "paradigms/data/feature_cache.h"
#include "paradigms/data/general_midi.h"
#include "paradigms/data/npy_tensor.h"

namespace fs = std::filesystem;

namespace paradigms::cli {
namespace {

// The whole file is checked, so a typo in any section is reported.
data::DataSpec spec_from_config(const std::string& path) {
  YAML::Node root = config::load_yaml_file(path);
  check_input(root.IsMap() && root["data"],
              "config file " + in_quotes(path) + " has no `data:` section");
  try {
    return config::read_run_config(root).data;
  } catch (const ConfigError& error) {
    throw ConfigError(path + ": " + error.what());
  }
}

fs::path feature_cache_dir(const GlobalOptions& global) {
  return global.cache_dir.empty() ? default_cache_dir() / "features"
                                  : fs::path(global.cache_dir) / "features";
}

struct NotesArgs {
  std::string out, config, soundfont;
  std::vector<int> programs, velocities;
  int pitch_min = -1, pitch_max = -1, pitch_step = -1, render_rate = -1;
  bool no_features = false;
  FrontendFlags frontend;
};

int run_notes(const NotesArgs& args, CLI::App& command, const GlobalOptions& global) {
  prepare_run(global);
  data::DataSpec spec = args.config.empty() ? data::DataSpec{} : spec_from_config(args.config);
  check_input(spec.source == data::DataSource::Notes,
              "data notes --config " + in_quotes(args.config) + ": data.source is " +
                  data::to_string(spec.source) + " (expected notes)");
  data::NotesOptions& notes = spec.notes;
  if (command.count("--soundfont")) notes.soundfont = args.soundfont;
  if (command.count("--programs")) notes.programs = args.programs;
  if (command.count("--velocities")) notes.velocities = args.velocities;
  if (command.count("--pitch-min")) notes.pitch_min = args.pitch_min;
  if (command.count("--pitch-max")) notes.pitch_max = args.pitch_max;
  if (command.count("--pitch-step")) notes.pitch_step = args.pitch_step;
  if (command.count("--render-rate")) notes.sample_rate = args.render_rate;
  notes.threads = global.threads;
  notes.validate();
  const audio::FrontendOptions frontend_options = args.frontend.resolve(args.config);
  const std::string dir = !args.out.empty()    ? args.out
                          : !spec.path.empty() ? spec.path
                                               : data::default_notes_dir(notes);
  spdlog::info("notes: {}", notes.describe());
  const auto start = std::chrono::steady_clock::now();
  Progress render_progress("rendering notes");
  const data::NotesCollection collection = data::render_notes(
      notes, dir,
      [&](std::size_t done, std::size_t total) { render_progress.update(done, total); });
  render_progress.finish();
  const double render_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::set<int> programs, families;
  for (const auto& note : collection.notes) {
    programs.insert(note.program);
    families.insert(data::program_family(note.program));
  }
  spdlog::info("{} {} notes in {} ({} programs, {} families); {} silent renders dropped; {:.1f} s",
               collection.from_cache ? "reused" : "rendered", collection.notes.size(), dir,
               programs.size(), families.size(), collection.silent.size(), render_s);
  for (const auto& note : collection.silent) {
    spdlog::debug("silent: program {} ({}), pitch {}, velocity {}", note.program,
                  data::program_name(note.program), note.pitch, note.velocity);
  }
  if (args.no_features) return 0;

  const data::Dataset dataset = data::notes_dataset(collection, spec.notes_dataset);
  const audio::FrontEnd frontend(frontend_options, parse_device(global.device));
  const data::FeatureCache cache(feature_cache_dir(global), frontend_options);
  spdlog::info("front-end: {}", frontend_options.describe());
  std::vector<std::size_t> all(dataset.items.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  data::ExtractionStats stats;
  std::vector<data::Problem> problems;
  Progress feature_progress("extracting features");
  const auto features = data::extract_features(
      dataset, all, frontend, &cache, data::ExtractOptions{64, false}, stats, problems,
      [&](std::size_t done, std::size_t total) { feature_progress.update(done, total); });
  feature_progress.finish();
  for (const auto& problem : problems) spdlog::warn("{}", problem.message);
  check_input(problems.empty(), "features: " + std::to_string(problems.size()) +
                                    " rendered notes could not be read back from " +
                                    in_quotes(dir));
  const torch::Tensor stacked = torch::stack(features);
  const fs::path features_path = fs::path(dir) / "features.npy";
  data::save_npy(features_path, stacked);
  const nlohmann::json description = {{"frontend", frontend_options.describe()},
                                      {"shape", stacked.sizes().vec()},
                                      {"rows", "manifest.csv rows, in order"}};
  write_text_atomically(fs::path(dir) / "features.json", description.dump(2) + "\n");
  const double total_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info("features {} -> {} ({} computed, {} from cache {}); total {:.1f} s",
               fmt::join(stacked.sizes(), " x "), features_path.string(), stats.computed,
               stats.cached, cache.dir().string(), total_s);
  std::cout << features_path.string() << "\n";
  return 0;
}

struct InfoArgs {
  std::string spec;
  bool json = false, decode = false, strict = false;
};

void print_info(const data::DatasetInfo& info) {
  std::int64_t items = 0;
  for (const auto& [split, count] : info.split_counts) items += count;
  std::cout << "dataset: " << info.source << " (" << data::to_string(info.target_kind) << ", "
            << info.class_counts.size() << " classes, " << items << " items"
            << (info.unusable_items > 0
                    ? ", " + std::to_string(info.unusable_items) + " unusable files not counted"
                    : std::string())
            << ")\n";
  std::cout << "splits:";
  for (const auto& [split, count] : info.split_counts) std::cout << " " << split << "=" << count;
  std::cout << "\n";
  if (info.durations.files > 0) {
    std::cout << fmt::format(
        "durations: {} files, total {:.1f} s, min {:.3f} s, mean {:.3f} s, "
        "max {:.3f} s; sample rates {}; channels {}\n",
        info.durations.files, info.durations.total_s, info.durations.min_s, info.durations.mean_s,
        info.durations.max_s, fmt::join(info.sample_rates, ","),
        fmt::join(info.channel_counts, ","));
  }
  std::cout << "per class (train/valid/test):\n";
  for (const auto& [name, counts] : info.class_counts) {
    auto count = [&](const char* split) {
      const auto it = counts.find(split);
      return it == counts.end() ? std::int64_t(0) : it->second;
    };
    std::cout << fmt::format("  {:<28} {:>6} {:>6} {:>6}\n", name, count("train"), count("valid"),
                             count("test"));
  }
  std::cout << "problems: " << info.problems.size() << "\n";
  for (const auto& problem : info.problems) std::cout << "  " << problem.message << "\n";
}

int run_info(const InfoArgs& args, const GlobalOptions& global) {
  prepare_run(global);
  const bool yaml =
      fs::path(args.spec).extension() == ".yaml" || fs::path(args.spec).extension() == ".yml";
  data::DataSpec spec =
      yaml ? spec_from_config(args.spec) : data::data_spec_from_argument(args.spec);
  spec.load.strict = spec.load.strict || args.strict;
  Progress progress("rendering notes");
  const data::Dataset dataset = data::load_dataset(
      spec, [&](std::size_t done, std::size_t total) { progress.update(done, total); });
  progress.finish();
  const data::DatasetInfo info = data::inspect_dataset(dataset, args.decode);
  if (args.strict && !info.problems.empty()) throw InputError(info.problems.front().message);
  if (args.json) {
    std::cout << data::to_json(info).dump(2) << "\n";
  } else {
    print_info(info);
  }
  return 0;
}

}  // namespace

void add_data_command(CLI::App& app, std::shared_ptr<GlobalOptions> global) {
  CLI::App* data = app.add_subcommand("data", "Datasets: render the notes dataset, inspect one");
  data->require_subcommand(1);

  auto notes = std::make_shared<NotesArgs>();
  CLI::App* notes_command = data->add_subcommand(
      "notes",
      "Render the embedded notes dataset (GM instruments via fluidsynth) and extract "
      "its features");
  notes_command->add_option("--out", notes->out,
                            "render folder (default: the user cache, keyed by parameters)");
  notes_command
      ->add_option("--config", notes->config,
                   "YAML with `data:` (and `notes:` inside it) and `frontend:` sections")
      ->check(CLI::ExistingFile);
  notes_command->add_option("--soundfont", notes->soundfont, "General MIDI .sf2 file");
  notes_command->add_option("--programs", notes->programs, "GM programs 0-127 (default all)");
  notes_command->add_option("--velocities", notes->velocities, "MIDI velocities");
  notes_command->add_option("--pitch-min", notes->pitch_min, "lowest MIDI pitch");
  notes_command->add_option("--pitch-max", notes->pitch_max, "highest MIDI pitch");
  notes_command->add_option("--pitch-step", notes->pitch_step, "semitones between pitches");
  notes_command->add_option("--render-rate", notes->render_rate, "render sample rate, Hz");
  notes_command->add_flag("--no-features", notes->no_features, "render only");
  notes->frontend.add_to(*notes_command, /*config_flag=*/false);
  notes_command->callback([notes, notes_command, global] {
    const int code = run_notes(*notes, *notes_command, *global);
    if (code != 0) throw CLI::RuntimeError(code);
  });

  auto info = std::make_shared<InfoArgs>();
  CLI::App* info_command = data->add_subcommand(
      "info", "Counts per split and class, durations and problems of a dataset");
  info_command
      ->add_option("spec", info->spec,
                   "`notes`, a notes render folder, a class-folder root, a .csv "
                   "manifest, or a YAML config with a `data:` section")
      ->required();
  info_command->add_flag("--json", info->json, "print JSON");
  info_command->add_flag("--decode", info->decode,
                         "decode every file (finds NaN samples and corrupt bodies)");
  info_command->add_flag("--strict", info->strict, "fail at the first problem");
  info_command->callback([info, global] {
    const int code = run_info(*info, *global);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace paradigms::cli
