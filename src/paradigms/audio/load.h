#pragma once
// The audio pipeline's entry: decode, mix to mono, resample, check the samples.

#include <string>
#include <vector>

#include "paradigms/audio/resample.h"

namespace paradigms::audio {

/// Mono samples at a known rate.
struct MonoAudio {
  std::vector<float> samples;
  int sample_rate = 0;
};

/// Decodes `path`, mixes it to mono and resamples it to `sample_rate` Hz. Throws InputError
/// naming the file when it is missing, unreadable, has no samples, or holds NaN or infinite
/// samples.
MonoAudio load_mono(const std::string& path, int sample_rate,
                    ResampleQuality quality = ResampleQuality::High);

/// Throws InputError naming `source` when `samples` is empty or holds a NaN or infinity.
void check_samples(const std::vector<float>& samples, const std::string& source);

}  // namespace paradigms::audio
