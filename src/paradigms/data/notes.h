#pragma once
// The embedded default dataset `notes`: single instrument notes rendered in-process with
// libfluidsynth from a General MIDI soundfont (Debian's FluidR3_GM.sf2 by default), dry (no
// reverb or chorus), for every requested program, pitch and velocity. Each note is held for
// note_s seconds, then released, and the render is cut to duration_s. Renders whose peak is
// below silence_peak are dropped and counted.
//
// On disk (DIR): audio/pPPP_nNN_vVVV.flac, manifest.csv (path, program, program_name, family,
// family_name, pitch, velocity, peak) and notes.json (parameters, counts, dropped notes),
// written last so that a folder with notes.json is complete.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "paradigms/data/dataset.h"

namespace paradigms::data {

/// Debian's General MIDI soundfonts.
inline constexpr const char* kDefaultSoundfont = "/usr/share/sounds/sf2/FluidR3_GM.sf2";
inline constexpr const char* kSmallSoundfont = "/usr/share/sounds/sf2/TimGM6mb.sf2";

struct NotesOptions {
  std::string soundfont = kDefaultSoundfont;   ///< any .sf2 file
  int sample_rate = 16000;                     ///< Hz, 8000-96000 (fluidsynth's range)
  std::vector<int> programs = all_programs();  ///< GM programs, 0-127
  int pitch_min = 36;                          ///< lowest MIDI pitch
  int pitch_max = 96;                          ///< highest MIDI pitch (inclusive)
  int pitch_step = 2;                          ///< semitones between rendered pitches
  std::vector<int> velocities = {64, 112};     ///< MIDI velocities, 1-127
  double note_s = 0.75;                        ///< seconds the key is held
  double duration_s = 1.0;                     ///< length of every render, release included
  double gain = 0.5;                           ///< fluidsynth master gain
  double silence_peak = 1e-3;                  ///< renders with a lower peak are dropped
  int threads = 0;                             ///< render threads; 0 means all cores

  static std::vector<int> all_programs();
  /// The pitches rendered: pitch_min, pitch_min + step, ... <= pitch_max.
  std::vector<int> pitches() const;
  /// Throws ConfigError naming the first invalid field and its value.
  void validate() const;
  /// Every field that changes the rendered audio (not `threads`), for the cache key.
  std::string describe() const;
};

/// One rendered note.
struct Note {
  std::string path;  ///< FLAC file
  int program = 0;
  int pitch = 0;
  int velocity = 0;
  double peak = 0.0;  ///< peak absolute sample
};

struct NotesCollection {
  std::string dir;
  std::vector<Note> notes;   ///< non-silent notes, in (program, pitch, velocity) order
  std::vector<Note> silent;  ///< dropped renders (path empty)
  bool from_cache = false;   ///< true when nothing had to be rendered
};

using ProgressCallback = std::function<void(std::size_t done, std::size_t total)>;

/// Renders the notes into `dir`, or reuses them when `dir` already holds a complete render
/// with the same parameters. Throws InputError when the soundfont does not load (naming it).
/// `progress` is called from the calling thread as notes complete.
NotesCollection render_notes(const NotesOptions& options, const std::string& dir,
                             const ProgressCallback& progress = {});

/// Reads a complete render from `dir`; throws InputError naming `dir` when it is not one.
NotesCollection read_notes(const std::string& dir);

/// The folder a parameter set renders to by default: <cache>/notes/<hash of parameters>.
std::string default_notes_dir(const NotesOptions& options);

/// Renders one note (mono, duration_s long) with an already-validated soundfont; for tests
/// and previews. Throws InputError when the soundfont does not load.
std::vector<float> render_single_note(const NotesOptions& options, int program, int pitch,
                                      int velocity);

/// Which label of a note a dataset uses.
enum class NotesLabel {
  Family,      ///< 16 GM families
  Program,     ///< 128 GM programs
  Pitch,       ///< the MIDI pitches present, as classes
  Velocity,    ///< the velocities present, as classes
  PitchValue,  ///< the MIDI pitch as a regression target
};

/// How the notes are split into train, valid and test.
enum class NotesSplitBy {
  Pitch,       ///< held-out pitches: every note of a test pitch is in test
  Instrument,  ///< held-out programs, per family (zero-shot retrieval of unseen instruments)
};

struct NotesDatasetOptions {
  NotesLabel label = NotesLabel::Family;  ///< class labels of the items
  NotesSplitBy split_by = NotesSplitBy::Pitch;
  double valid_fraction = 0.1;  ///< share of pitches (programs) held out for valid
  double test_fraction = 0.2;   ///< share of pitches (programs) held out for test
  std::uint64_t seed = 0;       ///< the same seed gives the same split

  void validate() const;
};

/// The notes as a Dataset: labels as chosen (class names are GM family or program names, or
/// pitch/velocity numbers), `target` = MIDI pitch for regression, and a deterministic split.
/// Held-out values are drawn by a seeded shuffle; with split by instrument, each family
/// gives round(8 * fraction) programs (at least one to each of valid and test when the
/// fraction is above zero and the family has three or more programs).
Dataset notes_dataset(const NotesCollection& notes, const NotesDatasetOptions& options = {});

const char* to_string(NotesLabel label);
const char* to_string(NotesSplitBy split_by);

}  // namespace paradigms::data
