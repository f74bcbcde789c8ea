// The notes dataset, rendered with Debian's small TimGM6mb soundfont.

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "paradigms/audio/decode.h"
#include "paradigms/core/error.h"
#include "paradigms/core/files.h"
#include "paradigms/data/general_midi.h"
#include "paradigms/data/notes.h"
#include "test_util.h"

namespace fs = std::filesystem;

namespace paradigms::data {
namespace {

using paradigms::testing::TempDir;

NotesOptions small_options() {
  NotesOptions options;
  options.soundfont = kSmallSoundfont;
  options.programs = {0, 24, 40, 56};  // piano, guitar, violin, trumpet
  options.pitch_min = 60;
  options.pitch_max = 64;
  options.pitch_step = 2;
  options.velocities = {64, 112};
  options.duration_s = 0.5;
  options.note_s = 0.3;
  options.threads = 2;
  return options;
}

TEST(GeneralMidi, FamiliesAreEightProgramsEach) {
  EXPECT_EQ(program_family(0), 0);
  EXPECT_EQ(program_family(7), 0);
  EXPECT_EQ(program_family(8), 1);
  EXPECT_EQ(program_family(127), 15);
  EXPECT_EQ(program_name(0), "Acoustic Grand Piano");
  EXPECT_EQ(program_name(40), "Violin");
  EXPECT_EQ(program_name(127), "Gunshot");
  EXPECT_EQ(family_name(5), "Strings");
  EXPECT_EQ(family_name(15), "Sound Effects");
  EXPECT_THROW_WITH(program_name(128), InputError, "0-127", "128");
}

TEST(Notes, RendersEveryCombinationToFixedLengthFiles) {
  TempDir dir;
  const NotesOptions options = small_options();
  const NotesCollection notes = render_notes(options, dir.path().string());
  EXPECT_FALSE(notes.from_cache);
  EXPECT_EQ(notes.notes.size() + notes.silent.size(), 4u * 3u * 2u);
  EXPECT_EQ(notes.notes.size(), 24u);  // every one of these GM instruments sounds
  for (const auto& note : notes.notes) {
    const audio::AudioInfo info = audio::probe(note.path);
    EXPECT_EQ(info.sample_rate, 16000);
    EXPECT_EQ(info.channels, 1);
    EXPECT_EQ(info.frames, 8000);
    EXPECT_GT(note.peak, options.silence_peak);
  }
  EXPECT_TRUE(fs::exists(dir.path() / "manifest.csv"));
  EXPECT_TRUE(fs::exists(dir.path() / "notes.json"));

  const NotesCollection again = render_notes(options, dir.path().string());
  EXPECT_TRUE(again.from_cache);
  ASSERT_EQ(again.notes.size(), notes.notes.size());
  EXPECT_EQ(again.notes[5].path, notes.notes[5].path);
  EXPECT_EQ(again.notes[5].pitch, notes.notes[5].pitch);

  NotesOptions changed = options;
  changed.velocities = {100};
  const NotesCollection rerendered = render_notes(changed, dir.path().string());
  EXPECT_FALSE(rerendered.from_cache);
  EXPECT_EQ(rerendered.notes.size(), 12u);
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir.path() / "audio")) {
    EXPECT_NE(entry.path().filename().string().find("_v100"), std::string::npos) << entry.path();
    ++files;
  }
  EXPECT_EQ(files, 12u);  // nothing of the earlier render is left
}

TEST(Notes, RefusesToWriteIntoAFolderThatIsNotARender) {
  TempDir dir;
  testing::write_bytes(dir / "mine/manifest.csv", "my precious,data\n");
  testing::write_bytes(dir / "mine/thesis.txt", "keep me");
  EXPECT_THROW_WITH(render_notes(small_options(), dir / "mine"), InputError, "mine", "thesis.txt",
                    "refusing");
  EXPECT_EQ(read_text(dir / "mine/manifest.csv"), "my precious,data\n");
  testing::write_bytes(dir / "file", "x");
  EXPECT_THROW_WITH(render_notes(small_options(), dir / "file"), InputError, "is a file");
}

TEST(Notes, RenderIsDeterministicAndPitchDependent) {
  const NotesOptions options = small_options();
  const auto a = render_single_note(options, 0, 60, 100);
  const auto b = render_single_note(options, 0, 60, 100);
  const auto c = render_single_note(options, 0, 67, 100);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  // A held note has most of its energy in the held part, then decays after release.
  double held = 0, tail = 0;
  for (std::size_t i = 0; i < a.size(); ++i) (i < 4800 ? held : tail) += double(a[i]) * a[i];
  EXPECT_GT(held, tail);
}

TEST(Notes, SilentRendersAreDroppedAndCounted) {
  TempDir dir;
  NotesOptions options = small_options();
  options.programs = {0};
  options.velocities = {1};
  options.silence_peak = 0.9;  // nothing this quiet reaches it
  const NotesCollection notes = render_notes(options, dir.path().string());
  EXPECT_EQ(notes.notes.size(), 0u);
  EXPECT_EQ(notes.silent.size(), 3u);
}

TEST(Notes, BadSoundfontIsNamed) {
  TempDir dir;
  NotesOptions options = small_options();
  options.soundfont = dir / "missing.sf2";
  EXPECT_THROW_WITH(render_notes(options, dir / "out"), InputError, "missing.sf2",
                    "does not exist");
  testing::write_bytes(dir / "garbage.sf2", "RIFF not really a soundfont");
  options.soundfont = dir / "garbage.sf2";
  EXPECT_THROW_WITH(render_notes(options, dir / "out"), InputError, "garbage.sf2", "does not load");
}

TEST(Notes, OptionsAreValidatedWithValues) {
  NotesOptions options = small_options();
  options.pitch_min = 90;
  options.pitch_max = 80;
  EXPECT_THROW_WITH(options.validate(), ConfigError, "pitch_min", "90", "80");
  options = small_options();
  options.velocities = {0};
  EXPECT_THROW_WITH(options.validate(), ConfigError, "velocities", "got 0");
  options = small_options();
  options.programs = {128};
  EXPECT_THROW_WITH(options.validate(), ConfigError, "programs", "128");
}

NotesCollection fake_collection(int programs, int pitches) {
  NotesCollection collection;
  collection.dir = "fake";
  for (int program = 0; program < programs; ++program) {
    for (int pitch = 40; pitch < 40 + pitches; ++pitch) {
      collection.notes.push_back(Note{"fake.flac", program, pitch, 100, 0.5});
    }
  }
  return collection;
}

TEST(NotesDataset, SplitByPitchHoldsOutWholePitches) {
  const NotesCollection notes = fake_collection(16, 20);
  NotesDatasetOptions options;  // valid 0.1, test 0.2
  const Dataset dataset = notes_dataset(notes, options);
  std::map<int, std::set<Split>> splits_of_pitch;
  std::map<Split, std::set<int>> pitches_of_split;
  for (std::size_t i = 0; i < dataset.items.size(); ++i) {
    const int pitch = notes.notes[i].pitch;
    splits_of_pitch[pitch].insert(dataset.items[i].split);
    pitches_of_split[dataset.items[i].split].insert(pitch);
    EXPECT_EQ(dataset.items[i].labels, (std::vector<std::int64_t>{notes.notes[i].program / 8}));
    EXPECT_EQ(dataset.items[i].target, pitch);
  }
  for (const auto& [pitch, splits] : splits_of_pitch) EXPECT_EQ(splits.size(), 1u) << pitch;
  EXPECT_EQ(pitches_of_split[Split::Test].size(), 4u);   // round(20 * 0.2)
  EXPECT_EQ(pitches_of_split[Split::Valid].size(), 2u);  // round(20 * 0.1)
  EXPECT_EQ(dataset.num_classes(), 16);
  EXPECT_EQ(dataset.class_names[4], "Bass");

  const Dataset same = notes_dataset(notes, options);
  for (std::size_t i = 0; i < dataset.items.size(); ++i) {
    EXPECT_EQ(same.items[i].split, dataset.items[i].split);
  }
  options.seed = 1;
  const Dataset other = notes_dataset(notes, options);
  std::size_t differing = 0;
  for (std::size_t i = 0; i < dataset.items.size(); ++i) {
    differing += other.items[i].split != dataset.items[i].split;
  }
  EXPECT_GT(differing, 0u);
}

TEST(NotesDataset, SplitByInstrumentHoldsOutProgramsInEveryFamily) {
  const NotesCollection notes = fake_collection(128, 2);
  NotesDatasetOptions options;
  options.split_by = NotesSplitBy::Instrument;
  options.label = NotesLabel::Program;
  const Dataset dataset = notes_dataset(notes, options);
  EXPECT_EQ(dataset.num_classes(), 128);
  std::map<int, std::map<Split, std::set<int>>> programs;  // family -> split -> programs
  for (std::size_t i = 0; i < dataset.items.size(); ++i) {
    const int program = notes.notes[i].program;
    programs[program / 8][dataset.items[i].split].insert(program);
    EXPECT_EQ(dataset.items[i].labels[0], program);
  }
  for (auto& [family, by_split] : programs) {
    EXPECT_EQ(by_split[Split::Test].size(), 2u) << family;   // round(8 * 0.2)
    EXPECT_EQ(by_split[Split::Valid].size(), 1u) << family;  // round(8 * 0.1)
    EXPECT_EQ(by_split[Split::Train].size(), 5u) << family;
  }
}

TEST(NotesDataset, PitchLabelsAreClassesOfThePitchesPresent) {
  const NotesCollection notes = fake_collection(2, 3);
  NotesDatasetOptions options;
  options.label = NotesLabel::Pitch;
  const Dataset dataset = notes_dataset(notes, options);
  EXPECT_EQ(dataset.class_names, (std::vector<std::string>{"40", "41", "42"}));
  EXPECT_EQ(dataset.items[2].labels[0], 2);
}

}  // namespace
}  // namespace paradigms::data
