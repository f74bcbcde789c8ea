#pragma once
// Front-end hyper-parameters: what turns a waveform into a model's input.

#include <cstdint>
#include <string>

#include "paradigms/audio/mel_filterbank.h"

namespace paradigms::audio {

/// Which input a model sees.
enum class FrontendKind {
  LogMel,    ///< compressed mel power spectrogram, [n_mels, frames]
  Waveform,  ///< the raw mono samples, [1, samples]
};

/// How mel power is compressed.
enum class Compression {
  Log1p,  ///< log(1 + log1p_scale * x)
  Db,     ///< 10 log10(max(x, db_floor))
  None,   ///< the mel power itself
};

/// Options of the log-mel front-end. STFT frames use center = true with reflect padding,
/// so a signal of n samples gives 1 + n / hop_length frames.
struct FrontendOptions {
  FrontendKind kind = FrontendKind::LogMel;      ///< log-mel or raw waveform
  std::int64_t sample_rate = 16000;              ///< Hz; audio is resampled to it
  std::int64_t n_fft = 1024;                     ///< FFT size in samples
  std::int64_t win_length = 0;                   ///< window length in samples; 0 means n_fft
  std::int64_t hop_length = 256;                 ///< samples between frames
  std::int64_t n_mels = 64;                      ///< mel bands
  double f_min = 0.0;                            ///< lowest band edge, Hz
  double f_max = 0.0;                            ///< highest band edge, Hz; 0 means sample_rate/2
  MelScale mel_scale = MelScale::Slaney;         ///< mel scale of the band edges
  MelNorm mel_norm = MelNorm::Slaney;            ///< filter normalisation
  Compression compression = Compression::Log1p;  ///< power compression
  double log1p_scale = 10000.0;                  ///< C in log(1 + C x)
  double db_floor = 1e-10;                       ///< power floor before log10 in dB mode

  /// The window length in effect (win_length, or n_fft when 0).
  std::int64_t window_length() const { return win_length > 0 ? win_length : n_fft; }
  /// The upper band edge in effect (f_max, or sample_rate / 2 when 0).
  double upper_hz() const { return f_max > 0 ? f_max : double(sample_rate) / 2.0; }
  /// Frames produced for `samples` samples.
  std::int64_t frames_for(std::int64_t samples) const { return 1 + samples / hop_length; }

  /// Throws ConfigError naming the first invalid field and its value.
  void validate() const;
  /// One line with every field, for logs and run directories.
  std::string describe() const;
  /// A canonical string of every field that changes the output, for cache keys.
  std::string cache_key() const;
};

const char* to_string(FrontendKind kind);
const char* to_string(MelScale scale);
const char* to_string(MelNorm norm);
const char* to_string(Compression compression);

}  // namespace paradigms::audio
