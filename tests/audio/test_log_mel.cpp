// The log-mel front-end against the independent numpy reference
// (tests/reference/logmel_reference.py, run on the committed chirp16k.wav).

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "paradigms/audio/load.h"
#include "paradigms/audio/log_mel.h"
#include "paradigms/core/error.h"
#include "paradigms/data/npy_tensor.h"
#include "test_util.h"

namespace paradigms::audio {
namespace {

using paradigms::testing::reference;

torch::Tensor chirp() {
  const MonoAudio audio = load_mono(reference("chirp16k.wav"), 16000);
  return torch::tensor(audio.samples);
}

// Largest |actual - expected| / max(|expected|, 1): relative error, with the values near
// zero (log1p of tiny power) judged on an absolute scale.
double max_relative_error(const torch::Tensor& actual, const torch::Tensor& expected) {
  const torch::Tensor scale = expected.abs().clamp_min(1.0);
  return ((actual - expected).abs() / scale).max().item<double>();
}

TEST(LogMel, Log1pEqualsNumpyReference) {
  FrontendOptions options;  // 16 kHz, n_fft 1024, hop 256, 64 Slaney mels, log(1 + 1e4 x)
  const FrontEnd frontend(options);
  const torch::Tensor expected = data::load_npy(reference("logmel_chirp16k_log1p.npy"));
  const torch::Tensor actual = frontend(chirp());
  ASSERT_EQ(actual.sizes(), expected.sizes());
  EXPECT_EQ(actual.size(1), 1 + 12800 / 256);
  EXPECT_LT(max_relative_error(actual, expected), 1e-4);
}

TEST(LogMel, DbHtkShortWindowEqualsNumpyReference) {
  FrontendOptions options;
  options.n_fft = 512;
  options.win_length = 400;
  options.hop_length = 160;
  options.n_mels = 40;
  options.f_min = 50;
  options.f_max = 7000;
  options.mel_scale = MelScale::Htk;
  options.mel_norm = MelNorm::None;
  options.compression = Compression::Db;
  const FrontEnd frontend(options);
  const torch::Tensor expected = data::load_npy(reference("logmel_chirp16k_db_htk_win400.npy"));
  const torch::Tensor actual = frontend(chirp());
  ASSERT_EQ(actual.sizes(), expected.sizes());
  EXPECT_LT(max_relative_error(actual, expected), 1e-4);
}

TEST(LogMel, BatchEqualsOneByOne) {
  const FrontEnd frontend(FrontendOptions{});
  torch::manual_seed(3);
  const torch::Tensor batch = torch::randn({3, 4000}) * 0.1;
  const torch::Tensor together = frontend(batch);
  ASSERT_EQ(together.sizes(), (std::vector<std::int64_t>{3, 64, 1 + 4000 / 256}));
  for (std::int64_t b = 0; b < 3; ++b) {
    EXPECT_TRUE(torch::allclose(together[b], frontend(batch[b]), 1e-5, 1e-5));
  }
}

TEST(LogMel, PowerAndCompressionFollowTheDefinition) {
  // compression none gives the mel power; log1p and dB are then exact functions of it.
  FrontendOptions options;
  options.compression = Compression::None;
  const torch::Tensor power = FrontEnd(options)(chirp());
  options.compression = Compression::Log1p;
  EXPECT_TRUE(torch::allclose(FrontEnd(options)(chirp()), torch::log1p(1e4 * power), 1e-5, 1e-5));
  options.compression = Compression::Db;
  EXPECT_TRUE(torch::allclose(FrontEnd(options)(chirp()), 10 * torch::log10(power.clamp_min(1e-10)),
                              1e-4, 1e-4));
}

TEST(LogMel, ShortSignalsAreZeroPadded) {
  const FrontEnd frontend(FrontendOptions{});
  const torch::Tensor features = frontend(torch::ones({100}) * 0.1);
  EXPECT_EQ(features.size(0), 64);
  EXPECT_EQ(features.size(1), frontend.frames_for(100));
  EXPECT_FALSE(torch::isnan(features).any().item<bool>());
}

TEST(Waveform, PassesSamplesThrough) {
  FrontendOptions options;
  options.kind = FrontendKind::Waveform;
  const FrontEnd frontend(options);
  const torch::Tensor x = torch::arange(10, torch::kFloat32);
  const torch::Tensor features = frontend(x);
  ASSERT_EQ(features.sizes(), (std::vector<std::int64_t>{1, 10}));
  EXPECT_TRUE(torch::equal(features[0], x));
}

TEST(FrontendOptions, RejectsInvalidValuesNamingThem) {
  FrontendOptions options;
  options.win_length = 2048;
  EXPECT_THROW_WITH(options.validate(), ConfigError, "win_length", "2048");
  options = {};
  options.f_max = 9000;
  EXPECT_THROW_WITH(options.validate(), ConfigError, "f_max", "9000");
  options = {};
  options.hop_length = 0;
  EXPECT_THROW_WITH(options.validate(), ConfigError, "hop_length", "got 0");
  options = {};
  options.f_min = 9000;
  options.f_max = 4000;
  EXPECT_THROW_WITH(options.validate(), ConfigError, "f_min");
}

}  // namespace
}  // namespace paradigms::audio
