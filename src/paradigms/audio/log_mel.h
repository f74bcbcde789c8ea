#pragma once
// The log-mel front-end on tensors, in batches, on any device.
//
// For a batch of waveforms x [B, T]: STFT with a periodic Hann window of win_length samples
// (zero-padded to n_fft, centred), center = true with reflect padding of n_fft / 2, hop
// hop_length; power |X|^2; mel = filterbank [n_mels, n_fft/2+1] @ power; then compression
// (log(1 + C x), 10 log10(max(x, floor)) or none). Out: [B, n_mels, 1 + T / hop_length].

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include "paradigms/audio/frontend_options.h"

namespace paradigms::audio {

class FrontEnd {
 public:
  /// Validates `options` (ConfigError) and builds the window and filterbank on `device`.
  explicit FrontEnd(FrontendOptions options, c10::Device device = c10::Device("cpu"));

  /// Waveforms [B, T] or [T] (float32) to features [B, C, F] or [C, F]: for log-mel C = n_mels
  /// and F = frames; for the waveform front-end C = 1 and F = T. Signals shorter than
  /// n_fft / 2 + 1 samples are zero-padded to that length first (reflect padding needs it).
  at::Tensor operator()(const at::Tensor& waveforms) const;

  /// Feature channels: n_mels, or 1 for the waveform front-end.
  std::int64_t channels() const;
  /// Feature frames for a signal of `samples` samples.
  std::int64_t frames_for(std::int64_t samples) const;

  const FrontendOptions& options() const { return options_; }
  c10::Device device() const { return device_; }
  /// The filterbank [n_mels, n_fft / 2 + 1] (float32; undefined for the waveform front-end).
  const at::Tensor& filterbank() const { return filterbank_; }

 private:
  FrontendOptions options_;
  c10::Device device_;
  at::Tensor window_;
  at::Tensor filterbank_;
};

}  // namespace paradigms::audio
