#include "paradigms/config/metric_config.h"

namespace paradigms::config {
namespace {

using distances::DistanceKind;
using losses::MetricLossKind;
using miners::MinerKind;

const EnumNames<MetricLossKind> kLosses = {{"triplet", MetricLossKind::Triplet},
                                           {"contrastive", MetricLossKind::Contrastive},
                                           {"ntxent", MetricLossKind::NtXent},
                                           {"supcon", MetricLossKind::SupCon}};
const EnumNames<DistanceKind> kDistances = {{"euclidean", DistanceKind::Euclidean},
                                            {"squared_euclidean", DistanceKind::SquaredEuclidean},
                                            {"cosine", DistanceKind::Cosine},
                                            {"dot", DistanceKind::Dot}};
const EnumNames<losses::MetricReduction> kReductions = {
    {"mean_nonzero", losses::MetricReduction::MeanNonZero},
    {"mean", losses::MetricReduction::Mean}};
const EnumNames<MinerKind> kMiners = {{"none", MinerKind::None},
                                      {"all", MinerKind::All},
                                      {"hard", MinerKind::Hard},
                                      {"semihard", MinerKind::SemiHard},
                                      {"easy", MinerKind::Easy},
                                      {"batch-hard", MinerKind::BatchHard},
                                      {"batch-semihard", MinerKind::BatchSemiHard},
                                      {"random", MinerKind::Random},
                                      {"pair", MinerKind::Pair}};
const EnumNames<bool> kSamplers = {{"class_balanced", true}, {"shuffled", false}};
const EnumNames<MetricSupervision> kSupervisions = {
    {"labels", MetricSupervision::Labels},
    {"offline", MetricSupervision::Offline},
    {"triplets_file", MetricSupervision::TripletsFile},
    {"pairs_file", MetricSupervision::PairsFile}};

}  // namespace

void read_embedding(Section s, MetricLearningOptions& o) {
  o.embedding_dim = s.get<std::int64_t>("dim", o.embedding_dim);
  o.normalize_embeddings = s.get<bool>("normalize", o.normalize_embeddings);
  s.finish();
}

void read_metric_loss(Section s, losses::MetricLossOptions& o) {
  o.kind = s.get_enum("kind", o.kind, kLosses);
  o.distance = losses::default_distance(o.kind);
  o.temperature = losses::default_temperature(o.kind);
  o.distance.kind = s.get_enum("distance", o.distance.kind, kDistances);
  o.distance.normalize = s.get<bool>("normalize", o.distance.normalize);
  o.margin = s.get<double>("margin", o.margin);
  o.soft_plus = s.get<bool>("soft_plus", o.soft_plus);
  o.swap = s.get<bool>("swap", o.swap);
  o.pos_margin = s.get<double>("pos_margin", o.pos_margin);
  o.neg_margin = s.get<double>("neg_margin", o.neg_margin);
  o.temperature = s.get<double>("temperature", o.temperature);
  o.reduction = s.get_enum("reduction", o.reduction, kReductions);
  s.finish();
  o.validate();
}

void read_miner(Section s, miners::MinerOptions& o) {
  o.kind = s.get_enum("kind", o.kind, kMiners);
  o.margin = s.get<double>("margin", o.margin);
  o.triplets_per_anchor = s.get<std::int64_t>("triplets_per_anchor", o.triplets_per_anchor);
  o.pos_margin = s.get<double>("pos_margin", o.pos_margin);
  o.neg_margin = s.get<double>("neg_margin", o.neg_margin);
  s.finish();
  o.validate();
}

void read_sampler(Section s, MetricLearningOptions& o) {
  o.class_balanced = s.get_enum("kind", o.class_balanced, kSamplers);
  o.per_class = s.get<std::int64_t>("per_class", o.per_class);
  s.finish();
}

void read_supervision(Section s, MetricLearningOptions& o) {
  o.supervision = s.get_enum("kind", o.supervision, kSupervisions);
  o.tuples_file = s.get<std::string>("file", o.tuples_file);
  o.refresh_epochs = s.get<std::int64_t>("refresh_epochs", o.refresh_epochs);
  o.offline_miner.kind = s.get_enum("strategy", o.offline_miner.kind, kMiners);
  o.offline_miner.margin = s.get<double>("margin", o.offline_miner.margin);
  o.triplets_per_anchor = s.get<std::int64_t>("triplets_per_anchor", o.triplets_per_anchor);
  s.finish();
}

}  // namespace paradigms::config
