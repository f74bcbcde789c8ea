#include "paradigms/config/yaml.h"

#include <algorithm>
#include <filesystem>

namespace paradigms::config {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string closest(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = name.size() / 3 + 2;
  for (const auto& candidate : candidates) {
    const std::size_t distance = edit_distance(name, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

YAML::Node load_yaml_file(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) {
    throw ConfigError("config file " + in_quotes(path) + " does not exist");
  }
  try {
    return YAML::LoadFile(path);
  } catch (const YAML::Exception& error) {
    throw ConfigError("config file " + in_quotes(path) + " is not valid YAML: " + error.what());
  }
}

Section::Section(YAML::Node node, std::string path) : node_(node), path_(std::move(path)) {
  if (node_ && !node_.IsNull() && !node_.IsMap()) {
    throw ConfigError("config key " + in_quotes(path_.empty() ? "(top level)" : path_) +
                      ": expected a mapping of keys to values");
  }
}

bool Section::has(const std::string& key) const {
  return node_ && node_.IsMap() && node_[key] && !node_[key].IsNull();
}

std::string Section::key_path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

Section Section::section(const std::string& key) {
  known_.push_back(key);
  return Section(has(key) ? node_[key] : YAML::Node(), key_path(key));
}

void Section::finish() const {
  if (!node_ || !node_.IsMap()) return;
  for (const auto& entry : node_) {
    const std::string key = entry.first.as<std::string>();
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    std::string valid;
    for (const auto& name : known_) valid += (valid.empty() ? "" : ", ") + name;
    const std::string suggestion = closest(key, known_);
    throw ConfigError("unknown config key " + in_quotes(key_path(key)) +
                      (suggestion.empty() ? "" : " (did you mean " + in_quotes(suggestion) + "?)") +
                      "; valid keys here: " + valid);
  }
}

}  // namespace paradigms::config
