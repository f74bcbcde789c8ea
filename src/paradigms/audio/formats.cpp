#include "paradigms/audio/formats.h"

#include <algorithm>
#include <cctype>

namespace paradigms::audio {

const std::vector<std::string>& audio_extensions() {
  static const std::vector<std::string> extensions = {
      ".wav", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".aiff", ".aif", ".au", ".w64", ".caf"};
  return extensions;
}

bool has_audio_extension(const std::filesystem::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto& known = audio_extensions();
  return std::find(known.begin(), known.end(), extension) != known.end();
}

std::string audio_extensions_text() {
  std::string text;
  for (const auto& extension : audio_extensions()) {
    text += (text.empty() ? "" : ", ") + extension;
  }
  return text;
}

}  // namespace paradigms::audio
