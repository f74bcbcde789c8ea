// The notes render as a labelled, split Dataset (declared in notes.h).

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include "paradigms/core/error.h"
#include "paradigms/core/rng.h"
#include "paradigms/data/general_midi.h"
#include "paradigms/data/notes.h"

namespace paradigms::data {
namespace {

// Splits `values` by seeded shuffle: the first round(n * test) go to test, the next
// round(n * valid) to valid; when a fraction is positive and n >= 3, each gets at least one.
std::map<int, Split> hold_out(std::vector<int> values, double valid_fraction, double test_fraction,
                              std::mt19937_64& rng) {
  stable_shuffle(values, rng);
  const auto n = static_cast<double>(values.size());
  auto n_test = static_cast<std::size_t>(std::llround(n * test_fraction));
  auto n_valid = static_cast<std::size_t>(std::llround(n * valid_fraction));
  if (values.size() >= 3) {
    if (test_fraction > 0) n_test = std::max<std::size_t>(n_test, 1);
    if (valid_fraction > 0) n_valid = std::max<std::size_t>(n_valid, 1);
  }
  while (n_test + n_valid >= values.size() && n_test + n_valid > 0) {
    (n_valid >= n_test ? n_valid : n_test) -= 1;
  }
  std::map<int, Split> splits;
  for (std::size_t k = 0; k < values.size(); ++k) {
    splits[values[k]] = k < n_test             ? Split::Test
                        : k < n_test + n_valid ? Split::Valid
                                               : Split::Train;
  }
  return splits;
}

}  // namespace

const char* to_string(NotesLabel label) {
  switch (label) {
    case NotesLabel::Family: return "family";
    case NotesLabel::Program: return "program";
    case NotesLabel::Pitch: return "pitch";
    case NotesLabel::Velocity: return "velocity";
    case NotesLabel::PitchValue: return "pitch_value";
  }
  return "family";
}

const char* to_string(NotesSplitBy split_by) {
  return split_by == NotesSplitBy::Pitch ? "pitch" : "instrument";
}

void NotesDatasetOptions::validate() const {
  if (valid_fraction < 0 || test_fraction < 0 || valid_fraction + test_fraction >= 1) {
    throw ConfigError(
        fmt::format("notes split: expected valid and test fractions >= 0 that sum "
                    "below 1 (got valid {}, test {})",
                    valid_fraction, test_fraction));
  }
}

Dataset notes_dataset(const NotesCollection& notes, const NotesDatasetOptions& options) {
  options.validate();
  Dataset dataset;
  dataset.source = notes.dir;
  check_input(!notes.notes.empty(), "notes folder " + in_quotes(notes.dir) + " holds no note");

  std::set<int> pitches, velocities;
  std::map<int, std::vector<int>> programs_by_family;
  for (const auto& note : notes.notes) {
    pitches.insert(note.pitch);
    velocities.insert(note.velocity);
    auto& family = programs_by_family[program_family(note.program)];
    if (std::find(family.begin(), family.end(), note.program) == family.end()) {
      family.push_back(note.program);
    }
  }
  std::mt19937_64 rng(options.seed);
  std::map<int, Split> split_of;  // pitch or program -> split
  if (options.split_by == NotesSplitBy::Pitch) {
    split_of = hold_out({pitches.begin(), pitches.end()}, options.valid_fraction,
                        options.test_fraction, rng);
  } else {
    for (auto& [family, programs] : programs_by_family) {
      std::sort(programs.begin(), programs.end());
      for (auto [program, split] :
           hold_out(programs, options.valid_fraction, options.test_fraction, rng)) {
        split_of[program] = split;
      }
    }
  }

  std::vector<int> label_values;  // class index -> pitch or velocity, for those labels
  switch (options.label) {
    case NotesLabel::Family:
      for (int f = 0; f < kGeneralMidiFamilies; ++f) dataset.class_names.push_back(family_name(f));
      break;
    case NotesLabel::Program:
      for (int p = 0; p < kGeneralMidiPrograms; ++p) dataset.class_names.push_back(program_name(p));
      break;
    case NotesLabel::Pitch: label_values.assign(pitches.begin(), pitches.end()); break;
    case NotesLabel::Velocity: label_values.assign(velocities.begin(), velocities.end()); break;
    case NotesLabel::PitchValue: dataset.target_kind = TargetKind::Regression; break;
  }
  for (int value : label_values) dataset.class_names.push_back(std::to_string(value));

  for (const auto& note : notes.notes) {
    Item item;
    item.path = note.path;
    item.target = note.pitch;
    item.split = split_of.at(options.split_by == NotesSplitBy::Pitch ? note.pitch : note.program);
    if (options.label == NotesLabel::PitchValue) {
      dataset.items.push_back(std::move(item));
      continue;
    }
    std::int64_t label = 0;
    switch (options.label) {
      case NotesLabel::PitchValue: break;
      case NotesLabel::Family: label = program_family(note.program); break;
      case NotesLabel::Program: label = note.program; break;
      case NotesLabel::Pitch:
      case NotesLabel::Velocity: {
        const int value = options.label == NotesLabel::Pitch ? note.pitch : note.velocity;
        label = std::lower_bound(label_values.begin(), label_values.end(), value) -
                label_values.begin();
        break;
      }
    }
    item.labels = {label};
    dataset.items.push_back(std::move(item));
  }
  return dataset;
}

}  // namespace paradigms::data
