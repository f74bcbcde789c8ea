#pragma once
// Writing audio files with libsndfile.

#include <string>
#include <vector>

namespace paradigms::audio {

/// Sample formats for written files.
enum class SampleFormat { Pcm16, Pcm24, Float32 };

/// Writes interleaved `samples` with `channels` channels to `path`; the container follows
/// the extension (.wav, .flac, .ogg, .mp3, .aiff, .au). Throws InputError naming the file on
/// failure.
void write_audio(const std::string& path, const std::vector<float>& samples, int sample_rate,
                 int channels = 1, SampleFormat format = SampleFormat::Pcm16);

}  // namespace paradigms::audio
