#include "paradigms/config/run_config.h"

#include <sstream>

#include "paradigms/config/data_config.h"
#include "paradigms/config/frontend_config.h"
#include "paradigms/config/metric_config.h"

namespace paradigms::config {
namespace {

using losses::SupervisedLossKind;
using models::EncoderKind;
using models::PoolingKind;
using optim::OptimizerKind;
using optim::ScheduleKind;

const EnumNames<EncoderKind> kEncoders = {
    {"conv2d", EncoderKind::Conv2d}, {"conv1d", EncoderKind::Conv1d}, {"mlp", EncoderKind::Mlp}};
const EnumNames<PoolingKind> kPoolings = {{"mean", PoolingKind::Mean},
                                          {"max", PoolingKind::Max},
                                          {"attention", PoolingKind::Attention},
                                          {"autopool", PoolingKind::AutoPool}};
const EnumNames<OptimizerKind> kOptimizers = {
    {"sgd", OptimizerKind::Sgd},           {"adagrad", OptimizerKind::Adagrad},
    {"adadelta", OptimizerKind::Adadelta}, {"adam", OptimizerKind::Adam},
    {"adamw", OptimizerKind::AdamW},       {"rmsprop", OptimizerKind::RmsProp}};
const EnumNames<ScheduleKind> kSchedules = {{"constant", ScheduleKind::Constant},
                                            {"step", ScheduleKind::Step},
                                            {"cosine", ScheduleKind::Cosine}};
const EnumNames<train::MonitorMode> kModes = {{"min", train::MonitorMode::Min},
                                              {"max", train::MonitorMode::Max}};

void read_model(Section s, models::ModelOptions& m) {
  m.encoder.kind = s.get_enum("encoder", m.encoder.kind, kEncoders);
  m.encoder.channels = s.get<std::vector<std::int64_t>>("channels", m.encoder.channels);
  m.encoder.kernel_size = s.get<std::int64_t>("kernel_size", m.encoder.kernel_size);
  m.encoder.pool_size = s.get<std::int64_t>("pool_size", m.encoder.pool_size);
  m.encoder.dropout = s.get<double>("dropout", m.encoder.dropout);
  m.pooling = s.get_enum("pooling", m.pooling, kPoolings);
  m.head_hidden = s.get<std::int64_t>("head_hidden", m.head_hidden);
  m.head_dropout = s.get<double>("head_dropout", m.head_dropout);
  s.finish();
  m.encoder.validate();
  if (m.head_hidden < 0 || m.head_dropout < 0 || m.head_dropout >= 1) {
    throw ConfigError("model: head_hidden must be >= 0 and head_dropout in [0, 1)");
  }
}

void read_loss(Section s, RunConfig& config) {
  losses::SupervisedLossOptions& l = config.supervised.loss;
  const std::string kind = s.get<std::string>("kind", "auto");
  config.loss_from_targets = kind == "auto";
  if (!config.loss_from_targets) {
    l.kind = parse_enum<SupervisedLossKind>(
        "config key " + in_quotes(s.key_path("kind")), kind,
        {{"cross_entropy", SupervisedLossKind::CrossEntropy},
         {"binary_cross_entropy", SupervisedLossKind::BinaryCrossEntropy},
         {"mse", SupervisedLossKind::Mse},
         {"mae", SupervisedLossKind::Mae},
         {"huber", SupervisedLossKind::Huber}});
  }
  l.label_smoothing = s.get<double>("label_smoothing", l.label_smoothing);
  l.class_weights = s.get<std::vector<double>>("class_weights", l.class_weights);
  l.pos_weight = s.get<std::vector<double>>("pos_weight", l.pos_weight);
  l.huber_delta = s.get<double>("huber_delta", l.huber_delta);
  s.finish();
}

void read_optimizer(Section s, optim::OptimizerOptions& o) {
  o.kind = s.get_enum("kind", o.kind, kOptimizers);
  o.lr = s.get<double>("lr", o.lr);
  o.weight_decay = s.get<double>("weight_decay", o.weight_decay);
  o.momentum = s.get<double>("momentum", o.momentum);
  o.nesterov = s.get<bool>("nesterov", o.nesterov);
  const auto betas = s.get<std::vector<double>>("betas", {o.beta1, o.beta2});
  if (betas.size() != 2) {
    throw ConfigError("config key " + in_quotes(s.key_path("betas")) + ": expected two numbers");
  }
  o.beta1 = betas[0];
  o.beta2 = betas[1];
  o.eps = s.get<double>("eps", o.eps);
  o.rho = s.get<double>("rho", o.rho);
  o.alpha = s.get<double>("alpha", o.alpha);
  s.finish();
  o.validate();
}

void read_schedule(Section s, optim::ScheduleOptions& o) {
  o.kind = s.get_enum("kind", o.kind, kSchedules);
  o.step_epochs = s.get<std::int64_t>("step_epochs", o.step_epochs);
  o.gamma = s.get<double>("gamma", o.gamma);
  o.min_factor = s.get<double>("min_factor", o.min_factor);
  o.warmup_steps = s.get<std::int64_t>("warmup_steps", o.warmup_steps);
  s.finish();
  o.validate();
}

void read_train(Section s, RunConfig& config) {
  train::TrainerOptions& t = config.trainer;
  t.epochs = s.get<std::int64_t>("epochs", t.epochs);
  t.max_steps = s.get<std::int64_t>("max_steps", t.max_steps);
  const std::string batch = s.get<std::string>("batch_size", std::to_string(t.batching.batch_size));
  t.batching.full_batch = batch == "full";
  if (!t.batching.full_batch) {
    try {
      std::size_t used = 0;
      t.batching.batch_size = std::stoll(batch, &used);
      if (used != batch.size()) throw std::invalid_argument(batch);
    } catch (const std::exception&) {
      throw ConfigError("config key " + in_quotes(s.key_path("batch_size")) +
                        ": expected an integer >= 1 or `full` (got " + in_quotes(batch) + ")");
    }
  }
  t.batching.chunk_size = s.get<std::int64_t>("chunk_size", t.batching.chunk_size);
  t.seed = s.get<std::uint64_t>("seed", t.seed);
  t.monitor = s.get<std::string>("monitor", t.monitor);
  t.mode = s.get_enum("mode", t.mode, kModes);
  t.patience = s.get<std::int64_t>("patience", t.patience);
  t.min_delta = s.get<double>("min_delta", t.min_delta);
  config.supervised.grad_clip_norm = s.get<double>("grad_clip_norm", 0.0);
  config.supervised.eval_batch_size = s.get<std::int64_t>("eval_batch_size", 256);
  s.finish();
  if (config.supervised.grad_clip_norm < 0 || config.supervised.eval_batch_size < 1) {
    throw ConfigError("train: grad_clip_norm must be >= 0 and eval_batch_size >= 1");
  }
  t.validate();
}

// yaml-cpp nodes are handles: recursing with child handles edits the tree in place, where
// reassigning one walking handle would overwrite the parent's value instead.
void set_path(YAML::Node node, const std::vector<std::string>& keys, std::size_t i,
              const YAML::Node& value) {
  if (i + 1 == keys.size()) {
    node[keys[i]] = value;
    return;
  }
  if (!node[keys[i]] || !node[keys[i]].IsMap()) node[keys[i]] = YAML::Node(YAML::NodeType::Map);
  set_path(node[keys[i]], keys, i + 1, value);
}

}  // namespace

void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides) {
  for (const auto& override : overrides) {
    const auto equals = override.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw ConfigError("--set " + in_quotes(override) + ": expected key.path=value");
    }
    const std::string path = override.substr(0, equals);
    YAML::Node value;
    try {
      value = YAML::Load(override.substr(equals + 1));
    } catch (const YAML::Exception& error) {
      throw ConfigError("--set " + in_quotes(override) + ": the value is not valid YAML");
    }
    std::vector<std::string> keys;
    std::stringstream stream(path);
    for (std::string key; std::getline(stream, key, '.');) keys.push_back(key);
    set_path(root, keys, 0, value);
  }
}

bool is_run_config(const YAML::Node& root) {
  if (!root.IsMap()) return false;
  for (const char* section :
       {"paradigm", "data", "frontend", "model", "loss", "optimizer", "schedule", "train"}) {
    if (root[section]) return true;
  }
  return false;
}

RunConfig read_run_config(const YAML::Node& root) {
  RunConfig config;
  config.source = YAML::Clone(root);
  Section top(root, "");
  config.paradigm = top.get<std::string>("paradigm", config.paradigm);
  const bool metric = config.paradigm == "metric";
  if (config.paradigm != "supervised" && !metric) {
    throw ConfigError("config key 'paradigm': unknown value " + in_quotes(config.paradigm) +
                      " (expected one of: supervised, metric)");
  }
  config.data = read_data_spec(top.section("data"));
  config.frontend = read_frontend(top.section("frontend"));
  read_model(top.section("model"), config.supervised.model);
  if (metric) {
    // Retrieval quality is what a metric-learning run is selected by.
    config.trainer.monitor = "valid.map_at_r";
    config.trainer.mode = train::MonitorMode::Max;
    MetricLearningOptions& m = config.metric;
    read_metric_loss(top.section("loss"), m.loss);
    read_embedding(top.section("embedding"), m);
    read_miner(top.section("miner"), m.miner);
    read_sampler(top.section("sampler"), m);
    read_supervision(top.section("supervision"), m);
    if (m.loss.kind == losses::MetricLossKind::Triplet && m.miner.kind == miners::MinerKind::Pair)
      throw ConfigError("config key 'miner.kind': the pair miner cannot feed the triplet loss "
                        "(use a triplet miner or none)");
  } else {
    read_loss(top.section("loss"), config);
  }
  read_optimizer(top.section("optimizer"), config.supervised.optimizer);
  read_schedule(top.section("schedule"), config.trainer.schedule);
  read_train(top.section("train"), config);
  top.finish();
  if (metric) {
    MetricLearningOptions& m = config.metric;
    m.model = config.supervised.model;
    m.optimizer = config.supervised.optimizer;
    m.grad_clip_norm = config.supervised.grad_clip_norm;
    m.eval_batch_size = config.supervised.eval_batch_size;
    if (config.trainer.batching.full_batch) {
      throw ConfigError(
          "config key 'train.batch_size': metric learning mines tuples within a "
          "batch, so it needs an integer batch size (got `full`)");
    }
    m.validate();
    if (m.supervision == MetricSupervision::Labels && m.class_balanced) {
      train::ClassBalancedOptions{config.trainer.batching.batch_size, m.per_class}.validate();
    }
  }
  return config;
}

std::string to_yaml(const YAML::Node& node) {
  YAML::Emitter emitter;
  emitter << node;
  return std::string(emitter.c_str()) + "\n";
}

}  // namespace paradigms::config
