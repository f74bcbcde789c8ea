#include "paradigms/data/csv_dataset.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <set>

#include "paradigms/audio/formats.h"
#include "paradigms/core/error.h"
#include "paradigms/data/csv.h"

namespace fs = std::filesystem;

namespace paradigms::data {
namespace {

std::vector<std::string> split_labels(const std::string& field) {
  std::vector<std::string> labels;
  std::size_t start = 0;
  while (start <= field.size()) {
    const std::size_t end = std::min(field.find(';', start), field.size());
    std::string label = field.substr(start, end - start);
    label.erase(0, label.find_first_not_of(" \t"));
    label.erase(label.find_last_not_of(" \t") + 1);
    if (!label.empty()) labels.push_back(label);
    start = end + 1;
  }
  return labels;
}

bool ends_with_npy(const std::string& path) { return fs::path(path).extension() == ".npy"; }

std::optional<double> parse_double(const std::string& text) {
  try {
    std::size_t used = 0;
    const double value = std::stod(text, &used);
    if (used != text.size() || !std::isfinite(value)) return std::nullopt;
    return value;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

Dataset load_csv_dataset(const std::string& manifest, const LoadOptions& options,
                         const CsvColumns& columns) {
  check_input(fs::exists(manifest), "CSV manifest " + in_quotes(manifest) + " does not exist");
  const CsvTable table = read_csv(manifest);
  const std::size_t path_column = table.require_column(columns.path, manifest);
  const auto label_column = table.column(columns.label);
  const auto target_column = table.column(columns.target);
  const auto split_column = table.column(columns.split);
  check_input(label_column || target_column,
              fmt::format("CSV manifest {} has neither a {} nor a {} column", in_quotes(manifest),
                          in_quotes(columns.label), in_quotes(columns.target)));
  Dataset dataset;
  dataset.source = manifest;
  dataset.target_kind = label_column ? TargetKind::SingleLabel : TargetKind::Regression;
  const fs::path base = fs::path(manifest).parent_path();
  std::vector<std::vector<std::string>> row_labels;
  std::set<std::string> names;
  std::size_t npy_rows = 0;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    const std::string where = fmt::format("{} row {}", manifest, r + 2);
    if (row[path_column].empty()) {
      report_problem(dataset, options, where,
                     fmt::format("skipped {}: empty {}", where, in_quotes(columns.path)));
      continue;
    }
    fs::path path = row[path_column];
    if (path.is_relative()) path = base / path;
    if (!fs::is_regular_file(path)) {
      report_problem(
          dataset, options, path.string(),
          fmt::format("skipped {}: file {} does not exist", where, in_quotes(path.string())));
      continue;
    }
    if (!ends_with_npy(path.string()) && !audio::has_audio_extension(path)) {
      report_problem(dataset, options, path.string(),
                     fmt::format("skipped {}: {} has an unknown extension (expected .npy or {})",
                                 where, in_quotes(path.string()), audio::audio_extensions_text()));
      continue;
    }
    Item item;
    item.path = path.string();
    std::vector<std::string> labels;
    if (label_column) {
      labels = split_labels(row[*label_column]);
      if (labels.empty()) {
        report_problem(dataset, options, item.path,
                       fmt::format("skipped {}: empty {}", where, in_quotes(columns.label)));
        continue;
      }
      if (row[*label_column].find(';') != std::string::npos) {
        dataset.target_kind = TargetKind::MultiLabel;
      }
    }
    if (target_column) {
      const auto target = parse_double(row[*target_column]);
      if (!target && !label_column) {
        report_problem(dataset, options, item.path,
                       fmt::format("skipped {}: {} {} is not a finite number", where,
                                   in_quotes(columns.target), in_quotes(row[*target_column])));
        continue;
      }
      if (target) item.target = *target;
    }
    if (split_column && !row[*split_column].empty()) {
      item.split = parse_split(row[*split_column], where);
    }
    npy_rows += ends_with_npy(item.path) ? 1 : 0;
    names.insert(labels.begin(), labels.end());
    row_labels.push_back(std::move(labels));
    dataset.items.push_back(std::move(item));
  }
  check_input(npy_rows == 0 || npy_rows == dataset.items.size(),
              "CSV manifest " + in_quotes(manifest) +
                  " mixes .npy feature files and audio files (expected one kind)");
  dataset.precomputed_features = npy_rows > 0;
  dataset.class_names.assign(names.begin(), names.end());
  for (std::size_t i = 0; i < dataset.items.size(); ++i) {
    dataset.items[i].labels = index_labels(row_labels[i], dataset.class_names);
  }
  dataset.require_items();
  return dataset;
}

Dataset load_feature_arrays(const std::string& features_npy, const std::string& labels_npy) {
  auto features = std::make_shared<NpyArray>(read_npy(features_npy));
  check_input(
      features->dtype == DType::Float32 && features->shape.size() == 3,
      fmt::format("features {} must be float32 [N, C, T] (got {} dimensions, {})",
                  in_quotes(features_npy), features->shape.size(), dtype_descr(features->dtype)));
  const NpyArray labels = read_npy(labels_npy);
  const std::int64_t count = features->shape[0];
  check_input(
      !labels.shape.empty() && labels.shape[0] == count,
      fmt::format("labels {} must have {} rows, one per feature array (got {})",
                  in_quotes(labels_npy), count, labels.shape.empty() ? 0 : labels.shape[0]));
  Dataset dataset;
  dataset.source = features_npy;
  dataset.precomputed_features = true;
  dataset.feature_array = features;
  dataset.items.resize(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) dataset.items[i].row = i;
  const auto value = [&](std::int64_t index) -> double {
    const unsigned char* at = labels.bytes.data() + index * dtype_size(labels.dtype);
    switch (labels.dtype) {
      case DType::Float32: {
        float v;
        std::memcpy(&v, at, 4);
        return v;
      }
      case DType::Float64: {
        double v;
        std::memcpy(&v, at, 8);
        return v;
      }
      case DType::Int64: {
        std::int64_t v;
        std::memcpy(&v, at, 8);
        return double(v);
      }
      case DType::Int32: {
        std::int32_t v;
        std::memcpy(&v, at, 4);
        return v;
      }
      case DType::Int16: {
        std::int16_t v;
        std::memcpy(&v, at, 2);
        return v;
      }
      case DType::Int8: return static_cast<signed char>(*at);
      case DType::UInt8:
      case DType::Bool: return *at;
    }
    return 0.0;
  };
  const bool floating = labels.dtype == DType::Float32 || labels.dtype == DType::Float64;
  if (labels.shape.size() == 2) {
    dataset.target_kind = TargetKind::MultiLabel;
    const std::int64_t classes = labels.shape[1];
    for (std::int64_t k = 0; k < classes; ++k) dataset.class_names.push_back(std::to_string(k));
    for (std::int64_t i = 0; i < count; ++i) {
      for (std::int64_t k = 0; k < classes; ++k) {
        if (value(i * classes + k) != 0.0) dataset.items[i].labels.push_back(k);
      }
    }
  } else if (labels.shape.size() == 1 && floating) {
    dataset.target_kind = TargetKind::Regression;
    for (std::int64_t i = 0; i < count; ++i) dataset.items[i].target = value(i);
  } else {
    check_input(labels.shape.size() == 1,
                fmt::format("labels {} must be [N] or [N, K] (got {} dimensions)",
                            in_quotes(labels_npy), labels.shape.size()));
    std::set<std::int64_t> distinct;
    for (std::int64_t i = 0; i < count; ++i) distinct.insert(std::llround(value(i)));
    const std::vector<std::int64_t> sorted(distinct.begin(), distinct.end());
    for (auto label : sorted) dataset.class_names.push_back(std::to_string(label));
    for (std::int64_t i = 0; i < count; ++i) {
      const auto it = std::lower_bound(sorted.begin(), sorted.end(), std::llround(value(i)));
      dataset.items[i].labels = {static_cast<std::int64_t>(it - sorted.begin())};
    }
  }
  dataset.require_items();
  return dataset;
}

}  // namespace paradigms::data
