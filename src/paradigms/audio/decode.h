#pragma once
// Decoding audio files with libsndfile (WAV, FLAC, OGG/Vorbis, Opus, MP3, AIFF, ...), at any
// sample rate, bit depth and channel count. Samples come back as float in [-1, 1]; integer
// formats are scaled by 1 / 2^(bits-1), as libsndfile does.

#include <cstdint>
#include <string>
#include <vector>

namespace paradigms::audio {

/// What a file's header says, without decoding the samples.
struct AudioInfo {
  std::int64_t frames = 0;  ///< samples per channel
  int sample_rate = 0;      ///< Hz
  int channels = 0;
  double duration_s() const { return sample_rate > 0 ? double(frames) / sample_rate : 0.0; }
};

/// All channels of a file, interleaved frame by frame.
struct DecodedAudio {
  std::vector<float> interleaved;
  std::int64_t frames = 0;
  int sample_rate = 0;
  int channels = 0;
};

/// Reads the header of `path`. Throws InputError naming the file when it is missing, not
/// audio, or corrupt.
AudioInfo probe(const std::string& path);

/// Decodes every sample of `path`. Throws InputError naming the file when it cannot be
/// opened or decoded.
DecodedAudio decode(const std::string& path);

/// Averages the channels of `audio` into one (the mean, so a full-scale stereo file stays
/// within [-1, 1]).
std::vector<float> mix_to_mono(const DecodedAudio& audio);

}  // namespace paradigms::audio
