#include "paradigms/audio/encode.h"

#include <sndfile.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "paradigms/core/error.h"

namespace paradigms::audio {
namespace {

int container_for(const std::string& path) {
  std::string extension = std::filesystem::path(path).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (extension == ".wav") return SF_FORMAT_WAV;
  if (extension == ".flac") return SF_FORMAT_FLAC;
  if (extension == ".ogg" || extension == ".oga") return SF_FORMAT_OGG;
  if (extension == ".aiff" || extension == ".aif") return SF_FORMAT_AIFF;
  if (extension == ".au") return SF_FORMAT_AU;
  if (extension == ".mp3") return SF_FORMAT_MPEG;
  throw InputError("write_audio: cannot tell the container of " + in_quotes(path) +
                   " (expected .wav, .flac, .ogg, .mp3, .aiff or .au)");
}

}  // namespace

void write_audio(const std::string& path, const std::vector<float>& samples, int sample_rate,
                 int channels, SampleFormat format) {
  check_input(channels > 0 && samples.size() % static_cast<std::size_t>(channels) == 0,
              "write_audio: " + in_quotes(path) + ": sample count is not a multiple of channels");
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = channels;
  const int container = container_for(path);
  int subtype = SF_FORMAT_PCM_16;
  if (container == SF_FORMAT_OGG) {
    subtype = SF_FORMAT_VORBIS;
  } else if (container == SF_FORMAT_MPEG) {
    subtype = SF_FORMAT_MPEG_LAYER_III;
  } else if (format == SampleFormat::Pcm24) {
    subtype = SF_FORMAT_PCM_24;
  } else if (format == SampleFormat::Float32) {
    subtype = SF_FORMAT_FLOAT;
  }
  info.format = container | subtype;
  SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
  if (file == nullptr) {
    throw InputError("cannot write audio file " + in_quotes(path) + ": " + sf_strerror(nullptr));
  }
  // Without clipping, libsndfile wraps float samples beyond [-1, 1] around in integer formats.
  sf_command(file, SFC_SET_CLIPPING, nullptr, SF_TRUE);
  const auto frames = static_cast<sf_count_t>(samples.size() / channels);
  const sf_count_t written = sf_writef_float(file, samples.data(), frames);
  sf_close(file);
  check_input(written == frames, "cannot write audio file " + in_quotes(path) + ": short write");
}

}  // namespace paradigms::audio
