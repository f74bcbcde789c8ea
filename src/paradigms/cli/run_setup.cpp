#include "paradigms/cli/run_setup.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <sstream>

#include "paradigms/cli/progress.h"
#include "paradigms/config/yaml.h"
#include "paradigms/core/device.h"
#include "paradigms/core/error.h"
#include "paradigms/core/files.h"
#include "paradigms/data/crop.h"
#include "paradigms/data/feature_cache.h"

namespace fs = std::filesystem;

namespace paradigms::cli {

YAML::Node load_config(const std::string& path, const std::vector<std::string>& overrides) {
  YAML::Node root = config::load_yaml_file(path);
  if (!root.IsMap()) {
    throw ConfigError("config file " + in_quotes(path) + ": expected a mapping of sections");
  }
  config::apply_overrides(root, overrides);
  return root;
}

config::RunConfig run_dir_config(const fs::path& run_dir) {
  const fs::path path = run_dir / "config.yaml";
  check_input(fs::is_regular_file(path), "run folder " + in_quotes(run_dir.string()) +
                                             " has no config.yaml (not a run folder)");
  return config::read_run_config(load_config(path.string(), {}));
}

fs::path run_checkpoint(const fs::path& run_dir, const std::string& which) {
  check_input(which == "best" || which == "last",
              "--checkpoint: expected best or last (got " + in_quotes(which) + ")");
  const fs::path path = run_dir / "checkpoints" / (which + ".pt");
  check_input(fs::is_regular_file(path), "run folder " + in_quotes(run_dir.string()) + " has no " +
                                             which + " checkpoint (" + path.string() + ")");
  return path;
}

SupervisedParadigm& PreparedRun::supervised(const std::string& command) const {
  auto* supervised = dynamic_cast<SupervisedParadigm*>(paradigm.get());
  check_input(supervised != nullptr, command + ": the run's paradigm is " +
                                         in_quotes(paradigm->name()) +
                                         "; this command needs a supervised run");
  return *supervised;
}

PreparedRun prepare_run_from_config(const config::RunConfig& config, const GlobalOptions& global) {
  PreparedRun run;
  run.config = config;
  const c10::Device device = parse_device(global.device);
  Progress render("rendering notes");
  data::Dataset dataset = data::load_dataset(
      config.data, [&](std::size_t done, std::size_t total) { render.update(done, total); });
  render.finish();
  for (const auto& problem : dataset.problems) spdlog::warn("{}", problem.message);
  if (!dataset.problems.empty()) {
    spdlog::warn("{} input(s) skipped while loading {}", dataset.problems.size(), dataset.source);
  }
  if (run.config.loss_from_targets) {
    run.config.supervised.loss.kind = default_loss(dataset.target_kind);
  }
  run.frontend = std::make_unique<audio::FrontEnd>(config.frontend, device);
  const fs::path cache_dir =
      (global.cache_dir.empty() ? default_cache_dir() : fs::path(global.cache_dir)) / "features";
  const data::FeatureCache cache(cache_dir, config.frontend);
  std::vector<std::size_t> all(dataset.items.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  data::ExtractionStats stats;
  std::vector<data::Problem> problems;
  Progress progress("features");
  auto features = data::extract_features(
      dataset, all, *run.frontend, &cache, data::ExtractOptions{64, config.data.load.strict}, stats,
      problems, [&](std::size_t done, std::size_t total) { progress.update(done, total); });
  progress.finish();
  for (const auto& problem : problems) spdlog::warn("skipped: {}", problem.message);
  spdlog::info("features: {} computed, {} from cache, {} skipped ({})", stats.computed,
               stats.cached, stats.failed, config.frontend.describe());
  run.examples = std::make_shared<train::Examples>(
      dataset, std::move(features), data::crop_length(config.data.duration_s, config.frontend));
  spdlog::info("data: {} ({}, {} classes): train {}, valid {}, test {} items; crops of {} frames",
               dataset.source, data::to_string(dataset.target_kind), dataset.num_classes(),
               run.examples->split(data::Split::Train).size(),
               run.examples->split(data::Split::Valid).size(),
               run.examples->split(data::Split::Test).size(), run.examples->crop_frames());
  // libtorch seeds its default generator from the OS: seed it, so the initial weights (and
  // with them the whole run) depend on train.seed only.
  torch::manual_seed(train::mix_seed(config.trainer.seed, 3));
  std::shared_ptr<torch::nn::Module> model;
  if (config.paradigm == "metric") {
    auto metric = std::make_unique<MetricLearningParadigm>(
        run.examples, run.config.metric, config.trainer.batching.batch_size, device);
    model = metric->model().ptr();
    spdlog::info("metric learning: {}", run.config.metric.describe());
    run.paradigm = std::move(metric);
  } else {
    auto supervised =
        std::make_unique<SupervisedParadigm>(run.examples, run.config.supervised, device);
    model = supervised->model().ptr();
    spdlog::info("loss: {}", run.config.supervised.loss.describe());
    run.paradigm = std::move(supervised);
  }
  std::ostringstream model_text;
  model_text << *model;
  spdlog::info("model: {}", run.config.supervised.model.describe());
  spdlog::debug("{}", model_text.str());
  spdlog::info("parameters: {}", models::parameter_count(*model));
  spdlog::info("optimizer: {}", run.config.supervised.optimizer.describe());
  return run;
}

}  // namespace paradigms::cli
