#include "paradigms/audio/mel_filterbank.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "paradigms/core/error.h"

namespace paradigms::audio {
namespace {

// Slaney's scale: 3 bands per 200 Hz below 1 kHz, then 27 bands per factor 6.4 of frequency.
constexpr double kSlaneyHzPerMel = 200.0 / 3.0;
constexpr double kSlaneyBreakHz = 1000.0;
constexpr double kSlaneyBreakMel = kSlaneyBreakHz / kSlaneyHzPerMel;
const double kSlaneyLogStep = std::log(6.4) / 27.0;

}  // namespace

double hz_to_mel(double hz, MelScale scale) {
  if (scale == MelScale::Htk) return 2595.0 * std::log10(1.0 + hz / 700.0);
  if (hz < kSlaneyBreakHz) return hz / kSlaneyHzPerMel;
  return kSlaneyBreakMel + std::log(hz / kSlaneyBreakHz) / kSlaneyLogStep;
}

double mel_to_hz(double mel, MelScale scale) {
  if (scale == MelScale::Htk) return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0);
  if (mel < kSlaneyBreakMel) return mel * kSlaneyHzPerMel;
  return kSlaneyBreakHz * std::exp(kSlaneyLogStep * (mel - kSlaneyBreakMel));
}

std::vector<double> mel_filterbank(double sample_rate, std::int64_t n_fft, std::int64_t n_mels,
                                   double f_min, double f_max, MelScale scale, MelNorm norm) {
  check_input(sample_rate > 0,
              fmt::format("mel_filterbank: sample_rate must be positive (got {})", sample_rate));
  check_input(n_fft >= 2, fmt::format("mel_filterbank: n_fft must be at least 2 (got {})", n_fft));
  check_input(n_mels >= 1,
              fmt::format("mel_filterbank: n_mels must be at least 1 (got {})", n_mels));
  check_input(f_min >= 0 && f_min < f_max && f_max <= sample_rate / 2,
              fmt::format("mel_filterbank: expected 0 <= f_min < f_max <= sample_rate / 2 = {} "
                          "(got f_min {}, f_max {})",
                          sample_rate / 2, f_min, f_max));
  const std::int64_t n_freqs = n_fft / 2 + 1;
  const double mel_min = hz_to_mel(f_min, scale);
  const double mel_max = hz_to_mel(f_max, scale);
  std::vector<double> edges_hz(static_cast<std::size_t>(n_mels + 2));
  for (std::int64_t i = 0; i < n_mels + 2; ++i) {
    const double mel = mel_min + (mel_max - mel_min) * double(i) / double(n_mels + 1);
    edges_hz[static_cast<std::size_t>(i)] = mel_to_hz(mel, scale);
  }
  std::vector<double> weights(static_cast<std::size_t>(n_mels * n_freqs), 0.0);
  for (std::int64_t band = 0; band < n_mels; ++band) {
    const double low = edges_hz[static_cast<std::size_t>(band)];
    const double centre = edges_hz[static_cast<std::size_t>(band + 1)];
    const double high = edges_hz[static_cast<std::size_t>(band + 2)];
    const double area_scale = norm == MelNorm::Slaney ? 2.0 / (high - low) : 1.0;
    for (std::int64_t bin = 0; bin < n_freqs; ++bin) {
      // Same expression as the definition: bin k sits at k * (sr / 2) / (n_freqs - 1).
      const double hz = double(bin) * (sample_rate / 2.0) / double(n_freqs - 1);
      const double rising = (hz - low) / (centre - low);
      const double falling = (high - hz) / (high - centre);
      const double weight = std::max(0.0, std::min(rising, falling));
      weights[static_cast<std::size_t>(band * n_freqs + bin)] = weight * area_scale;
    }
  }
  return weights;
}

}  // namespace paradigms::audio
