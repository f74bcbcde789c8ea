#include "paradigms/audio/load.h"

#include <fmt/format.h>

#include <cmath>

#include "paradigms/audio/decode.h"
#include "paradigms/core/error.h"

namespace paradigms::audio {

void check_samples(const std::vector<float>& samples, const std::string& source) {
  check_input(!samples.empty(),
              "audio file " + in_quotes(source) + " has no samples (zero length)");
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (!std::isfinite(samples[i])) {
      throw InputError(fmt::format("audio file {} has {} sample at index {}", in_quotes(source),
                                   std::isnan(samples[i]) ? "a NaN" : "an infinite", i));
    }
  }
}

MonoAudio load_mono(const std::string& path, int sample_rate, ResampleQuality quality) {
  check_input(sample_rate > 0,
              fmt::format("load_mono: sample_rate must be positive (got {})", sample_rate));
  const DecodedAudio decoded = decode(path);
  std::vector<float> mono = mix_to_mono(decoded);
  check_samples(mono, path);
  MonoAudio audio;
  audio.samples = resample(mono, decoded.sample_rate, sample_rate, quality);
  audio.sample_rate = sample_rate;
  return audio;
}

}  // namespace paradigms::audio
