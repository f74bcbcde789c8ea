#include "paradigms/core/rng.h"

#include <limits>

namespace paradigms {

std::uint64_t uniform_index(std::mt19937_64& rng, std::uint64_t n) {
  const std::uint64_t limit =
      std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % n;
  std::uint64_t value = rng();
  while (value >= limit) value = rng();
  return value % n;
}

}  // namespace paradigms
