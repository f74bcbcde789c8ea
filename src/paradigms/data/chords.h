#pragma once
// Multi-label data from the notes: chords of 2-3 notes of different GM families mixed
// together; the labels are the families present.

#include <cstdint>
#include <string>

#include "paradigms/data/notes.h"

namespace paradigms::data {

struct ChordsOptions {
  std::int64_t count = 3000;  ///< chords to mix
  int min_notes = 2;          ///< notes per chord, at least
  int max_notes = 3;          ///< notes per chord, at most
  std::uint64_t seed = 0;     ///< which notes are mixed

  void validate() const;
  std::string describe() const;
};

/// Mixes chords from `notes` into `dir` (chords/cNNNNN.flac and chords.csv with columns
/// path, label = family names joined by ';'), or reuses a complete earlier mix with the same
/// parameters. Each chord takes notes of distinct families, each note's samples scaled by
/// 1 / (number of notes). Returns the manifest path. Throws InputError when the notes hold
/// fewer families than max_notes.
std::string mix_chords(const NotesCollection& notes, const ChordsOptions& options,
                       const std::string& dir);

}  // namespace paradigms::data
