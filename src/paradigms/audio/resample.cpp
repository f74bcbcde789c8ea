#include "paradigms/audio/resample.h"

#include <fmt/format.h>
#include <soxr.h>

#include <cmath>

#include "paradigms/core/error.h"

namespace paradigms::audio {
namespace {

unsigned long soxr_recipe(ResampleQuality quality) {
  switch (quality) {
    case ResampleQuality::Quick: return SOXR_QQ;
    case ResampleQuality::Low: return SOXR_LQ;
    case ResampleQuality::Medium: return SOXR_MQ;
    case ResampleQuality::High: return SOXR_HQ;
    case ResampleQuality::VeryHigh: return SOXR_VHQ;
  }
  return SOXR_HQ;
}

}  // namespace

std::vector<float> resample(const std::vector<float>& samples, double input_rate,
                            double output_rate, ResampleQuality quality) {
  check_input(input_rate > 0 && output_rate > 0,
              fmt::format("resample: sample rates must be positive (got {} -> {})", input_rate,
                          output_rate));
  if (input_rate == output_rate || samples.empty()) return samples;
  const auto output_length = static_cast<std::size_t>(
      std::llround(static_cast<double>(samples.size()) * output_rate / input_rate));
  std::vector<float> output(output_length);
  const soxr_io_spec_t io_spec = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t quality_spec = soxr_quality_spec(soxr_recipe(quality), 0);
  std::size_t output_done = 0;
  const soxr_error_t error =
      soxr_oneshot(input_rate, output_rate, 1, samples.data(), samples.size(), nullptr,
                   output.data(), output.size(), &output_done, &io_spec, &quality_spec, nullptr);
  if (error) throw InputError(std::string("resample: soxr failed: ") + error);
  output.resize(output_done);
  // soxr may deliver a few samples fewer than the exact ratio: pad so lengths are predictable.
  output.resize(output_length, 0.0f);
  return output;
}

}  // namespace paradigms::audio
