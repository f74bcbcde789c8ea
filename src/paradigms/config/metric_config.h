#pragma once
// The metric-learning sections of a run config (paradigm: metric):
//
//   embedding:   {dim: 128, normalize: true}
//   loss:        {kind: triplet|contrastive|ntxent|supcon, distance: (per kind: euclidean
//                 for triplet/contrastive, cosine for ntxent/supcon), normalize: true,
//                 margin: 0.2, soft_plus: false, swap: false, pos_margin: 0, neg_margin: 1,
//                 temperature: (0.07 ntxent, 0.1 supcon), reduction: mean_nonzero|mean}
//   miner:       {kind: none|all|hard|semihard|easy|batch-hard|batch-semihard|random|pair,
//                 margin: 0.2, triplets_per_anchor: 1, pos_margin: 0, neg_margin: 1}
//   sampler:     {kind: class_balanced|shuffled, per_class: 4}
//   supervision: {kind: labels|offline|triplets_file|pairs_file, file: CSV,
//                 refresh_epochs: 1, strategy: semihard, margin: 0.2, triplets_per_anchor: 8}

#include "paradigms/config/yaml.h"
#include "paradigms/paradigms/metric_learning.h"

namespace paradigms::config {

void read_embedding(Section section, MetricLearningOptions& options);
void read_metric_loss(Section section, losses::MetricLossOptions& options);
void read_miner(Section section, miners::MinerOptions& options);
void read_sampler(Section section, MetricLearningOptions& options);
void read_supervision(Section section, MetricLearningOptions& options);

}  // namespace paradigms::config
