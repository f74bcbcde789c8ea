// Dataset arguments and loading (declared in data_spec.h).

#include <filesystem>

#include "paradigms/core/error.h"
#include "paradigms/data/data_spec.h"
#include "paradigms/data/folder_dataset.h"

namespace fs = std::filesystem;

namespace paradigms::data {

const char* to_string(DataSource source) {
  switch (source) {
    case DataSource::Notes: return "notes";
    case DataSource::Folder: return "folder";
    case DataSource::Csv: return "csv";
    case DataSource::Features: return "features";
    case DataSource::Chords: return "chords";
  }
  return "notes";
}

DataSpec data_spec_from_argument(const std::string& argument) {
  DataSpec spec;
  if (argument == "notes") return spec;
  spec.path = argument;
  check_input(fs::exists(argument), "dataset " + in_quotes(argument) +
                                        " does not exist (expected `notes`, a folder or a "
                                        ".csv manifest)");
  if (fs::is_directory(argument)) {
    const bool notes_render = fs::exists(fs::path(argument) / "notes.json");
    spec.source = notes_render ? DataSource::Notes : DataSource::Folder;
    spec.use_existing_render = notes_render;
    return spec;
  }
  check_input(fs::path(argument).extension() == ".csv",
              "dataset " + in_quotes(argument) +
                  " is neither a folder nor a .csv manifest (expected `notes`, a folder, a "
                  ".csv file, or a YAML config with a data section)");
  spec.source = DataSource::Csv;
  return spec;
}

Dataset load_dataset(const DataSpec& spec, const ProgressCallback& progress) {
  Dataset dataset;
  switch (spec.source) {
    case DataSource::Notes: {
      const std::string dir = spec.path.empty() ? default_notes_dir(spec.notes) : spec.path;
      const NotesCollection notes =
          spec.use_existing_render ? read_notes(dir) : render_notes(spec.notes, dir, progress);
      return notes_dataset(notes, spec.notes_dataset);
    }
    case DataSource::Folder: dataset = load_folder_dataset(spec.path, spec.load); break;
    case DataSource::Csv: dataset = load_csv_dataset(spec.path, spec.load, spec.columns); break;
    case DataSource::Features: dataset = load_feature_arrays(spec.path, spec.labels_path); break;
    case DataSource::Chords: {
      const std::string dir = spec.path.empty() ? default_notes_dir(spec.notes) : spec.path;
      const NotesCollection notes = render_notes(spec.notes, dir, progress);
      dataset = load_csv_dataset(mix_chords(notes, spec.chords, dir), spec.load);
      break;
    }
  }
  assign_splits(dataset, spec.split);
  return dataset;
}

}  // namespace paradigms::data
