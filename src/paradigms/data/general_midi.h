#pragma once
// General MIDI level 1 instrument names and families.

#include <string>

namespace paradigms::data {

constexpr int kGeneralMidiPrograms = 128;
constexpr int kGeneralMidiFamilies = 16;
constexpr int kProgramsPerFamily = 8;

/// The GM name of program 0-127 ("Acoustic Grand Piano" ...); throws InputError otherwise.
const std::string& program_name(int program);
/// The family 0-15 of a program: program / 8.
int program_family(int program);
/// The GM family name of family 0-15 ("Piano" ... "Sound Effects"); throws otherwise.
const std::string& family_name(int family);

}  // namespace paradigms::data
