#pragma once
// Online miners: which tuples of a batch the loss trains on, chosen with the current model.
//
// With t = d(a, n) − d(a, p) over every valid triplet (a ≠ p with the same label, n with
// another label; for similarities t = s(a, p) − s(a, n)) and margin m:
//   all        t ≤ m            hard     t ≤ 0 (t = 0 is hard)
//   semihard   0 < t ≤ m        easy     t > m
//   batch-hard       per anchor the farthest positive and the closest negative (ties to the
//                    lowest index; anchors lacking either are dropped)
//   batch-semihard   per anchor-positive pair the closest negative with d(a,n) > d(a,p),
//                    else the farthest negative (FaceNet, Schroff 2015)
//   random           `triplets_per_anchor` valid triplets per anchor, uniformly
//   pair             positive pairs with d > pos_margin, negative pairs with d < neg_margin
//                    (flipped for similarities)
// Counts are 64-bit: a batch of 8192 has more than 2^31 triplets. Threshold miners never
// build a B×B×B tensor: they work per anchor on sorted distances, O(B²) memory.

#include <cstdint>
#include <random>
#include <string>

#include "paradigms/distances/distance.h"
#include "paradigms/miners/tuples.h"

namespace paradigms::miners {

enum class MinerKind { None, All, Hard, SemiHard, Easy, BatchHard, BatchSemiHard, Random, Pair };

/// "none", "all", "hard", "semihard", "easy", "batch-hard", "batch-semihard", "random",
/// "pair".
const char* to_string(MinerKind kind);
/// The inverse of to_string; InputError listing the valid names otherwise.
MinerKind parse_miner(const std::string& name);
/// True for the miners that select triplets (all but none and pair).
bool selects_triplets(MinerKind kind);

struct MinerOptions {
  MinerKind kind = MinerKind::None;     ///< the strategy
  double margin = 0.2;                  ///< threshold miners: m
  std::int64_t triplets_per_anchor = 1; ///< random: triplets drawn per anchor
  double pos_margin = 0.0;              ///< pair miner: positives farther than this
  double neg_margin = 1.0;              ///< pair miner: negatives closer than this

  /// Throws ConfigError naming the option for a value out of range.
  void validate() const;
  std::string describe() const;  ///< "semihard (margin 0.2)"
};

/// Every triplet the miner selects, sorted by (a, p, n). `max_per_anchor` > 0 keeps at most
/// that many per anchor, drawn uniformly with `rng` (offline mining over a whole training
/// set); `rng` is also required by the random miner. Throws InputError for a pair miner or
/// None (use count_triplets / every valid triplet: MinerKind::All with an infinite margin).
Triplets mine_triplets(const LabeledEmbeddings& batch, const MinerOptions& miner,
                       const distances::DistanceOptions& distance,
                       std::int64_t max_per_anchor = 0, std::mt19937_64* rng = nullptr);

/// How many triplets mine_triplets would return with max_per_anchor = 0, without listing
/// them (None counts every valid triplet).
std::int64_t count_triplets(const LabeledEmbeddings& batch, const MinerOptions& miner,
                            const distances::DistanceOptions& distance);

/// The pairs the pair miner selects (None: every valid pair), ordered by (first, second).
Pairs mine_pairs(const LabeledEmbeddings& batch, const MinerOptions& miner,
                 const distances::DistanceOptions& distance);

}  // namespace paradigms::miners
