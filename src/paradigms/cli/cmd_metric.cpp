// `paradigms mine` (the triplets a miner selects, as a CSV) and `paradigms loss` (a metric
// loss and its gradient on embeddings from .npy files, optionally timed).

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "paradigms/cli/commands.h"
#include "paradigms/cli/npy_inputs.h"
#include "paradigms/cli/timing.h"
#include "paradigms/core/error.h"
#include "paradigms/core/memory.h"
#include "paradigms/data/npy_tensor.h"
#include "paradigms/losses/metric_loss.h"
#include "paradigms/miners/miner.h"

namespace fs = std::filesystem;

namespace paradigms::cli {
namespace {

struct InputArgs {
  std::string embeddings, labels, ref_embeddings, ref_labels, distance;
  bool no_normalize = false;
};

void add_input_flags(CLI::App& command, InputArgs& args) {
  command.add_option("--embeddings", args.embeddings, "float32/64 .npy [N, D]")->required();
  command.add_option("--labels", args.labels, "integer .npy [N]")->required();
  command.add_option("--ref-embeddings", args.ref_embeddings, "reference set .npy [M, D]");
  command.add_option("--ref-labels", args.ref_labels, "reference labels .npy [M]");
  command.add_option("--distance", args.distance,
                     "euclidean, squared_euclidean, cosine or dot (default: loss: the loss's; "
                     "mine: euclidean)");
  command.add_flag("--no-normalize", args.no_normalize, "do not L2-normalise the rows");
}

miners::LabeledEmbeddings load_batch(const InputArgs& args) {
  miners::LabeledEmbeddings batch;
  batch.embeddings = load_embeddings("--embeddings", args.embeddings);
  batch.labels = load_labels("--labels", args.labels, batch.embeddings.size(0), "--embeddings");
  check_input(args.ref_embeddings.empty() == args.ref_labels.empty(),
              "--ref-embeddings and --ref-labels must be given together");
  if (!args.ref_embeddings.empty()) {
    batch.ref_embeddings = load_embeddings("--ref-embeddings", args.ref_embeddings);
    batch.ref_labels = load_labels("--ref-labels", args.ref_labels, batch.ref_embeddings.size(0),
                                   "--ref-embeddings");
    check_input(batch.ref_embeddings.size(1) == batch.embeddings.size(1),
                "--ref-embeddings: expected " + std::to_string(batch.embeddings.size(1)) +
                    " columns like --embeddings (got " +
                    std::to_string(batch.ref_embeddings.size(1)) + ")");
    batch.ref_embeddings = batch.ref_embeddings.to(batch.embeddings.scalar_type());
  }
  return batch;
}

/// A number as the user would write it: 0.2, -3, nan.
std::string number_text(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

/// Triplet and miner margins: finite and >= 0 (a negative one selects nothing as semi-hard
/// and rewards violations as a hinge).
void check_margin(const std::string& flag, double margin) {
  check_input(std::isfinite(margin) && margin >= 0,
              flag + ": expected a finite number >= 0 (got " + number_text(margin) + ")");
}

distances::DistanceOptions distance_of(const InputArgs& args, distances::DistanceOptions base) {
  if (!args.distance.empty())
    base.kind = parse_flag("--distance", args.distance, distances::parse_distance);
  if (args.no_normalize) base.normalize = false;
  return base;
}

struct MineArgs {
  InputArgs input;
  std::string strategy, out, items;
  double margin = 0.2;
  std::int64_t per_anchor = 1, max_per_anchor = 0;
  std::uint64_t seed = 0;
};

int run_mine(const MineArgs& args, const GlobalOptions& global) {
  prepare_run(global);
  require_cpu(global, "mine");
  check_input(!args.out.empty() && !fs::is_directory(args.out),
              "--out " + in_quotes(args.out) + ": expected a CSV file path (got " +
                  (args.out.empty() ? "nothing" : "a folder") + ")");
  miners::MinerOptions miner;
  const char* triplet_miners =
      "(expected all, hard, semihard, easy, batch-hard, batch-semihard or random)";
  try {
    miner.kind = miners::parse_miner(args.strategy);
  } catch (const InputError&) {
    throw InputError("--strategy: unknown name " + in_quotes(args.strategy) + " " +
                     triplet_miners);
  }
  check_input(miners::selects_triplets(miner.kind), "--strategy " + in_quotes(args.strategy) +
                                                        ": not a triplet miner " +
                                                        triplet_miners);
  check_margin("--margin", args.margin);
  miner.margin = args.margin;
  check_count("--triplets-per-anchor", args.per_anchor, 1);
  miner.triplets_per_anchor = args.per_anchor;
  miner.validate();
  check_count("--max-per-anchor", args.max_per_anchor, 0, ", 0 for all");
  const miners::LabeledEmbeddings batch = load_batch(args.input);
  // Rows to dataset item indices (`paradigms embed` writes them as E.items.npy), so the CSV
  // is a triplets file for training.
  at::Tensor item_of;
  if (!args.items.empty()) {
    check_input(!batch.has_references(),
                "--items maps the rows of one set: it cannot be used with --ref-embeddings");
    item_of = load_labels("--items", args.items, batch.embeddings.size(0), "--embeddings",
                          "item indices");
  }
  std::mt19937_64 rng(args.seed);
  const miners::Triplets triplets =
      miners::mine_triplets(batch, miner, distance_of(args.input, {}), args.max_per_anchor, &rng);
  const fs::path out(args.out), partial(args.out + ".partial");
  if (out.has_parent_path()) fs::create_directories(out.parent_path());
  {
    std::ofstream file(partial);
    check_input(bool(file), "--out " + in_quotes(args.out) + ": cannot write");
    file << "a,p,n\n";
    at::Tensor rows = triplets.as_rows();
    if (item_of.defined() && rows.numel() > 0) rows = item_of.index({rows});
    rows = rows.contiguous();
    const std::int64_t* r = rows.data_ptr<std::int64_t>();
    std::string line;
    for (std::int64_t i = 0; i < triplets.size(); ++i) {
      line = std::to_string(r[3 * i]) + ',' + std::to_string(r[3 * i + 1]) + ',' +
             std::to_string(r[3 * i + 2]) + '\n';
      file << line;
    }
    file.close();
    if (!file) fs::remove(partial);
    check_input(bool(file), "--out " + in_quotes(args.out) + ": write failed");
  }
  std::error_code error;
  fs::rename(partial, out, error);
  if (error) {
    fs::remove(partial);
    throw InputError("--out " + in_quotes(args.out) + ": cannot write (" + error.message() + ")");
  }
  std::cout << triplets.size() << "\n";
  return 0;
}

struct LossArgs {
  InputArgs input;
  std::string loss = "triplet", miner = "none", grad_out;
  double margin = 0.2, pos_margin = 0.0, neg_margin = 1.0, temperature = 0;
  std::set<std::string> given;  ///< the flags on the command line
  bool soft_plus = false, swap = false, mean = false, json = false;
  std::int64_t per_anchor = 1;
  std::uint64_t seed = 0;
  int repeat = 0;
};

/// Refuses a given flag that the chosen loss and miner would ignore.
void check_applies(const LossArgs& args, losses::MetricLossKind loss, miners::MinerKind miner) {
  using losses::MetricLossKind;
  using miners::MinerKind;
  const bool triplet = loss == MetricLossKind::Triplet;
  const bool threshold = miner == MinerKind::All || miner == MinerKind::Hard ||
                         miner == MinerKind::SemiHard || miner == MinerKind::Easy;
  const bool pairs = loss == MetricLossKind::Contrastive || miner == MinerKind::Pair;
  const bool temperature = loss == MetricLossKind::NtXent || loss == MetricLossKind::SupCon;
  const std::vector<std::pair<const char*, bool>> rules = {
      {"--soft-plus", triplet},
      {"--swap", triplet},
      {"--mean", triplet || loss == MetricLossKind::Contrastive},
      {"--margin", triplet || threshold},
      {"--pos-margin", pairs},
      {"--neg-margin", pairs},
      {"--temperature", temperature},
      {"--triplets-per-anchor", miner == MinerKind::Random},
      {"--seed", miner == MinerKind::Random},
  };
  for (const auto& [flag, applies] : rules)
    check_input(applies || args.given.count(flag) == 0,
                std::string(flag) + ": does not apply to --loss " + args.loss + " with --miner " +
                    args.miner);
}

int run_loss(const LossArgs& args, const GlobalOptions& global) {
  prepare_run(global);
  require_cpu(global, "loss");
  losses::MetricLossOptions options;
  options.kind = parse_flag("--loss", args.loss, losses::parse_metric_loss);
  check_applies(args, options.kind, parse_flag("--miner", args.miner, miners::parse_miner));
  options.distance = distance_of(args.input, losses::default_distance(options.kind));
  check_margin("--margin", args.margin);
  check_input(std::isfinite(args.pos_margin) && std::isfinite(args.neg_margin),
              "--pos-margin, --neg-margin: expected finite numbers (got " +
                  number_text(args.pos_margin) + ", " + number_text(args.neg_margin) + ")");
  options.margin = args.margin;
  options.pos_margin = args.pos_margin;
  options.neg_margin = args.neg_margin;
  if (args.given.count("--temperature") != 0) {
    check_input(args.temperature > 0 && std::isfinite(args.temperature),
                "--temperature: expected a finite number > 0 (got " +
                    number_text(args.temperature) + ")");
    options.temperature = args.temperature;
  } else {
    options.temperature = losses::default_temperature(options.kind);
  }
  options.soft_plus = args.soft_plus;
  options.swap = args.swap;
  if (args.mean) options.reduction = losses::MetricReduction::Mean;
  options.validate();
  miners::MinerOptions miner;
  miner.kind = parse_flag("--miner", args.miner, miners::parse_miner);
  miner.margin = args.margin;
  miner.pos_margin = args.pos_margin;
  miner.neg_margin = args.neg_margin;
  check_count("--triplets-per-anchor", args.per_anchor, 1);
  miner.triplets_per_anchor = args.per_anchor;
  miner.validate();
  check_count("--repeat", args.repeat, 0);
  miners::LabeledEmbeddings batch = load_batch(args.input);
  spdlog::info("loss: {}; miner: {}", options.describe(), miner.describe());
  std::mt19937_64 rng(args.seed);
  const auto step = [&] {
    miners::LabeledEmbeddings b = batch;
    b.embeddings = batch.embeddings.detach().requires_grad_(true);
    losses::MetricLossResult result = losses::metric_loss(b, options, miner, &rng);
    result.loss.backward();
    return std::make_pair(result, b.embeddings.grad());
  };
  const auto [result, grad] = step();
  const double value = result.loss.item<double>();
  nlohmann::json out = {{"loss", value}, {"tuples", result.tuples}, {"nonzero", result.nonzero}};
  if (args.repeat > 0) {
    out["median_ms"] = median_ms(args.repeat, step);
    out["peak_rss_mb"] = peak_rss_mb();
  }
  if (!args.grad_out.empty()) data::save_npy(args.grad_out, grad);
  if (args.json) {
    std::cout << out.dump() << "\n";
    return 0;
  }
  char line[128];
  std::snprintf(line, sizeof line, "loss %.8g tuples %lld nonzero %lld", value,
                static_cast<long long>(result.tuples), static_cast<long long>(result.nonzero));
  std::cout << line;
  if (args.repeat > 0) {
    std::snprintf(line, sizeof line, " median_ms %.3f peak_rss_mb %.1f",
                  out["median_ms"].get<double>(), out["peak_rss_mb"].get<double>());
    std::cout << line;
  }
  std::cout << "\n";
  return 0;
}

}  // namespace

void add_metric_commands(CLI::App& app, std::shared_ptr<GlobalOptions> global) {
  auto mine = std::make_shared<MineArgs>();
  CLI::App* mine_command =
      app.add_subcommand("mine", "Write the triplets a miner selects (a,p,n rows) as CSV");
  add_input_flags(*mine_command, mine->input);
  mine_command
      ->add_option("--strategy", mine->strategy,
                   "all, hard, semihard, easy, batch-hard, batch-semihard or random")
      ->required();
  mine_command->add_option("--margin", mine->margin, "threshold miners: m")->capture_default_str();
  mine_command->add_option("--triplets-per-anchor", mine->per_anchor, "random: per anchor")
      ->capture_default_str();
  mine_command->add_option("--max-per-anchor", mine->max_per_anchor,
                           "keep at most this many per anchor, drawn at random (0: all)");
  mine_command->add_option("--seed", mine->seed, "seed of the random draws");
  mine_command->add_option("--out", mine->out, "CSV with header a,p,n")->required();
  mine_command->add_option("--items", mine->items,
                           "int64 .npy [N]: write these ids (dataset item indices, as "
                           "`paradigms embed` writes E.items.npy) instead of row numbers");
  mine_command->callback([mine, global] {
    const int code = run_mine(*mine, *global);
    if (code != 0) throw CLI::RuntimeError(code);
  });

  auto loss = std::make_shared<LossArgs>();
  CLI::App* loss_command =
      app.add_subcommand("loss", "A metric loss (and its gradient) on embeddings with labels");
  add_input_flags(*loss_command, loss->input);
  loss_command->add_option("--loss", loss->loss, "triplet, contrastive, ntxent or supcon")
      ->capture_default_str();
  loss_command->add_option("--miner", loss->miner, "a miner name of `mine`, pair or none")
      ->capture_default_str();
  loss_command->add_option("--margin", loss->margin, "triplet and miner margin")
      ->capture_default_str();
  loss_command->add_option("--pos-margin", loss->pos_margin, "contrastive / pair miner")
      ->capture_default_str();
  loss_command->add_option("--neg-margin", loss->neg_margin, "contrastive / pair miner")
      ->capture_default_str();
  loss_command->add_option("--temperature", loss->temperature,
                           "ntxent, supcon (default 0.07 and 0.1)");
  loss_command->add_flag("--soft-plus", loss->soft_plus, "triplet: soft-plus instead of hinge");
  loss_command->add_flag("--swap", loss->swap, "triplet: distance swap");
  loss_command->add_flag("--mean", loss->mean, "average over all terms, not the non-zero ones");
  loss_command->add_option("--triplets-per-anchor", loss->per_anchor, "random miner");
  loss_command->add_option("--seed", loss->seed, "seed of the random miner");
  loss_command->add_option("--grad-out", loss->grad_out, "write d loss / d embeddings (.npy)");
  loss_command->add_option("--repeat", loss->repeat,
                           "time N forward+backward runs after a warm-up");
  loss_command->add_flag("--json", loss->json, "print JSON");
  loss_command->callback([loss, global, loss_command] {
    for (const CLI::Option* option : loss_command->get_options())
      if (option->count() > 0)
        for (const std::string& name : option->get_lnames()) loss->given.insert("--" + name);
    const int code = run_loss(*loss, *global);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace paradigms::cli
