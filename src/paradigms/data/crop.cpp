#include "paradigms/data/crop.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

#include "paradigms/core/error.h"
#include "paradigms/core/rng.h"

namespace paradigms::data {

std::int64_t crop_length(double duration_s, const audio::FrontendOptions& frontend) {
  check_input(duration_s > 0,
              fmt::format("crop_length: duration_s must be positive (got {})", duration_s));
  const auto samples = static_cast<std::int64_t>(std::llround(duration_s * frontend.sample_rate));
  return frontend.kind == audio::FrontendKind::Waveform ? samples : frontend.frames_for(samples);
}

at::Tensor crop(const at::Tensor& features, std::int64_t length, CropMode mode,
                std::mt19937_64* rng) {
  check_input(features.dim() == 2,
              fmt::format("crop: features must be [C, T] (got {} dimensions)", features.dim()));
  check_input(length > 0, fmt::format("crop: length must be positive (got {})", length));
  const std::int64_t frames = features.size(1);
  if (frames <= length) {
    return torch::constant_pad_nd(features, {0, length - frames}, 0.0);
  }
  std::int64_t start = (frames - length) / 2;
  if (mode == CropMode::Random) {
    check_input(rng != nullptr, "crop: random crops need a generator");
    start = static_cast<std::int64_t>(uniform_index(*rng, std::uint64_t(frames - length + 1)));
  }
  return features.narrow(1, start, length).contiguous();
}

}  // namespace paradigms::data
