#pragma once
// Stable 64-bit content hashes for cache keys (not cryptographic).

#include <cstdint>
#include <string>

namespace paradigms {

/// FNV-1a over the bytes of `text`; the same on every platform and run.
std::uint64_t stable_hash(const std::string& text);

/// The hash as 16 lower-case hex digits.
std::string stable_hash_hex(const std::string& text);

}  // namespace paradigms
