#pragma once
// The `data:` section of a config.
//
//   data:
//     source: notes            # notes | folder | csv | features | chords
//     path: data/notes         # folder, manifest, features.npy; notes: render folder
//     labels: labels.npy       # features only
//     duration_s: 1.0          # crop length
//     strict: false            # refuse the dataset at the first bad file
//     split: {valid: 0.1, test: 0.1, seed: 0}      # items without a split
//     columns: {path: path, label: label, target: target, split: split}   # csv
//     chords: {count: 3000, min_notes: 2, max_notes: 3, seed: 0}   # chords: mixtures of notes
//     notes:                   # notes and chords: render parameters (notes: labels, split)
//       soundfont: /usr/share/sounds/sf2/FluidR3_GM.sf2
//       sample_rate: 16000
//       programs: [0, 1, ...]  # default all 128
//       pitch_min: 36
//       pitch_max: 96
//       pitch_step: 2
//       velocities: [64, 112]
//       note_s: 0.75
//       duration_s: 1.0
//       gain: 0.5
//       silence_peak: 0.001
//       label: family          # family | program | pitch | velocity
//       split_by: pitch        # pitch | instrument
//       valid_fraction: 0.1
//       test_fraction: 0.2
//       seed: 0

#include "paradigms/config/yaml.h"
#include "paradigms/data/data_spec.h"

namespace paradigms::config {

const EnumNames<data::DataSource>& data_source_names();
const EnumNames<data::NotesLabel>& notes_label_names();
const EnumNames<data::NotesSplitBy>& notes_split_names();

/// Reads and checks a `data:` section (unknown keys are errors).
data::DataSpec read_data_spec(Section section);

/// Reads the `notes:` keys of the section above into `spec`.
void read_notes_spec(Section section, data::DataSpec& spec);

}  // namespace paradigms::config
