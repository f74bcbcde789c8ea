#pragma once
// Sample-rate conversion with libsoxr.

#include <string>
#include <vector>

namespace paradigms::audio {

/// soxr quality recipes.
enum class ResampleQuality { Quick, Low, Medium, High, VeryHigh };

/// Resamples mono `samples` from `input_rate` to `output_rate` Hz. The output has
/// round(n * output_rate / input_rate) samples. Equal rates return the input unchanged.
/// Throws InputError for non-positive rates.
std::vector<float> resample(const std::vector<float>& samples, double input_rate,
                            double output_rate, ResampleQuality quality = ResampleQuality::High);

}  // namespace paradigms::audio
