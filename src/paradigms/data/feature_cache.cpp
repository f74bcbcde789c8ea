#include "paradigms/data/feature_cache.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <map>

#include "paradigms/audio/load.h"
#include "paradigms/core/error.h"
#include "paradigms/core/files.h"
#include "paradigms/core/hash.h"
#include "paradigms/data/npy_tensor.h"

namespace fs = std::filesystem;

namespace paradigms::data {

FeatureCache::FeatureCache(fs::path dir, audio::FrontendOptions frontend)
    : dir_(std::move(dir)), frontend_key_(frontend.cache_key()) {}

fs::path FeatureCache::entry_path(const std::string& audio_path) const {
  const std::string hash = stable_hash_hex(file_identity(audio_path) + "|" + frontend_key_);
  return dir_ / hash.substr(0, 2) / (hash + ".npy");
}

std::optional<at::Tensor> FeatureCache::load(const std::string& audio_path) const {
  const fs::path entry = entry_path(audio_path);
  if (!fs::is_regular_file(entry)) return std::nullopt;
  try {
    return load_npy(entry);
  } catch (const InputError&) {
    return std::nullopt;  // a damaged entry is recomputed and replaced
  }
}

void FeatureCache::store(const std::string& audio_path, const at::Tensor& features) const {
  save_npy(entry_path(audio_path), features);
}

namespace {

at::Tensor precomputed(const Dataset& dataset, const Item& item) {
  if (item.row < 0) return load_npy(item.path).to(torch::kFloat32);
  const NpyArray& array = *dataset.feature_array;
  const std::int64_t channels = array.shape[1], frames = array.shape[2];
  const std::size_t bytes = static_cast<std::size_t>(channels * frames) * sizeof(float);
  torch::Tensor features = torch::empty({channels, frames}, torch::kFloat32);
  std::memcpy(features.data_ptr(), array.bytes.data() + bytes * std::size_t(item.row), bytes);
  return features;
}

}  // namespace

std::vector<at::Tensor> extract_features(const Dataset& dataset,
                                         const std::vector<std::size_t>& indices,
                                         const audio::FrontEnd& frontend, const FeatureCache* cache,
                                         const ExtractOptions& options, ExtractionStats& stats,
                                         std::vector<Problem>& problems,
                                         const ProgressCallback& progress) {
  check_input(
      options.batch_size >= 1,
      fmt::format("extract_features: batch_size must be at least 1 (got {})", options.batch_size));
  std::vector<at::Tensor> features(indices.size());
  std::size_t done = 0;
  auto advance = [&](std::size_t count) {
    done += count;
    if (progress) progress(done, indices.size());
  };
  // Waveforms waiting for the front-end, grouped by length so a batch needs no padding.
  std::map<std::size_t, std::vector<std::pair<std::size_t, std::vector<float>>>> pending;
  constexpr std::size_t kMaxPendingSamples = std::size_t(1) << 24;  // 64 MB of float32
  std::size_t pending_samples = 0;
  auto flush = [&](std::vector<std::pair<std::size_t, std::vector<float>>>& group) {
    if (group.empty()) return;
    const auto samples = static_cast<std::int64_t>(group.front().second.size());
    torch::Tensor batch = torch::empty({std::int64_t(group.size()), samples}, torch::kFloat32);
    for (std::size_t b = 0; b < group.size(); ++b) {
      std::memcpy(batch[std::int64_t(b)].data_ptr(), group[b].second.data(),
                  group[b].second.size() * sizeof(float));
    }
    const torch::Tensor output = frontend(batch).to(torch::kCPU);
    for (std::size_t b = 0; b < group.size(); ++b) {
      const std::size_t slot = group[b].first;
      features[slot] = output[std::int64_t(b)].contiguous();
      if (cache) cache->store(dataset.items[indices[slot]].path, features[slot]);
    }
    stats.computed += std::int64_t(group.size());
    advance(group.size());
    group.clear();
  };
  for (std::size_t slot = 0; slot < indices.size(); ++slot) {
    const Item& item = dataset.items.at(indices[slot]);
    if (dataset.precomputed_features) {
      features[slot] = precomputed(dataset, item);
      ++stats.cached;
      advance(1);
      continue;
    }
    if (cache) {
      if (auto stored = cache->load(item.path)) {
        features[slot] = *stored;
        ++stats.cached;
        advance(1);
        continue;
      }
    }
    try {
      audio::MonoAudio audio =
          audio::load_mono(item.path, static_cast<int>(frontend.options().sample_rate));
      pending_samples += audio.samples.size();
      auto& group = pending[audio.samples.size()];
      group.emplace_back(slot, std::move(audio.samples));
      if (static_cast<std::int64_t>(group.size()) >= options.batch_size) {
        for (const auto& entry : group) pending_samples -= entry.second.size();
        flush(group);
      }
      // Files of many different lengths would otherwise all wait in memory until the end.
      if (pending_samples > kMaxPendingSamples) {
        for (auto& [length, waiting] : pending) flush(waiting);
        pending_samples = 0;
      }
    } catch (const InputError& error) {
      if (options.strict) throw;
      problems.push_back(Problem{item.path, error.what()});
      ++stats.failed;
      advance(1);
    }
  }
  for (auto& [length, group] : pending) flush(group);
  return features;
}

}  // namespace paradigms::data
