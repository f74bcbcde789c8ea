#pragma once
// Seeded randomness that gives the same sequence on every standard library (std::shuffle
// and the std distributions are implementation-defined; std::mt19937_64 is not).

#include <cstdint>
#include <random>
#include <vector>

namespace paradigms {

/// A uniform integer in [0, n) from `rng` (n > 0), by rejection so there is no modulo bias.
std::uint64_t uniform_index(std::mt19937_64& rng, std::uint64_t n);

/// Fisher-Yates shuffle driven by `rng`.
template <typename T>
void stable_shuffle(std::vector<T>& values, std::mt19937_64& rng) {
  for (std::size_t i = values.size(); i > 1; --i) {
    std::swap(values[i - 1], values[uniform_index(rng, i)]);
  }
}

}  // namespace paradigms
