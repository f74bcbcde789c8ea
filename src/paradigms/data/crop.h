#pragma once
// Fixed-length crops of feature sequences, for batching.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <random>

#include "paradigms/audio/frontend_options.h"

namespace paradigms::data {

enum class CropMode {
  Random,  ///< uniform start (training), from a seeded generator
  Center,  ///< centred window (evaluation)
};

/// Frames of a crop of `duration_s` seconds under `frontend` (samples for waveform input).
std::int64_t crop_length(double duration_s, const audio::FrontendOptions& frontend);

/// Crops features [C, T] along T to `length`: a longer sequence gives a window (random or
/// centred), a shorter one is zero-padded at the end. `rng` is needed for Random.
at::Tensor crop(const at::Tensor& features, std::int64_t length, CropMode mode,
                std::mt19937_64* rng = nullptr);

}  // namespace paradigms::data
