// The filterbank against an independent numpy implementation of librosa's definition
// (tests/reference/logmel_reference.py), and hand-worked scale values.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cctype>
#include <cmath>

#include "paradigms/audio/log_mel.h"
#include "paradigms/audio/mel_filterbank.h"
#include "paradigms/core/error.h"
#include "paradigms/data/npy_tensor.h"
#include "test_util.h"

namespace paradigms::audio {
namespace {

using paradigms::testing::reference;

struct FilterbankCase {
  const char* file;
  double sample_rate;
  std::int64_t n_fft, n_mels;
  double f_min, f_max;
  MelScale scale;
  MelNorm norm;
};

// Names the case in test output instead of dumping its bytes.
void PrintTo(const FilterbankCase& c, std::ostream* stream) { *stream << c.file; }

class FilterbankReference : public ::testing::TestWithParam<FilterbankCase> {};

TEST_P(FilterbankReference, EqualsNumpyDefinition) {
  const FilterbankCase c = GetParam();
  const torch::Tensor expected = data::load_npy(reference(c.file));
  const std::vector<double> weights =
      mel_filterbank(c.sample_rate, c.n_fft, c.n_mels, c.f_min, c.f_max, c.scale, c.norm);
  const torch::Tensor actual =
      torch::tensor(weights, torch::kFloat64).reshape({c.n_mels, c.n_fft / 2 + 1});
  ASSERT_EQ(actual.sizes(), expected.sizes());
  EXPECT_LT((actual - expected).abs().max().item<double>(), 1e-12);

  // The float32 filterbank the front-end uses, to the 1e-6.
  FrontendOptions options;
  options.sample_rate = static_cast<std::int64_t>(c.sample_rate);
  options.n_fft = c.n_fft;
  options.n_mels = c.n_mels;
  options.f_min = c.f_min;
  options.f_max = c.f_max;
  options.mel_scale = c.scale;
  options.mel_norm = c.norm;
  const FrontEnd frontend(options);
  EXPECT_LT((frontend.filterbank().to(torch::kFloat64) - expected).abs().max().item<double>(),
            1e-6);
}

INSTANTIATE_TEST_SUITE_P(
    SmallConfigs, FilterbankReference,
    ::testing::Values(FilterbankCase{"mel_fb_sr16000_nfft512_m40_slaney_slaney.npy", 16000, 512, 40,
                                     0, 8000, MelScale::Slaney, MelNorm::Slaney},
                      FilterbankCase{"mel_fb_sr22050_nfft1024_m64_htk_none_f20_8000.npy", 22050,
                                     1024, 64, 20, 8000, MelScale::Htk, MelNorm::None},
                      FilterbankCase{"mel_fb_sr8000_nfft256_m16_slaney_slaney_f100.npy", 8000, 256,
                                     16, 100, 4000, MelScale::Slaney, MelNorm::Slaney},
                      FilterbankCase{"mel_fb_sr16000_nfft1024_m64_htk_slaney.npy", 16000, 1024, 64,
                                     0, 8000, MelScale::Htk, MelNorm::Slaney}),
    [](const ::testing::TestParamInfo<FilterbankCase>& info) {
      std::string name = info.param.file;
      name = name.substr(7, name.size() - 11);  // between "mel_fb_" and ".npy"
      for (auto& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

TEST(MelScale, HandWorkedValues) {
  // Slaney: 200/3 Hz per mel below 1 kHz, so 1 kHz is mel 15 and 500 Hz mel 7.5.
  EXPECT_DOUBLE_EQ(hz_to_mel(1000.0, MelScale::Slaney), 15.0);
  EXPECT_DOUBLE_EQ(hz_to_mel(500.0, MelScale::Slaney), 7.5);
  // Above 1 kHz, 27 mels per factor 6.4: 6400 Hz is mel 42.
  EXPECT_NEAR(hz_to_mel(6400.0, MelScale::Slaney), 42.0, 1e-12);
  // HTK: 700 Hz is 2595 log10(2).
  EXPECT_NEAR(hz_to_mel(700.0, MelScale::Htk), 2595.0 * std::log10(2.0), 1e-9);
  for (double hz : {0.0, 123.0, 999.0, 1000.0, 4321.0, 11025.0}) {
    EXPECT_NEAR(mel_to_hz(hz_to_mel(hz, MelScale::Slaney), MelScale::Slaney), hz, 1e-9);
    EXPECT_NEAR(mel_to_hz(hz_to_mel(hz, MelScale::Htk), MelScale::Htk), hz, 1e-9);
  }
}

TEST(MelFilterbank, SlaneyTrianglesHaveUnitArea) {
  // On a fine FFT grid, sum(weights) * bin width approximates each triangle's area: 1.
  const double sample_rate = 16000;
  const std::int64_t n_fft = 1 << 15, n_mels = 20;
  const auto weights = mel_filterbank(sample_rate, n_fft, n_mels, 0, 8000);
  const std::int64_t n_freqs = n_fft / 2 + 1;
  for (std::int64_t band = 0; band < n_mels; ++band) {
    double area = 0;
    for (std::int64_t bin = 0; bin < n_freqs; ++bin) area += weights[band * n_freqs + bin];
    EXPECT_NEAR(area * sample_rate / n_fft, 1.0, 1e-3) << "band " << band;
  }
}

TEST(MelFilterbank, RejectsBadRanges) {
  EXPECT_THROW_WITH(mel_filterbank(16000, 512, 40, 0, 9000), InputError, "f_max 9000",
                    "sample_rate / 2 = 8000");
  EXPECT_THROW_WITH(mel_filterbank(16000, 512, 0, 0, 8000), InputError, "n_mels", "got 0");
  EXPECT_THROW_WITH(mel_filterbank(16000, 512, 40, 5000, 4000), InputError, "f_min 5000");
}

}  // namespace
}  // namespace paradigms::audio
