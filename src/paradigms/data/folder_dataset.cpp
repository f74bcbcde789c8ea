#include "paradigms/data/folder_dataset.h"

#include <algorithm>
#include <filesystem>

#include "paradigms/audio/formats.h"
#include "paradigms/core/error.h"

namespace fs = std::filesystem;

namespace paradigms::data {
namespace {

bool hidden(const fs::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && name[0] == '.';
}

std::vector<fs::path> sorted_audio_below(const fs::path& folder, Dataset& dataset,
                                         const LoadOptions& options) {
  std::vector<fs::path> files;
  auto it =
      fs::recursive_directory_iterator(folder, fs::directory_options::follow_directory_symlink);
  for (; it != fs::recursive_directory_iterator(); ++it) {
    if (hidden(it->path())) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    if (audio::has_audio_extension(it->path())) {
      files.push_back(it->path());
    } else {
      report_problem(dataset, options, it->path().string(),
                     "skipped " + in_quotes(it->path().string()) +
                         ": unknown extension (expected " + audio::audio_extensions_text() + ")");
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

Dataset load_folder_dataset(const std::string& root, const LoadOptions& options) {
  check_input(fs::exists(root), "dataset folder " + in_quotes(root) + " does not exist");
  check_input(fs::is_directory(root), "dataset folder " + in_quotes(root) + " is not a folder");
  Dataset dataset;
  dataset.source = root;
  std::vector<fs::path> class_folders;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (hidden(entry.path())) continue;
    if (entry.is_directory()) {
      class_folders.push_back(entry.path());
    } else {
      report_problem(dataset, options, entry.path().string(),
                     "skipped " + in_quotes(entry.path().string()) +
                         ": not inside a class folder (expected ROOT/<label>/<file>)");
    }
  }
  std::sort(class_folders.begin(), class_folders.end());
  for (const auto& folder : class_folders) {
    const std::vector<fs::path> files = sorted_audio_below(folder, dataset, options);
    if (files.empty()) {
      report_problem(dataset, options, folder.string(),
                     "class folder " + in_quotes(folder.string()) +
                         " has no audio file (expected " + audio::audio_extensions_text() +
                         "); class left out");
      continue;
    }
    const auto label = static_cast<std::int64_t>(dataset.class_names.size());
    dataset.class_names.push_back(folder.filename().string());
    for (const auto& file : files) {
      Item item;
      item.path = file.string();
      item.labels = {label};
      dataset.items.push_back(std::move(item));
    }
  }
  if (dataset.items.empty()) {
    throw InputError("dataset folder " + in_quotes(root) +
                     " is empty: no audio file in any class folder (expected ROOT/<label>/" +
                     "<file> with " + audio::audio_extensions_text() + ")" +
                     (dataset.problems.empty()
                          ? std::string()
                          : "; first problem: " + dataset.problems.front().message));
  }
  return dataset;
}

}  // namespace paradigms::data
