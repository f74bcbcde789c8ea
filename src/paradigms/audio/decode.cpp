#include "paradigms/audio/decode.h"

#include <sndfile.h>

#include <filesystem>
#include <memory>
#include <sstream>

#include "paradigms/core/error.h"

namespace paradigms::audio {
namespace {

struct SndfileCloser {
  void operator()(SNDFILE* file) const { sf_close(file); }
};
using SndfileHandle = std::unique_ptr<SNDFILE, SndfileCloser>;

SndfileHandle open_for_reading(const std::string& path, SF_INFO& info) {
  check_input(std::filesystem::exists(path), "audio file " + in_quotes(path) + " does not exist");
  check_input(!std::filesystem::is_directory(path),
              "audio file " + in_quotes(path) + " is a folder, expected a file");
  info = SF_INFO{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  if (file == nullptr) {
    throw InputError("cannot decode audio file " + in_quotes(path) + ": " + sf_strerror(nullptr));
  }
  return SndfileHandle(file);
}

// libsndfile quietly shortens a WAV/AIFF whose data chunk runs past the end of the file; its
// parse log then has the chunk line with "(should be N)", which is how a cut file is told.
void check_not_truncated(SNDFILE* file, const std::string& path) {
  std::string log(8192, '\0');
  sf_command(file, SFC_GET_LOG_INFO, log.data(), static_cast<int>(log.size()));
  std::istringstream lines(log.c_str());
  for (std::string line; std::getline(lines, line);) {
    const bool data_chunk = line.rfind("data", 0) == 0 || line.rfind("SSND", 0) == 0;
    const auto should = line.find("(should be");
    if (data_chunk && should != std::string::npos) {
      throw InputError("audio file " + in_quotes(path) + " is truncated: its data chunk " +
                       line.substr(line.find(':') + 2));
    }
  }
}

}  // namespace

AudioInfo probe(const std::string& path) {
  SF_INFO info;
  SndfileHandle file = open_for_reading(path, info);
  return AudioInfo{info.frames, info.samplerate, info.channels};
}

DecodedAudio decode(const std::string& path) {
  SF_INFO info;
  SndfileHandle file = open_for_reading(path, info);
  check_input(info.channels > 0 && info.samplerate > 0,
              "audio file " + in_quotes(path) + " has no channels or no sample rate");
  DecodedAudio audio;
  audio.sample_rate = info.samplerate;
  audio.channels = info.channels;
  // Some decoders (MP3, Ogg) only estimate the frame count up front: read in blocks.
  constexpr sf_count_t kBlockFrames = 1 << 16;
  std::vector<float> block(static_cast<std::size_t>(kBlockFrames * info.channels));
  while (true) {
    const sf_count_t got = sf_readf_float(file.get(), block.data(), kBlockFrames);
    if (got <= 0) break;
    audio.interleaved.insert(audio.interleaved.end(), block.begin(),
                             block.begin() + got * info.channels);
  }
  if (sf_error(file.get()) != SF_ERR_NO_ERROR) {
    throw InputError("cannot decode audio file " + in_quotes(path) + ": " +
                     sf_strerror(file.get()));
  }
  audio.frames = static_cast<std::int64_t>(audio.interleaved.size()) / info.channels;
  check_not_truncated(file.get(), path);
  return audio;
}

std::vector<float> mix_to_mono(const DecodedAudio& audio) {
  if (audio.channels == 1) return audio.interleaved;
  std::vector<float> mono(static_cast<std::size_t>(audio.frames));
  const float scale = 1.0f / static_cast<float>(audio.channels);
  for (std::int64_t frame = 0; frame < audio.frames; ++frame) {
    float sum = 0.0f;
    for (int channel = 0; channel < audio.channels; ++channel) {
      sum += audio.interleaved[static_cast<std::size_t>(frame * audio.channels + channel)];
    }
    mono[static_cast<std::size_t>(frame)] = sum * scale;
  }
  return mono;
}

}  // namespace paradigms::audio
