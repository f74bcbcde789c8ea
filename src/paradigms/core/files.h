#pragma once
// File-system helpers shared by caches and writers.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace paradigms {

/// Writes a file so that no reader ever sees it half-written: `write` fills a temporary
/// file beside `path`, which is then renamed over `path` (atomic on POSIX file systems).
/// On failure the temporary file is removed and `path` is left as it was.
void write_atomically(const std::filesystem::path& path,
                      const std::function<void(const std::filesystem::path& tmp)>& write);

/// Same, for a whole byte string.
void write_text_atomically(const std::filesystem::path& path, const std::string& content);

/// Reads a whole file; throws InputError naming it when it cannot be read.
std::string read_text(const std::filesystem::path& path);

/// What identifies a file's content cheaply: absolute path, size and modification time.
std::string file_identity(const std::filesystem::path& path);

/// The user cache folder: $PARADIGMS_CACHE, else $XDG_CACHE_HOME/paradigms, else
/// ~/.cache/paradigms, else ./.paradigms-cache.
std::filesystem::path default_cache_dir();

}  // namespace paradigms
