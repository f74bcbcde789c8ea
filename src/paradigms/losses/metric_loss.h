#pragma once
// Metric-learning losses over embeddings with labels (tuples mined from the batch), over
// explicit pairs or triplets, optionally against a separate reference set.
//
//   triplet      relu(d_ap − d_an + margin) (Schroff 2015, Weinberger 2009); soft_plus:
//                log(1 + exp(d_ap − d_an)); swap: d_an ← min(d_an, d_pn) (Balntas 2016)
//   contrastive  positives relu(d − pos_margin), negatives relu(neg_margin − d) (Hadsell
//                2006); the positive and negative means are taken separately and added
//   ntxent       InfoNCE / NT-Xent (Oord 2018, Chen 2020), for each positive pair (a, p):
//                −log(e^{s_ap/τ} / (e^{s_ap/τ} + Σ_{n ∈ neg(a)} e^{s_an/τ})), averaged over
//                positive pairs; computed per anchor from a log-sum-exp over its negatives,
//                never as a pairs × pairs matrix
//   supcon       supervised contrastive (Khosla 2020): per anchor i, minus the mean over
//                its positives p of s_ip/τ − log Σ_{j ≠ i} e^{s_ij/τ}; averaged over anchors
//                that have a positive
// For similarities (cosine, dot) every inequality is flipped: the triplet term is
// relu(s_an − s_ap + margin), contrastive positives relu(pos_margin − s) and negatives
// relu(s − neg_margin). ntxent and supcon use −d as the similarity for distances.
//
// Reduction (triplet, contrastive): mean over the terms > 0 (the default, as
// pytorch-metric-learning) or over all terms. When no valid tuple exists (all labels
// distinct, one class, a batch of one) the loss is a zero attached to the graph: backward
// gives zero gradients, never NaN.
//
// Miners: a triplet miner feeds the triplet loss; with a pair loss its triplets become the
// pairs (a, p) and (a, n). The pair miner feeds the pair losses. Explicit tuples bypass the
// miner. The pair losses run over sets of pairs: a pair given (or mined) twice counts once.
// With explicit pairs, SupCon's denominator runs over the anchor's given pairs.
//
// Cost: the triplet loss with a threshold miner (or none) never lists its triplets: the
// hinge in O(N·M) memory and O(N·M log M) time, soft-plus and swap in O(N·M) memory (plus
// O(M²) per thread with swap) and O(Σ_a P_a · N_a) time (see triplet_loss.h); batch miners
// and the pair losses are O(N·M). Swap with a reference set measures d(p, n) between
// references.
//
// Counts: `tuples` is the number of triplets, or of positive plus negative pairs; `nonzero`
// the non-zero terms (ntxent: the positive pairs; supcon: the anchors with a positive).

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <random>
#include <string>

#include "paradigms/distances/distance.h"
#include "paradigms/miners/miner.h"
#include "paradigms/miners/tuples.h"

namespace paradigms::losses {

enum class MetricLossKind { Triplet, Contrastive, NtXent, SupCon };
/// "triplet", "contrastive", "ntxent", "supcon".
const char* to_string(MetricLossKind kind);
/// The inverse of to_string; InputError listing the valid names otherwise.
MetricLossKind parse_metric_loss(const std::string& name);

enum class MetricReduction { MeanNonZero, Mean };
/// "mean_nonzero", "mean".
const char* to_string(MetricReduction reduction);

/// Euclidean on normalised rows for triplet and contrastive, cosine for ntxent and supcon.
distances::DistanceOptions default_distance(MetricLossKind kind);
/// 0.07 for ntxent (as pytorch-metric-learning), 0.1 for supcon (as Khosla 2020).
double default_temperature(MetricLossKind kind);

struct MetricLossOptions {
  MetricLossKind kind = MetricLossKind::Triplet;  ///< the loss
  distances::DistanceOptions distance;            ///< see default_distance
  double margin = 0.2;       ///< triplet: α
  bool soft_plus = false;    ///< triplet: log(1 + e^x) instead of the hinge (no margin)
  bool swap = false;         ///< triplet: use the closer of d(a, n) and d(p, n)
  double pos_margin = 0.0;   ///< contrastive: positives pay beyond this
  double neg_margin = 1.0;   ///< contrastive: negatives pay within this
  double temperature = 0.07; ///< ntxent, supcon: τ > 0 (see default_temperature)
  MetricReduction reduction = MetricReduction::MeanNonZero;  ///< triplet, contrastive

  /// Throws ConfigError naming the option for a value out of range.
  void validate() const;
  std::string describe() const;
};

struct MetricLossResult {
  at::Tensor loss;            ///< scalar, attached to the graph of the embeddings
  std::int64_t tuples = 0;    ///< triplets or pairs the loss ran over (64-bit)
  std::int64_t nonzero = 0;   ///< of them, the terms > 0 (triplet, contrastive)
};

/// Tuples mined from `batch` by `miner` (None: every valid tuple). `rng` is needed by the
/// random miner only. Throws ConfigError for a pair miner with the triplet loss.
MetricLossResult metric_loss(const miners::LabeledEmbeddings& batch,
                             const MetricLossOptions& options, const miners::MinerOptions& miner,
                             std::mt19937_64* rng = nullptr);

/// Over explicit triplets (labels are not consulted; indices are checked against the sizes).
MetricLossResult metric_loss(const miners::LabeledEmbeddings& batch,
                             const MetricLossOptions& options, const miners::Triplets& triplets);

/// Over explicit pairs (contrastive, ntxent, supcon; labels are not consulted).
MetricLossResult metric_loss(const miners::LabeledEmbeddings& batch,
                             const MetricLossOptions& options, const miners::Pairs& pairs);

}  // namespace paradigms::losses
