#include "paradigms/audio/log_mel.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>

#include "paradigms/core/error.h"

namespace paradigms::audio {

FrontEnd::FrontEnd(FrontendOptions options, c10::Device device)
    : options_(options), device_(device) {
  options_.validate();
  if (options_.kind == FrontendKind::Waveform) return;
  const auto n_freqs = options_.n_fft / 2 + 1;
  const std::vector<double> weights =
      mel_filterbank(double(options_.sample_rate), options_.n_fft, options_.n_mels, options_.f_min,
                     options_.upper_hz(), options_.mel_scale, options_.mel_norm);
  filterbank_ = torch::tensor(weights, torch::kFloat64)
                    .reshape({options_.n_mels, n_freqs})
                    .to(torch::kFloat32)
                    .to(device_);
  // torch::stft centres a window shorter than n_fft inside the frame, as the definition asks.
  window_ = torch::hann_window(options_.window_length(),
                               torch::TensorOptions().dtype(torch::kFloat32).device(device_))
                .contiguous();
}

std::int64_t FrontEnd::channels() const {
  return options_.kind == FrontendKind::Waveform ? 1 : options_.n_mels;
}

std::int64_t FrontEnd::frames_for(std::int64_t samples) const {
  if (options_.kind == FrontendKind::Waveform) return samples;
  return options_.frames_for(std::max(samples, options_.n_fft / 2 + 1));
}

at::Tensor FrontEnd::operator()(const at::Tensor& waveforms) const {
  check_input(waveforms.dim() == 1 || waveforms.dim() == 2,
              fmt::format("FrontEnd: waveforms must be [T] or [B, T] (got {} dimensions)",
                          waveforms.dim()));
  check_input(waveforms.size(-1) > 0, "FrontEnd: waveforms have no samples");
  const bool single = waveforms.dim() == 1;
  torch::Tensor batch =
      (single ? waveforms.unsqueeze(0) : waveforms).to(device_, torch::kFloat32).contiguous();
  if (options_.kind == FrontendKind::Waveform) {
    torch::Tensor features = batch.unsqueeze(1);
    return single ? features.squeeze(0) : features;
  }
  const std::int64_t min_samples = options_.n_fft / 2 + 1;
  if (batch.size(1) < min_samples) {
    batch = torch::constant_pad_nd(batch, {0, min_samples - batch.size(1)}, 0.0);
  }
  // The overload with `center` must be called explicitly: the short one has no padding.
  const torch::Tensor spectrum =
      torch::stft(batch, options_.n_fft, options_.hop_length, options_.window_length(), window_,
                  /*center=*/true, /*pad_mode=*/"reflect", /*normalized=*/false,
                  /*onesided=*/true, /*return_complex=*/true);
  const torch::Tensor power = torch::abs(spectrum).pow(2);  // [B, n_freqs, frames]
  torch::Tensor mel = torch::matmul(filterbank_, power);    // [B, n_mels, frames]
  switch (options_.compression) {
    case Compression::Log1p: mel = torch::log1p(mel * options_.log1p_scale); break;
    case Compression::Db:
      mel = 10.0 * torch::log10(torch::clamp_min(mel, options_.db_floor));
      break;
    case Compression::None: break;
  }
  return single ? mel.squeeze(0) : mel;
}

}  // namespace paradigms::audio
