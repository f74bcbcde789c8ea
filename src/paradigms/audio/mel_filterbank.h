#pragma once
// Mel filterbanks, after librosa's `filters.mel` definition (Slaney's Auditory Toolbox scale
// and area normalisation by default; the HTK scale and unnormalised triangles as options).
//
// Band edges: n_mels + 2 points equally spaced on the mel scale between f_min and f_max,
// mapped back to Hz (h_0 .. h_{n+1}). FFT bin k has frequency k * sample_rate / n_fft.
// Triangle i: w_i(f) = max(0, min((f - h_i) / (h_{i+1} - h_i), (h_{i+2} - f) / (h_{i+2} -
// h_{i+1}))); with Slaney normalisation it is multiplied by 2 / (h_{i+2} - h_i), so each
// triangle has unit area in Hz.

#include <cstdint>
#include <vector>

namespace paradigms::audio {

/// Mel scales. Slaney: linear below 1 kHz (f / (200/3)), logarithmic above (15 mel at 1 kHz,
/// log(6.4)/27 per mel). HTK: 2595 log10(1 + f / 700).
enum class MelScale { Slaney, Htk };

/// Filter normalisation: Slaney's unit area, or none (peak 1).
enum class MelNorm { Slaney, None };

double hz_to_mel(double hz, MelScale scale);
double mel_to_hz(double mel, MelScale scale);

/// The filterbank as a row-major [n_mels, n_fft / 2 + 1] matrix, in double precision.
/// Throws InputError for n_fft < 2, n_mels < 1, or not 0 <= f_min < f_max <= sample_rate / 2.
std::vector<double> mel_filterbank(double sample_rate, std::int64_t n_fft, std::int64_t n_mels,
                                   double f_min, double f_max, MelScale scale = MelScale::Slaney,
                                   MelNorm norm = MelNorm::Slaney);

}  // namespace paradigms::audio
