#pragma once
// A training run's whole config: paradigm, data, frontend, model, loss, optimizer,
// schedule and train sections. Every key is checked; unknown ones get the closest valid key.
//
//   paradigm: supervised | metric   (metric adds embedding, miner, sampler and supervision
//                                    sections and its own loss keys: see metric_config.h)
//   data: {...}            see data_config.h
//   frontend: {...}        see frontend_config.h
//   model:     {encoder: conv2d|conv1d|mlp, channels: [16, 32, 64, 128], kernel_size: 3,
//               pool_size: 2, dropout: 0.1, pooling: mean|max|attention|autopool,
//               head_hidden: 0, head_dropout: 0.0}
//   loss:      {kind: auto|cross_entropy|binary_cross_entropy|mse|mae|huber,
//               label_smoothing: 0, class_weights: [], pos_weight: [], huber_delta: 1}
//   optimizer: {kind: sgd|adagrad|adadelta|adam|adamw|rmsprop, lr: 0.001, weight_decay: 0,
//               momentum: 0, nesterov: false, betas: [0.9, 0.999], eps: default, rho: 0.9,
//               alpha: 0.99}
//   schedule:  {kind: constant|step|cosine, step_epochs: 10, gamma: 0.1, min_factor: 0,
//               warmup_steps: 0}
//   train:     {epochs: 10, max_steps: 0, batch_size: 64|full, chunk_size: 256, seed: 0,
//               monitor: valid.accuracy, mode: max|min, patience: 0, min_delta: 0,
//               grad_clip_norm: 0, eval_batch_size: 256}

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "paradigms/audio/frontend_options.h"
#include "paradigms/data/data_spec.h"
#include "paradigms/paradigms/metric_learning.h"
#include "paradigms/paradigms/supervised.h"
#include "paradigms/train/trainer.h"

namespace paradigms::config {

struct RunConfig {
  std::string paradigm = "supervised";
  data::DataSpec data;
  audio::FrontendOptions frontend;
  SupervisedOptions supervised;   ///< paradigm: supervised
  MetricLearningOptions metric;   ///< paradigm: metric (model, optimizer, train as below)
  bool loss_from_targets = true;  ///< loss.kind: auto
  train::TrainerOptions trainer;
  YAML::Node source;  ///< the config as read, overrides applied
};

/// Applies `key.path=value` overrides (the value parsed as YAML) to `root`. Throws
/// ConfigError for an override without '='.
void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides);

/// True when `root` is a mapping with at least one run-config section (paradigm, data,
/// frontend, model, loss, optimizer, schedule, train).
bool is_run_config(const YAML::Node& root);

/// Reads and checks every section of `root`.
RunConfig read_run_config(const YAML::Node& root);

/// The YAML text of a config node.
std::string to_yaml(const YAML::Node& node);

}  // namespace paradigms::config
