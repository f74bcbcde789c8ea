#include "paradigms/paradigms/metric_learning.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "paradigms/core/error.h"
#include "paradigms/data/tuples_file.h"
#include "paradigms/eval/retrieval.h"

namespace paradigms {

const char* to_string(MetricSupervision supervision) {
  switch (supervision) {
    case MetricSupervision::Labels: return "labels";
    case MetricSupervision::Offline: return "offline";
    case MetricSupervision::TripletsFile: return "triplets_file";
    case MetricSupervision::PairsFile: return "pairs_file";
  }
  return "labels";
}

void MetricLearningOptions::validate() const {
  auto require = [](bool ok, const std::string& message) {
    if (!ok) throw ConfigError(message);
  };
  require(embedding_dim >= 1, fmt::format("embedding.dim must be >= 1 (got {})", embedding_dim));
  require(per_class >= 1, fmt::format("sampler.per_class must be >= 1 (got {})", per_class));
  require(refresh_epochs >= 1,
          fmt::format("supervision.refresh_epochs must be >= 1 (got {})", refresh_epochs));
  require(
      triplets_per_anchor >= 1,
      fmt::format("supervision.triplets_per_anchor must be >= 1 (got {})", triplets_per_anchor));
  require(grad_clip_norm >= 0 && eval_batch_size >= 1,
          "train: grad_clip_norm must be >= 0 and eval_batch_size >= 1");
  loss.validate();
  miner.validate();
  offline_miner.validate();
  const bool file =
      supervision == MetricSupervision::TripletsFile || supervision == MetricSupervision::PairsFile;
  require(!file || !tuples_file.empty(),
          fmt::format("supervision {} needs supervision.file (a CSV)", to_string(supervision)));
  require(supervision != MetricSupervision::Offline || miners::selects_triplets(offline_miner.kind),
          "supervision.strategy: offline mining needs a triplet miner (all, hard, semihard, easy, "
          "batch-hard, batch-semihard or random)");
  const bool pair_loss = loss.kind != losses::MetricLossKind::Triplet;
  require(supervision != MetricSupervision::PairsFile ||
              (pair_loss && loss.kind != losses::MetricLossKind::SupCon),
          "supervision pairs_file trains a pair loss: loss.kind contrastive or ntxent");
  require(supervision == MetricSupervision::Labels || loss.kind != losses::MetricLossKind::SupCon,
          "loss.kind supcon needs labels supervision");
}

std::string MetricLearningOptions::describe() const {
  std::string text =
      fmt::format("supervision {}, embedding {}{}, loss {}", to_string(supervision), embedding_dim,
                  normalize_embeddings ? " (normalized)" : "", loss.describe());
  switch (supervision) {
    case MetricSupervision::Labels:
      text += fmt::format(", miner {}, {}", miner.describe(),
                          class_balanced ? fmt::format("{} per class", per_class)
                                         : std::string("shuffled batches"));
      break;
    case MetricSupervision::Offline:
      text += fmt::format(", offline {} every {} epoch(s), {} per anchor", offline_miner.describe(),
                          refresh_epochs, triplets_per_anchor);
      break;
    default: text += ", file " + tuples_file; break;
  }
  return text;
}

namespace {

struct TupleStateImpl : torch::nn::Module {
  TupleStateImpl() { tuples = register_buffer("tuples", torch::zeros({0, 3}, torch::kInt64)); }
  torch::Tensor tuples;
};

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

}  // namespace

MetricLearningParadigm::MetricLearningParadigm(std::shared_ptr<const train::Examples> examples,
                                               MetricLearningOptions options,
                                               std::int64_t batch_size, c10::Device device)
    : examples_(std::move(examples)),
      options_(std::move(options)),
      batch_size_(batch_size),
      device_(device) {
  options_.validate();
  check_input(examples_->target_kind() == data::TargetKind::SingleLabel,
              fmt::format("metric learning needs one class label per item (the dataset has {} "
                          "targets)",
                          data::to_string(examples_->target_kind())));
  check_input(batch_size_ >= 1, "metric learning: train.batch_size must be an integer >= 1");
  if (options_.supervision == MetricSupervision::Labels && options_.class_balanced) {
    train::ClassBalancedOptions{batch_size_, options_.per_class}.validate();
  }
  model_ = models::Classifier(options_.model, examples_->channels(), options_.embedding_dim);
  model_->to(device_);
  optimizer_ = optim::make_optimizer(model_->parameters(), options_.optimizer);
  auto state = std::make_shared<TupleStateImpl>();
  tuple_state_ = state;

  const std::int64_t train_count = std::int64_t(train_items().size());
  steps_per_epoch_ = ceil_div(std::max<std::int64_t>(train_count, 1), batch_size_);
  if (options_.supervision == MetricSupervision::TripletsFile ||
      options_.supervision == MetricSupervision::PairsFile) {
    std::vector<std::string> paths;
    std::vector<bool> in_train;
    for (std::size_t i = 0; i < examples_->item_count(); ++i) {
      paths.push_back(examples_->item(i).path);
    }
    in_train.assign(paths.size(), false);
    for (std::size_t i : train_items()) in_train[i] = true;
    const auto check_train = [&](std::size_t item, std::size_t row) {
      check_input(in_train[item],
                  fmt::format("{} row {}: item {} ({}) is not in the training "
                              "split (or was skipped)",
                              in_quotes(options_.tuples_file), row + 1, item, paths[item]));
    };
    std::vector<std::int64_t> flat;
    if (options_.supervision == MetricSupervision::TripletsFile) {
      const auto triplets = data::read_triplets_file(options_.tuples_file, paths);
      for (std::size_t r = 0; r < triplets.size(); ++r) {
        for (std::size_t item : triplets[r]) {
          check_train(item, r);
          flat.push_back(std::int64_t(item));
        }
      }
    } else {
      const auto pairs = data::read_pairs_file(options_.tuples_file, paths);
      for (std::size_t r = 0; r < pairs.size(); ++r) {
        check_train(pairs[r].first, r);
        check_train(pairs[r].second, r);
        flat.insert(flat.end(), {std::int64_t(pairs[r].first), std::int64_t(pairs[r].second),
                                 pairs[r].similar ? 1 : 0});
      }
    }
    state->tuples.set_(torch::tensor(flat, torch::kInt64).view({-1, 3}));
    steps_per_epoch_ = ceil_div(state->tuples.size(0), batch_size_);
  }
}

NamedModules MetricLearningParadigm::modules() {
  NamedModules named{{"model", model_.ptr()}};
  if (options_.supervision != MetricSupervision::Labels) named.emplace_back("tuples", tuple_state_);
  return named;
}

NamedOptimizers MetricLearningParadigm::optimizers() { return {{"optimizer", optimizer_.get()}}; }

double MetricLearningParadigm::base_learning_rate(const std::string& /*optimizer*/) const {
  return options_.optimizer.lr;
}

std::vector<std::size_t> MetricLearningParadigm::train_items() const {
  return examples_->split(data::Split::Train);
}

std::int64_t MetricLearningParadigm::current_triplets() const {
  return static_cast<TupleStateImpl&>(*tuple_state_).tuples.size(0);
}

at::Tensor MetricLearningParadigm::labels_of(const std::vector<std::size_t>& indices) const {
  std::vector<std::int64_t> labels;
  labels.reserve(indices.size());
  for (std::size_t i : indices) labels.push_back(examples_->item(i).labels.at(0));
  return torch::tensor(labels, torch::kInt64);
}

train::EpochPlan MetricLearningParadigm::plan_epoch(const train::BatchingOptions& batching,
                                                    std::uint64_t seed, std::int64_t epoch) {
  check_input(!batching.full_batch,
              "metric learning: train.batch_size must be an integer (tuples are mined within a "
              "batch, so `full` cannot be accumulated over chunks)");
  if (options_.supervision == MetricSupervision::Labels) {
    if (!options_.class_balanced) return Paradigm::plan_epoch(batching, seed, epoch);
    const std::vector<std::size_t> items = train_items();
    const at::Tensor labels = labels_of(items);
    return train::plan_class_balanced_epoch(
        items,
        std::vector<std::int64_t>(labels.data_ptr<std::int64_t>(),
                                  labels.data_ptr<std::int64_t>() + labels.numel()),
        train::ClassBalancedOptions{batch_size_, options_.per_class}, seed, epoch);
  }
  // Tuple steps: slots, mapped to this epoch's shuffle of the current tuples in train_step.
  const std::int64_t total = options_.supervision == MetricSupervision::Offline
                                 ? steps_per_epoch_ * batch_size_
                                 : current_triplets();
  train::EpochPlan plan;
  for (std::int64_t start = 0; start < total; start += batch_size_) {
    std::vector<std::size_t> slots;
    for (std::int64_t s = start; s < std::min(total, start + batch_size_); ++s) {
      slots.push_back(std::size_t(s));
    }
    plan.push_back({std::move(slots)});
  }
  return plan;
}

void MetricLearningParadigm::begin_epoch(std::int64_t epoch, std::uint64_t seed,
                                         bool resumed_mid_epoch) {
  epoch_tuples_ = epoch_steps_ = epoch_mined_ = 0;
  if (options_.supervision == MetricSupervision::Labels) return;
  if (options_.supervision == MetricSupervision::Offline && !resumed_mid_epoch &&
      epoch % options_.refresh_epochs == 0) {
    mine_offline(epoch, seed);
  }
  slot_order_.resize(std::size_t(current_triplets()));
  std::iota(slot_order_.begin(), slot_order_.end(), 0);
  std::mt19937_64 rng(train::mix_seed(seed, 7, std::uint64_t(epoch)));
  std::shuffle(slot_order_.begin(), slot_order_.end(), rng);
}

void MetricLearningParadigm::mine_offline(std::int64_t epoch, std::uint64_t seed) {
  const std::vector<std::size_t> items = train_items();
  miners::LabeledEmbeddings all;
  all.embeddings = embed(items);
  all.labels = labels_of(items);
  std::mt19937_64 rng(train::mix_seed(seed, 6, std::uint64_t(epoch)));
  const miners::Triplets mined = miners::mine_triplets(
      all, options_.offline_miner, options_.loss.distance, options_.triplets_per_anchor, &rng);
  // Rows of the embedded set back to dataset item indices.
  const at::Tensor to_item =
      torch::tensor(std::vector<std::int64_t>(items.begin(), items.end()), torch::kInt64);
  at::Tensor rows =
      mined.size() > 0 ? to_item.index({mined.as_rows()}) : torch::zeros({0, 3}, torch::kInt64);
  static_cast<TupleStateImpl&>(*tuple_state_).tuples.set_(rows.contiguous());
  epoch_mined_ = mined.size();
}

at::Tensor MetricLearningParadigm::embed_features(const at::Tensor& features) {
  at::Tensor embeddings = model_->forward(features.to(device_));
  if (options_.normalize_embeddings) embeddings = distances::normalize_rows(embeddings);
  return embeddings;
}

nlohmann::json MetricLearningParadigm::export_info() const {
  nlohmann::json info = Paradigm::export_info();
  info["embedding_dim"] = options_.embedding_dim;
  info["normalize"] = options_.normalize_embeddings;
  return info;
}

at::Tensor MetricLearningParadigm::embed(const std::vector<std::size_t>& indices) {
  torch::NoGradGuard no_grad;
  model_->eval();
  return concat_chunks(indices, options_.eval_batch_size, options_.embedding_dim,
                       [&](const std::vector<std::size_t>& part) {
                         return embed_features(
                             examples_->batch(part, data::CropMode::Center).inputs);
                       });
}

StepResult MetricLearningParadigm::train_step(
    const std::vector<std::vector<std::size_t>>& micro_batches, std::mt19937_64& rng) {
  check_input(micro_batches.size() == 1 && !micro_batches.front().empty(),
              "metric learning: a step takes one non-empty batch");
  model_->train();
  optimizer_->zero_grad();
  StepResult result = options_.supervision == MetricSupervision::Labels
                          ? labels_step(micro_batches.front(), rng)
                          : tuples_step(micro_batches.front(), rng);
  if (options_.grad_clip_norm > 0) {
    torch::nn::utils::clip_grad_norm_(model_->parameters(), options_.grad_clip_norm);
  }
  if (std::isfinite(result.losses.front().second)) optimizer_->step();
  ++epoch_steps_;
  return result;
}

StepResult MetricLearningParadigm::labels_step(const std::vector<std::size_t>& items,
                                               std::mt19937_64& rng) {
  const train::Batch batch = examples_->batch(items, data::CropMode::Random, &rng);
  miners::LabeledEmbeddings labeled;
  labeled.embeddings = embed_features(batch.inputs);
  labeled.labels = batch.targets.to(torch::kInt64);
  const losses::MetricLossResult loss =
      losses::metric_loss(labeled, options_.loss, options_.miner, &rng);
  loss.loss.backward();
  epoch_tuples_ += loss.tuples;
  return StepResult{{{"loss", loss.loss.item<double>()}}, std::int64_t(items.size())};
}

StepResult MetricLearningParadigm::tuples_step(const std::vector<std::size_t>& slots,
                                               std::mt19937_64& rng) {
  const at::Tensor& tuples = static_cast<TupleStateImpl&>(*tuple_state_).tuples;
  const std::int64_t count = tuples.size(0);
  if (count == 0) {
    // Nothing was mined (every triplet already satisfies the strategy): no update.
    return StepResult{{{"loss", 0.0}}, 0};
  }
  const auto* rows = tuples.data_ptr<std::int64_t>();
  // The distinct items of the step's tuples, each embedded once.
  std::vector<std::size_t> items;
  std::unordered_map<std::int64_t, std::int64_t> position;
  std::vector<std::int64_t> columns[3];
  const int arity = options_.supervision == MetricSupervision::PairsFile ? 2 : 3;
  for (std::size_t slot : slots) {
    const std::int64_t row =
        slot_order_.empty() ? std::int64_t(slot) % count : slot_order_[slot % slot_order_.size()];
    for (int c = 0; c < arity; ++c) {
      const std::int64_t item = rows[row * 3 + c];
      auto [it, fresh] = position.emplace(item, std::int64_t(items.size()));
      if (fresh) items.push_back(std::size_t(item));
      columns[c].push_back(it->second);
    }
    if (arity == 2) columns[2].push_back(rows[row * 3 + 2]);
  }
  const train::Batch batch = examples_->batch(items, data::CropMode::Random, &rng);
  miners::LabeledEmbeddings labeled;
  labeled.embeddings = embed_features(batch.inputs);
  labeled.labels = batch.targets.to(torch::kInt64);
  losses::MetricLossResult loss;
  if (arity == 3) {
    miners::Triplets triplets;
    triplets.anchor = torch::tensor(columns[0], torch::kInt64);
    triplets.positive = torch::tensor(columns[1], torch::kInt64);
    triplets.negative = torch::tensor(columns[2], torch::kInt64);
    loss = losses::metric_loss(labeled, options_.loss, triplets);
  } else {
    miners::Pairs pairs;
    pairs.first = torch::tensor(columns[0], torch::kInt64);
    pairs.second = torch::tensor(columns[1], torch::kInt64);
    pairs.similar = torch::tensor(columns[2], torch::kInt64).to(torch::kBool);
    loss = losses::metric_loss(labeled, options_.loss, pairs);
  }
  loss.loss.backward();
  epoch_tuples_ += loss.tuples;
  return StepResult{{{"loss", loss.loss.item<double>()}}, std::int64_t(items.size())};
}

nlohmann::json MetricLearningParadigm::epoch_stats() {
  nlohmann::json stats;
  stats["tuples"] = epoch_tuples_;
  stats["tuples_per_step"] = epoch_steps_ > 0 ? double(epoch_tuples_) / double(epoch_steps_) : 0;
  if (options_.supervision == MetricSupervision::Offline) {
    stats["mined_triplets"] = current_triplets();
  }
  return stats;
}

nlohmann::json MetricLearningParadigm::evaluate(data::Split split) {
  const std::vector<std::size_t> indices = examples_->split(split);
  if (indices.empty()) return nlohmann::json::object();
  miners::LabeledEmbeddings all;
  all.embeddings = embed(indices);
  all.labels = labels_of(indices);
  nlohmann::json metrics;
  {
    torch::NoGradGuard no_grad;
    const losses::MetricLossResult loss =
        losses::metric_loss(all, options_.loss, miners::MinerOptions{});
    metrics["loss"] = loss.loss.item<double>();
  }
  metrics["items"] = indices.size();
  eval::RetrievalOptions retrieval;
  retrieval.distance = options_.loss.distance;
  metrics.update(eval::retrieval_metrics(all.embeddings, all.labels, retrieval).to_json());
  return metrics;
}

}  // namespace paradigms
