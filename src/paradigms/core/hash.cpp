#include "paradigms/core/hash.h"

#include <fmt/format.h>

namespace paradigms {

std::uint64_t stable_hash(const std::string& text) {
  constexpr std::uint64_t kOffsetBasis = 14695981039346656037ULL;
  constexpr std::uint64_t kPrime = 1099511628211ULL;
  std::uint64_t hash = kOffsetBasis;
  for (unsigned char byte : text) {
    hash ^= byte;
    hash *= kPrime;
  }
  return hash;
}

std::string stable_hash_hex(const std::string& text) {
  return fmt::format("{:016x}", stable_hash(text));
}

}  // namespace paradigms
