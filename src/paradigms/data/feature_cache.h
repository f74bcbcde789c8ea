#pragma once
// Features computed once per (file identity, front-end parameters) and reused across runs.
//
// An entry is DIR/<2 hex>/<16 hex>.npy, the hex being a stable hash of the file's absolute
// path, size and modification time and of every front-end field that changes the output.
// Entries are written to a temporary file and renamed, so two processes sharing DIR never
// read a half-written entry (at worst both compute it).

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "paradigms/audio/log_mel.h"
#include "paradigms/data/dataset.h"
#include "paradigms/data/notes.h"

namespace paradigms::data {

class FeatureCache {
 public:
  FeatureCache(std::filesystem::path dir, audio::FrontendOptions frontend);

  /// Where the features of `audio_path` are (or would be) stored.
  std::filesystem::path entry_path(const std::string& audio_path) const;
  /// The stored features [C, T], if present and readable.
  std::optional<at::Tensor> load(const std::string& audio_path) const;
  /// Stores features [C, T] atomically.
  void store(const std::string& audio_path, const at::Tensor& features) const;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::string frontend_key_;
};

/// Counts of one extraction.
struct ExtractionStats {
  std::int64_t computed = 0;  ///< decoded and run through the front-end
  std::int64_t cached = 0;    ///< read from the cache
  std::int64_t failed = 0;    ///< unreadable or invalid audio, skipped (see problems)
};

struct ExtractOptions {
  std::int64_t batch_size = 64;  ///< waveforms of equal length per front-end call
  bool strict = false;           ///< throw at the first unusable file instead of skipping
};

/// Features [C, T] of `dataset.items[i]` for each i in `indices` (an undefined tensor for a
/// skipped file, reported in `problems`). Audio items go through `cache` when it is given
/// (read, or computed in batches on the front-end's device and stored); precomputed items
/// are read from their arrays.
std::vector<at::Tensor> extract_features(const Dataset& dataset,
                                         const std::vector<std::size_t>& indices,
                                         const audio::FrontEnd& frontend, const FeatureCache* cache,
                                         const ExtractOptions& options, ExtractionStats& stats,
                                         std::vector<Problem>& problems,
                                         const ProgressCallback& progress = {});

}  // namespace paradigms::data
