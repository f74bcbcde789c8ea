#pragma once
// Where a dataset comes from and how it is labelled and split: the `data:` section of a
// config, or a plain argument (`notes`, a folder, a CSV manifest).

#include <string>

#include "paradigms/data/chords.h"
#include "paradigms/data/csv_dataset.h"
#include "paradigms/data/dataset.h"
#include "paradigms/data/notes.h"
#include "paradigms/data/splits.h"

namespace paradigms::data {

enum class DataSource {
  Notes,     ///< the embedded notes dataset (rendered on first use)
  Folder,    ///< ROOT/<label>/**/<audio>
  Csv,       ///< a CSV manifest
  Features,  ///< features.npy [N, C, T] + labels.npy
  Chords,    ///< multi-label mixtures of notes (labels: the families present)
};

const char* to_string(DataSource source);

struct DataSpec {
  DataSource source = DataSource::Notes;  ///< kind of dataset
  std::string path;         ///< folder, manifest, features.npy or notes folder ("" = cache)
  std::string labels_path;  ///< labels.npy, for Features
  CsvColumns columns;       ///< manifest column names, for Csv
  NotesOptions notes;       ///< render parameters, for Notes
  NotesDatasetOptions notes_dataset;  ///< labels and held-out split, for Notes
  ChordsOptions chords;               ///< mixtures, for Chords (rendered from `notes`)
  SplitOptions split;                 ///< seeded split of items that have none (not for Notes)
  LoadOptions load;                   ///< strictness
  double duration_s = 1.0;            ///< fixed length of the training/evaluation crops
  /// For Notes with a path: read the render found there as it is, whatever its parameters.
  bool use_existing_render = false;
};

/// Reads a dataset argument: "notes" (default notes), a folder holding notes.json (a notes
/// render), any other folder (class folders), or a .csv manifest. Throws InputError naming
/// the argument when it is none of these.
DataSpec data_spec_from_argument(const std::string& argument);

/// Loads the dataset of `spec`, rendering the notes first if needed (with `progress`), and
/// assigns seeded splits to items that have none. Problems are in the result.
Dataset load_dataset(const DataSpec& spec, const ProgressCallback& progress = {});

}  // namespace paradigms::data
