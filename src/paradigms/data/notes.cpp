#include "paradigms/data/notes.h"

#include <fluidsynth.h>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "paradigms/audio/encode.h"
#include "paradigms/core/error.h"
#include "paradigms/core/files.h"
#include "paradigms/core/hash.h"
#include "paradigms/data/csv.h"
#include "paradigms/data/general_midi.h"

namespace fs = std::filesystem;

namespace paradigms::data {
namespace {

constexpr int kNotesFormatVersion = 1;
constexpr const char* kNotesIndex = "notes.json";
constexpr const char* kNotesManifest = "manifest.csv";

// fluidsynth prints to stderr by default; the library must not print, so its messages are
// kept (per thread) and the last error is put into the exception that reports a failure.
thread_local std::string last_fluidsynth_error;

void keep_fluidsynth_message(int level, const char* message, void* /*data*/) {
  if (level <= FLUID_ERR && message != nullptr) last_fluidsynth_error = message;
}

void silence_fluidsynth_logging() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int level : {FLUID_PANIC, FLUID_ERR, FLUID_WARN, FLUID_INFO, FLUID_DBG}) {
      fluid_set_log_function(level, keep_fluidsynth_message, nullptr);
    }
  });
}

// Checked before fluidsynth sees the file: its loaders print to stderr (through glib) on
// files that are not soundfonts at all.
void check_soundfont_file(const std::string& path) {
  check_input(fs::exists(path), "soundfont " + in_quotes(path) + " does not exist");
  check_input(fs::is_regular_file(path),
              "soundfont " + in_quotes(path) + " is a folder (expected an .sf2 file)");
  std::ifstream in(path, std::ios::binary);
  char header[12] = {};
  in.read(header, sizeof(header));
  const bool riff = in.gcount() == 12 && std::string(header, 4) == "RIFF";
  const std::string form = riff ? std::string(header + 8, 4) : "";
  check_input(form == "sfbk" || form == "DLS ",
              "soundfont " + in_quotes(path) +
                  " does not load: not a SoundFont 2 file (expected a RIFF 'sfbk' header)");
}

// One synthesizer with the soundfont loaded; not shared between threads.
class Synth {
 public:
  explicit Synth(const NotesOptions& options) : options_(options) {
    silence_fluidsynth_logging();
    check_soundfont_file(options.soundfont);
    settings_ = new_fluid_settings();
    fluid_settings_setnum(settings_, "synth.sample-rate", options.sample_rate);
    fluid_settings_setnum(settings_, "synth.gain", options.gain);
    fluid_settings_setint(settings_, "synth.reverb.active", 0);
    fluid_settings_setint(settings_, "synth.chorus.active", 0);
    fluid_settings_setint(settings_, "synth.cpu-cores", 1);
    synth_ = new_fluid_synth(settings_);
    if (synth_ == nullptr) {
      delete_fluid_settings(settings_);
      throw InputError("fluidsynth could not create a synthesizer: " + last_fluidsynth_error);
    }
    last_fluidsynth_error.clear();
    soundfont_id_ = fluid_synth_sfload(synth_, options.soundfont.c_str(), 1);
    if (soundfont_id_ == FLUID_FAILED) {
      const std::string reason = last_fluidsynth_error;
      delete_fluid_synth(synth_);
      delete_fluid_settings(settings_);
      throw InputError("soundfont " + in_quotes(options.soundfont) + " does not load" +
                       (reason.empty() ? std::string() : ": " + reason));
    }
  }
  ~Synth() {
    delete_fluid_synth(synth_);
    delete_fluid_settings(settings_);
  }
  Synth(const Synth&) = delete;
  Synth& operator=(const Synth&) = delete;

  std::vector<float> render(int program, int pitch, int velocity) {
    const auto total = static_cast<int>(std::lround(options_.duration_s * options_.sample_rate));
    const auto held =
        std::min(total, static_cast<int>(std::lround(options_.note_s * options_.sample_rate)));
    fluid_synth_system_reset(synth_);
    std::vector<float> left(static_cast<std::size_t>(total)), right(left.size());
    if (fluid_synth_program_select(synth_, 0, soundfont_id_, 0, program) != FLUID_OK) {
      return std::vector<float>(left.size(), 0.0f);  // no preset: silent, dropped later
    }
    fluid_synth_noteon(synth_, 0, pitch, velocity);
    fluid_synth_write_float(synth_, held, left.data(), 0, 1, right.data(), 0, 1);
    fluid_synth_noteoff(synth_, 0, pitch);
    fluid_synth_write_float(synth_, total - held, left.data(), held, 1, right.data(), held, 1);
    std::vector<float> mono(left.size());
    for (std::size_t i = 0; i < mono.size(); ++i) mono[i] = 0.5f * (left[i] + right[i]);
    return mono;
  }

 private:
  const NotesOptions& options_;
  fluid_settings_t* settings_ = nullptr;
  fluid_synth_t* synth_ = nullptr;
  int soundfont_id_ = FLUID_FAILED;
};

struct NoteKey {
  int program, pitch, velocity;
};

std::string note_file(const NoteKey& key) {
  return fmt::format("audio/p{:03d}_n{:03d}_v{:03d}.flac", key.program, key.pitch, key.velocity);
}

double peak_of(const std::vector<float>& samples) {
  double peak = 0.0;
  for (float sample : samples) peak = std::max(peak, double(std::fabs(sample)));
  return peak;
}

// A render folder holds only what render_notes and `data notes` write there; anything else
// means the folder is the user's, and nothing in it may be replaced.
void refuse_foreign_folder(const std::string& dir) {
  if (!fs::exists(dir)) return;
  const std::set<std::string> ours = {kNotesIndex,     kNotesManifest, "audio",      "features.npy",
                                      "features.json", "chords",       "chords.csv", "chords.key"};
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (ours.count(name) == 0 && name.find(".tmp.") == std::string::npos) {
      throw InputError("notes folder " + in_quotes(dir) + " holds " + in_quotes(name) +
                       ", which is not part of a notes render: refusing to write there (choose "
                       "a new or empty folder)");
    }
  }
}

std::string cache_key(const NotesOptions& options) {
  return fmt::format("notes-v{}|{}", kNotesFormatVersion, options.describe());
}

void write_index(const NotesOptions& options, const NotesCollection& collection) {
  CsvTable table;
  table.header = {"path",        "program", "program_name", "family",
                  "family_name", "pitch",   "velocity",     "peak"};
  for (const auto& note : collection.notes) {
    const int family = program_family(note.program);
    table.rows.push_back({fs::path(note.path).lexically_relative(collection.dir).string(),
                          std::to_string(note.program), program_name(note.program),
                          std::to_string(family), family_name(family), std::to_string(note.pitch),
                          std::to_string(note.velocity), fmt::format("{:.6g}", note.peak)});
  }
  write_csv(fs::path(collection.dir) / kNotesManifest, table);
  nlohmann::json silent = nlohmann::json::array();
  for (const auto& note : collection.silent) {
    silent.push_back({{"program", note.program},
                      {"pitch", note.pitch},
                      {"velocity", note.velocity},
                      {"peak", note.peak}});
  }
  const nlohmann::json index = {
      {"format_version", kNotesFormatVersion}, {"key", cache_key(options)},
      {"parameters", options.describe()},      {"soundfont", options.soundfont},
      {"sample_rate", options.sample_rate},    {"duration_s", options.duration_s},
      {"notes", collection.notes.size()},      {"silent", silent}};
  write_text_atomically(fs::path(collection.dir) / kNotesIndex, index.dump(2) + "\n");
}

}  // namespace

std::vector<int> NotesOptions::all_programs() {
  std::vector<int> programs(kGeneralMidiPrograms);
  for (int p = 0; p < kGeneralMidiPrograms; ++p) programs[static_cast<std::size_t>(p)] = p;
  return programs;
}

std::vector<int> NotesOptions::pitches() const {
  std::vector<int> result;
  for (int pitch = pitch_min; pitch <= pitch_max; pitch += pitch_step) result.push_back(pitch);
  return result;
}

void NotesOptions::validate() const {
  auto require = [](bool ok, const std::string& message) {
    if (!ok) throw ConfigError("notes: " + message);
  };
  require(sample_rate >= 8000 && sample_rate <= 96000,
          fmt::format("render sample_rate must be 8000-96000 Hz, fluidsynth's range (got {})",
                      sample_rate));
  require(!programs.empty(), "programs must not be empty");
  for (int program : programs) {
    require(program >= 0 && program < kGeneralMidiPrograms,
            fmt::format("programs must be 0-127 (got {})", program));
  }
  require(pitch_min >= 0 && pitch_max <= 127 && pitch_min <= pitch_max,
          fmt::format("expected 0 <= pitch_min <= pitch_max <= 127 (got {} and {})", pitch_min,
                      pitch_max));
  require(pitch_step >= 1, fmt::format("pitch_step must be at least 1 (got {})", pitch_step));
  require(!velocities.empty(), "velocities must not be empty");
  for (int velocity : velocities) {
    require(velocity >= 1 && velocity <= 127,
            fmt::format("velocities must be 1-127 (got {})", velocity));
  }
  require(duration_s > 0, fmt::format("duration_s must be positive (got {})", duration_s));
  require(note_s > 0 && note_s <= duration_s,
          fmt::format("note_s must be in (0, duration_s = {}] (got {})", duration_s, note_s));
  require(gain > 0 && gain <= 10, fmt::format("gain must be in (0, 10] (got {})", gain));
  require(silence_peak >= 0 && silence_peak < 1,
          fmt::format("silence_peak must be in [0, 1) (got {})", silence_peak));
}

namespace {

// "0-127" or "0,3,8-15": contiguous runs of a sorted list written as ranges.
std::string ranges_text(std::vector<int> values) {
  std::sort(values.begin(), values.end());
  std::string text;
  for (std::size_t i = 0; i < values.size();) {
    std::size_t j = i;
    while (j + 1 < values.size() && values[j + 1] == values[j] + 1) ++j;
    text += (text.empty() ? "" : ",") + std::to_string(values[i]);
    if (j > i) text += "-" + std::to_string(values[j]);
    i = j + 1;
  }
  return text;
}

}  // namespace

std::string NotesOptions::describe() const {
  return fmt::format(
      "notes(soundfont={}, sample_rate={}, programs=[{}], pitches={}..{} step {}, "
      "velocities=[{}], note_s={}, duration_s={}, gain={}, silence_peak={})",
      soundfont, sample_rate, ranges_text(programs), pitch_min, pitch_max, pitch_step,
      fmt::join(velocities, ","), note_s, duration_s, gain, silence_peak);
}

std::string default_notes_dir(const NotesOptions& options) {
  return (default_cache_dir() / "notes" / stable_hash_hex(cache_key(options))).string();
}

std::vector<float> render_single_note(const NotesOptions& options, int program, int pitch,
                                      int velocity) {
  options.validate();
  Synth synth(options);
  return synth.render(program, pitch, velocity);
}

NotesCollection read_notes(const std::string& dir) {
  const fs::path index_path = fs::path(dir) / kNotesIndex;
  check_input(fs::is_regular_file(index_path),
              "notes folder " + in_quotes(dir) + " holds no complete render (no " + kNotesIndex +
                  "); run `paradigms data notes --out " + dir + "`");
  nlohmann::json index;
  try {
    index = nlohmann::json::parse(read_text(index_path));
  } catch (const nlohmann::json::exception& error) {
    throw InputError("notes index " + in_quotes(index_path.string()) +
                     " is not valid JSON: " + error.what());
  }
  NotesCollection collection;
  collection.dir = dir;
  collection.from_cache = true;
  const CsvTable table = read_csv(fs::path(dir) / kNotesManifest);
  const std::string source = (fs::path(dir) / kNotesManifest).string();
  const auto path = table.require_column("path", source);
  const auto program = table.require_column("program", source);
  const auto pitch = table.require_column("pitch", source);
  const auto velocity = table.require_column("velocity", source);
  const auto peak = table.require_column("peak", source);
  for (const auto& row : table.rows) {
    collection.notes.push_back(Note{(fs::path(dir) / row[path]).string(), std::stoi(row[program]),
                                    std::stoi(row[pitch]), std::stoi(row[velocity]),
                                    std::stod(row[peak])});
  }
  for (const auto& entry : index.value("silent", nlohmann::json::array())) {
    collection.silent.push_back(Note{"", entry.value("program", 0), entry.value("pitch", 0),
                                     entry.value("velocity", 0), entry.value("peak", 0.0)});
  }
  return collection;
}

NotesCollection render_notes(const NotesOptions& options, const std::string& dir,
                             const ProgressCallback& progress) {
  options.validate();
  const fs::path index_path = fs::path(dir) / kNotesIndex;
  check_input(!fs::exists(dir) || fs::is_directory(dir),
              "notes folder " + in_quotes(dir) + " is a file (expected a folder)");
  if (fs::is_regular_file(index_path)) {
    try {
      const auto index = nlohmann::json::parse(read_text(index_path));
      if (index.value("key", "") == cache_key(options)) return read_notes(dir);
    } catch (const nlohmann::json::exception&) {
      // A damaged index is treated as no render at all: render again below.
    }
  }
  refuse_foreign_folder(dir);
  { Synth probe(options); }  // fails early, once, when the soundfont does not load
  // The index goes first, so an interrupted render never looks complete; then everything
  // an earlier render with other parameters left.
  for (const char* entry : {kNotesIndex, kNotesManifest, "audio", "features.npy", "features.json",
                            "chords", "chords.csv", "chords.key"}) {
    fs::remove_all(fs::path(dir) / entry);
  }
  fs::create_directories(fs::path(dir) / "audio");

  std::vector<NoteKey> keys;
  for (int program : options.programs) {
    for (int pitch : options.pitches()) {
      for (int velocity : options.velocities) keys.push_back({program, pitch, velocity});
    }
  }
  std::vector<Note> results(keys.size());
  std::atomic<std::size_t> next{0}, done{0};
  std::mutex mutex;
  std::condition_variable wake;
  std::exception_ptr failure;
  const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
  const auto workers = static_cast<unsigned>(options.threads > 0 ? options.threads : hardware);
  std::vector<std::thread> threads;
  for (unsigned w = 0; w < std::min<std::size_t>(workers, keys.size()); ++w) {
    threads.emplace_back([&] {
      try {
        Synth synth(options);
        for (std::size_t i = next++; i < keys.size(); i = next++) {
          const NoteKey& key = keys[i];
          const std::vector<float> samples = synth.render(key.program, key.pitch, key.velocity);
          Note note{"", key.program, key.pitch, key.velocity, peak_of(samples)};
          if (note.peak >= options.silence_peak) {
            note.path = (fs::path(dir) / note_file(key)).string();
            const std::string tmp = note.path + ".tmp.flac";
            audio::write_audio(tmp, samples, options.sample_rate);
            fs::rename(tmp, note.path);
          }
          results[i] = std::move(note);
          ++done;
          wake.notify_one();
        }
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!failure) failure = std::current_exception();
        next = keys.size();
        wake.notify_one();
      }
    });
  }
  {
    std::unique_lock<std::mutex> lock(mutex);
    std::size_t reported = static_cast<std::size_t>(-1);
    while (done < keys.size() && !failure) {
      wake.wait_for(lock, std::chrono::milliseconds(200));
      if (progress && done != reported) progress(reported = done, keys.size());
    }
  }
  for (auto& thread : threads) thread.join();
  if (failure) std::rethrow_exception(failure);
  if (progress) progress(keys.size(), keys.size());

  NotesCollection collection;
  collection.dir = dir;
  for (auto& note : results)
    (note.path.empty() ? collection.silent : collection.notes).push_back(note);
  write_index(options, collection);
  return collection;
}

}  // namespace paradigms::data
