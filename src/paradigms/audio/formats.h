#pragma once
// Which file names the audio reader accepts.

#include <filesystem>
#include <string>
#include <vector>

namespace paradigms::audio {

/// Lower-case extensions (with the dot) that libsndfile decodes here: wav, flac, ogg/oga,
/// opus, mp3, aiff/aif, au, w64, caf.
const std::vector<std::string>& audio_extensions();

/// True when `path` ends in one of audio_extensions() (case-insensitive).
bool has_audio_extension(const std::filesystem::path& path);

/// The extension list joined for messages: ".wav, .flac, ...".
std::string audio_extensions_text();

}  // namespace paradigms::audio
