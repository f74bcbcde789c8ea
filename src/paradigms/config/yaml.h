#pragma once
// Typed, checked reading of YAML mappings. Every key read is recorded; finish() rejects the
// keys that nobody read, suggesting the closest known one. Messages name the full key path.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "paradigms/core/error.h"

namespace paradigms::config {

/// The names of an enum's values, as the config layer spells them.
template <typename E>
using EnumNames = std::vector<std::pair<const char*, E>>;

/// The value named `name`; throws ConfigError "<what>: unknown value ... (expected one of:
/// ...)" otherwise.
template <typename E>
E parse_enum(const std::string& what, const std::string& name, const EnumNames<E>& names);

/// Edit distance between two strings (insertions, deletions, substitutions).
std::size_t edit_distance(const std::string& a, const std::string& b);

/// The candidate closest to `name`, or "" when none is within a third of its length + 1.
std::string closest(const std::string& name, const std::vector<std::string>& candidates);

/// Loads a YAML file; throws ConfigError naming it on a syntax error or a missing file.
YAML::Node load_yaml_file(const std::string& path);

class Section {
 public:
  /// `node` must be a mapping (or null: an empty section); `path` prefixes messages ("data").
  Section(YAML::Node node, std::string path);

  bool has(const std::string& key) const;
  std::string key_path(const std::string& key) const;

  template <typename T>
  T get(const std::string& key, T fallback);

  /// An enum from its name; an unknown name lists the valid ones.
  template <typename E>
  E get_enum(const std::string& key, E fallback, const EnumNames<E>& names);

  /// A nested mapping.
  Section section(const std::string& key);

  /// Throws ConfigError for the first key never read: "unknown key 'data.duraton_s' (did you
  /// mean 'duration_s'?; valid keys: ...)".
  void finish() const;

 private:
  YAML::Node node_;
  std::string path_;
  std::vector<std::string> known_;
};

template <typename T>
T Section::get(const std::string& key, T fallback) {
  known_.push_back(key);
  if (!node_ || !node_[key] || node_[key].IsNull()) return fallback;
  try {
    return node_[key].as<T>();
  } catch (const YAML::Exception&) {
    const YAML::Node value = node_[key];
    const std::string got = value.IsScalar() ? value.Scalar() : "a list or mapping";
    const char* expected = std::is_same_v<T, bool>          ? "true or false"
                           : std::is_integral_v<T>          ? "an integer"
                           : std::is_floating_point_v<T>    ? "a number"
                           : std::is_same_v<T, std::string> ? "a string"
                                                            : "a list of values";
    throw ConfigError("config key " + in_quotes(key_path(key)) + ": expected " + expected +
                      " (got " + in_quotes(got) + ")");
  }
}

template <typename E>
E parse_enum(const std::string& what, const std::string& name, const EnumNames<E>& names) {
  std::string valid;
  for (const auto& [candidate, value] : names) {
    if (name == candidate) return value;
    valid += (valid.empty() ? "" : ", ") + std::string(candidate);
  }
  throw ConfigError(what + ": unknown value " + in_quotes(name) + " (expected one of: " + valid +
                    ")");
}

template <typename E>
E Section::get_enum(const std::string& key, E fallback, const EnumNames<E>& names) {
  if (!has(key)) {
    known_.push_back(key);
    return fallback;
  }
  return parse_enum("config key " + in_quotes(key_path(key)), get<std::string>(key, ""), names);
}

}  // namespace paradigms::config
