#include "paradigms/data/chords.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>

#include "paradigms/audio/decode.h"
#include "paradigms/audio/encode.h"
#include "paradigms/core/error.h"
#include "paradigms/core/files.h"
#include "paradigms/core/hash.h"
#include "paradigms/core/rng.h"
#include "paradigms/data/csv.h"
#include "paradigms/data/general_midi.h"

namespace fs = std::filesystem;

namespace paradigms::data {

void ChordsOptions::validate() const {
  if (count < 1 || min_notes < 1 || max_notes < min_notes) {
    throw ConfigError(
        fmt::format("chords: expected count >= 1 and 1 <= min_notes <= max_notes "
                    "(got count {}, min_notes {}, max_notes {})",
                    count, min_notes, max_notes));
  }
}

std::string ChordsOptions::describe() const {
  return fmt::format("chords(count={}, notes={}..{}, seed={})", count, min_notes, max_notes, seed);
}

std::string mix_chords(const NotesCollection& notes, const ChordsOptions& options,
                       const std::string& dir) {
  options.validate();
  std::map<int, std::vector<std::size_t>> by_family;
  for (std::size_t i = 0; i < notes.notes.size(); ++i) {
    by_family[program_family(notes.notes[i].program)].push_back(i);
  }
  check_input(int(by_family.size()) >= options.max_notes,
              fmt::format("chords: the notes in {} hold {} families, fewer than max_notes = {}",
                          in_quotes(notes.dir), by_family.size(), options.max_notes));
  const fs::path manifest = fs::path(dir) / "chords.csv";
  const fs::path stamp = fs::path(dir) / "chords.key";
  const std::string key =
      options.describe() + "|" + notes.dir + "|" + std::to_string(notes.notes.size());
  if (fs::exists(manifest) && fs::exists(stamp) && read_text(stamp) == key) {
    return manifest.string();
  }
  fs::create_directories(fs::path(dir) / "chords");
  std::vector<int> families;
  for (const auto& [family, members] : by_family) families.push_back(family);
  std::mt19937_64 rng(options.seed);
  CsvTable table;
  table.header = {"path", "label"};
  for (std::int64_t c = 0; c < options.count; ++c) {
    const int size =
        options.min_notes +
        int(uniform_index(rng, std::uint64_t(options.max_notes - options.min_notes + 1)));
    std::vector<int> chosen = families;
    stable_shuffle(chosen, rng);
    chosen.resize(std::size_t(size));
    std::sort(chosen.begin(), chosen.end());
    std::vector<float> mix;
    int sample_rate = 0;
    std::string labels;
    for (int family : chosen) {
      const auto& members = by_family[family];
      const Note& note = notes.notes[members[uniform_index(rng, members.size())]];
      const audio::DecodedAudio audio = audio::decode(note.path);
      sample_rate = audio.sample_rate;
      if (mix.size() < audio.interleaved.size()) mix.resize(audio.interleaved.size(), 0.0f);
      for (std::size_t i = 0; i < audio.interleaved.size(); ++i) {
        mix[i] += audio.interleaved[i] / float(size);
      }
      labels += (labels.empty() ? "" : ";") + family_name(family);
    }
    const std::string name = fmt::format("chords/c{:05d}.flac", c);
    audio::write_audio((fs::path(dir) / name).string(), mix, sample_rate);
    table.rows.push_back({name, labels});
  }
  write_csv(manifest, table);
  write_text_atomically(stamp, key);
  return manifest.string();
}

}  // namespace paradigms::data
