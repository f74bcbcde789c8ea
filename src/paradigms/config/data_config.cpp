#include "paradigms/config/data_config.h"

namespace paradigms::config {

using data::DataSource;
using data::NotesLabel;
using data::NotesSplitBy;

const EnumNames<DataSource>& data_source_names() {
  static const EnumNames<DataSource> names = {{"notes", DataSource::Notes},
                                              {"folder", DataSource::Folder},
                                              {"csv", DataSource::Csv},
                                              {"features", DataSource::Features},
                                              {"chords", DataSource::Chords}};
  return names;
}

const EnumNames<NotesLabel>& notes_label_names() {
  static const EnumNames<NotesLabel> names = {{"family", NotesLabel::Family},
                                              {"program", NotesLabel::Program},
                                              {"pitch", NotesLabel::Pitch},
                                              {"velocity", NotesLabel::Velocity},
                                              {"pitch_value", NotesLabel::PitchValue}};
  return names;
}

const EnumNames<NotesSplitBy>& notes_split_names() {
  static const EnumNames<NotesSplitBy> names = {{"pitch", NotesSplitBy::Pitch},
                                                {"instrument", NotesSplitBy::Instrument}};
  return names;
}

void read_notes_spec(Section section, data::DataSpec& spec) {
  data::NotesOptions& n = spec.notes;
  n.soundfont = section.get<std::string>("soundfont", n.soundfont);
  n.sample_rate = section.get<int>("sample_rate", n.sample_rate);
  n.programs = section.get<std::vector<int>>("programs", n.programs);
  n.pitch_min = section.get<int>("pitch_min", n.pitch_min);
  n.pitch_max = section.get<int>("pitch_max", n.pitch_max);
  n.pitch_step = section.get<int>("pitch_step", n.pitch_step);
  n.velocities = section.get<std::vector<int>>("velocities", n.velocities);
  n.note_s = section.get<double>("note_s", n.note_s);
  n.duration_s = section.get<double>("duration_s", n.duration_s);
  n.gain = section.get<double>("gain", n.gain);
  n.silence_peak = section.get<double>("silence_peak", n.silence_peak);
  data::NotesDatasetOptions& d = spec.notes_dataset;
  d.label = section.get_enum("label", d.label, notes_label_names());
  d.split_by = section.get_enum("split_by", d.split_by, notes_split_names());
  d.valid_fraction = section.get<double>("valid_fraction", d.valid_fraction);
  d.test_fraction = section.get<double>("test_fraction", d.test_fraction);
  d.seed = section.get<std::uint64_t>("seed", d.seed);
  section.finish();
  n.validate();
  d.validate();
}

data::DataSpec read_data_spec(Section section) {
  data::DataSpec spec;
  spec.source = section.get_enum("source", spec.source, data_source_names());
  spec.path = section.get<std::string>("path", spec.path);
  spec.labels_path = section.get<std::string>("labels", spec.labels_path);
  spec.duration_s = section.get<double>("duration_s", spec.duration_s);
  spec.load.strict = section.get<bool>("strict", spec.load.strict);
  Section split = section.section("split");
  spec.split.valid_fraction = split.get<double>("valid", spec.split.valid_fraction);
  spec.split.test_fraction = split.get<double>("test", spec.split.test_fraction);
  spec.split.seed = split.get<std::uint64_t>("seed", spec.split.seed);
  split.finish();
  spec.split.validate();
  Section columns = section.section("columns");
  spec.columns.path = columns.get<std::string>("path", spec.columns.path);
  spec.columns.label = columns.get<std::string>("label", spec.columns.label);
  spec.columns.target = columns.get<std::string>("target", spec.columns.target);
  spec.columns.split = columns.get<std::string>("split", spec.columns.split);
  columns.finish();
  read_notes_spec(section.section("notes"), spec);
  Section chords = section.section("chords");
  spec.chords.count = chords.get<std::int64_t>("count", spec.chords.count);
  spec.chords.min_notes = chords.get<int>("min_notes", spec.chords.min_notes);
  spec.chords.max_notes = chords.get<int>("max_notes", spec.chords.max_notes);
  spec.chords.seed = chords.get<std::uint64_t>("seed", spec.chords.seed);
  chords.finish();
  spec.chords.validate();
  section.finish();
  if (spec.duration_s <= 0) {
    throw ConfigError("config key " + in_quotes(section.key_path("duration_s")) +
                      ": expected a positive number of seconds");
  }
  const bool needs_path = spec.source != DataSource::Notes && spec.source != DataSource::Chords;
  if (needs_path && spec.path.empty()) {
    throw ConfigError("config key " + in_quotes(section.key_path("path")) +
                      ": required for source " + data::to_string(spec.source));
  }
  if (spec.source == DataSource::Features && spec.labels_path.empty()) {
    throw ConfigError("config key " + in_quotes(section.key_path("labels")) +
                      ": required for source features (a labels .npy)");
  }
  return spec;
}

}  // namespace paradigms::config
