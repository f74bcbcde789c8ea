#pragma once
// Miner options for the tests: a strategy and its margin, the other settings at defaults.

#include "paradigms/miners/miner.h"

namespace paradigms::testing {

inline miners::MinerOptions miner_of(miners::MinerKind kind, double margin = 0.2) {
  miners::MinerOptions miner;
  miner.kind = kind;
  miner.margin = margin;
  return miner;
}

}  // namespace paradigms::testing
