#include "paradigms/data/dataset_info.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "paradigms/audio/decode.h"
#include "paradigms/audio/load.h"
#include "paradigms/core/error.h"

namespace paradigms::data {

DatasetInfo inspect_dataset(const Dataset& dataset, bool decode) {
  DatasetInfo info;
  info.source = dataset.source;
  info.target_kind = dataset.target_kind;
  info.problems = dataset.problems;
  for (const auto& name : dataset.class_names) info.class_counts[name];
  std::set<std::int64_t> rates, channels;
  double min_s = std::numeric_limits<double>::infinity(), max_s = 0;
  for (const Item& item : dataset.items) {
    const std::string split = to_string(item.split);
    auto count_item = [&] {
      ++info.split_counts[split];
      for (auto label : item.labels) {
        ++info.class_counts[dataset.class_names[static_cast<std::size_t>(label)]][split];
      }
    };
    if (dataset.precomputed_features) {
      count_item();
      continue;
    }
    try {
      audio::AudioInfo header = audio::probe(item.path);
      if (decode) {
        const audio::DecodedAudio decoded = audio::decode(item.path);
        audio::check_samples(audio::mix_to_mono(decoded), item.path);
        header.frames = decoded.frames;
      } else if (header.frames == 0) {
        throw InputError("audio file " + in_quotes(item.path) + " has no samples (zero length)");
      }
      const double seconds = header.duration_s();
      ++info.durations.files;
      info.durations.total_s += seconds;
      min_s = std::min(min_s, seconds);
      max_s = std::max(max_s, seconds);
      rates.insert(header.sample_rate);
      channels.insert(header.channels);
      count_item();
    } catch (const InputError& error) {
      info.problems.push_back(Problem{item.path, error.what()});
      ++info.unusable_items;
    }
  }
  if (info.durations.files > 0) {
    info.durations.min_s = min_s;
    info.durations.max_s = max_s;
    info.durations.mean_s = info.durations.total_s / double(info.durations.files);
  }
  info.sample_rates.assign(rates.begin(), rates.end());
  info.channel_counts.assign(channels.begin(), channels.end());
  return info;
}

nlohmann::json to_json(const DatasetInfo& info) {
  nlohmann::json problems = nlohmann::json::array();
  for (const auto& problem : info.problems) {
    problems.push_back({{"input", problem.input}, {"message", problem.message}});
  }
  std::int64_t items = 0;
  for (const auto& [split, count] : info.split_counts) items += count;
  return {{"source", info.source},
          {"target_kind", to_string(info.target_kind)},
          {"items", items},
          {"classes", info.class_counts.size()},
          {"unusable_items", info.unusable_items},
          {"splits", info.split_counts},
          {"class_counts", info.class_counts},
          {"durations_s",
           {{"files", info.durations.files},
            {"total", info.durations.total_s},
            {"min", info.durations.min_s},
            {"mean", info.durations.mean_s},
            {"max", info.durations.max_s}}},
          {"sample_rates", info.sample_rates},
          {"channels", info.channel_counts},
          {"problems", problems}};
}

}  // namespace paradigms::data
