// Decoding, mixing and resampling real files, and the error for each bad input.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "paradigms/audio/decode.h"
#include "paradigms/audio/encode.h"
#include "paradigms/audio/load.h"
#include "paradigms/audio/resample.h"
#include "paradigms/core/error.h"
#include "paradigms/core/files.h"
#include "paradigms/data/npy_tensor.h"
#include "test_util.h"

namespace paradigms::audio {
namespace {

using paradigms::testing::reference;
using paradigms::testing::TempDir;

TEST(Decode, StereoWavMixesToTheChannelMean) {
  const DecodedAudio audio = decode(reference("stereo44k.wav"));
  EXPECT_EQ(audio.channels, 2);
  EXPECT_EQ(audio.sample_rate, 44100);
  EXPECT_EQ(audio.frames, 22050);
  const std::vector<float> mono = mix_to_mono(audio);
  const torch::Tensor expected = data::load_npy(reference("stereo44k_mono_mean_first8.npy"));
  for (int i = 0; i < 8; ++i) EXPECT_NEAR(mono[i], expected[i].item<double>(), 1e-7) << i;
}

TEST(LoadMono, ResamplesToTheRequestedRate) {
  const MonoAudio audio = load_mono(reference("stereo44k.wav"), 16000);
  ASSERT_EQ(audio.samples.size(), 8000u);  // 0.5 s
  // The mean of 0.4 sin(440 Hz) and 0.4 sin(880 Hz), away from the filter's edge effects.
  double worst = 0;
  for (int n = 500; n < 7500; ++n) {
    const double t = n / 16000.0;
    const double expected = 0.2 * std::sin(2 * M_PI * 440 * t) + 0.2 * std::sin(2 * M_PI * 880 * t);
    worst = std::max(worst, std::abs(audio.samples[n] - expected));
  }
  EXPECT_LT(worst, 2e-3);
}

TEST(Decode, ReadsFlac24BitAndOggAtAnyRate) {
  TempDir dir;
  const std::vector<float> left = testing::sine(1000, 48000, 4800);
  std::vector<float> stereo;
  for (float sample : left) {
    stereo.push_back(sample);
    stereo.push_back(-sample);
  }
  write_audio(dir / "a.flac", stereo, 48000, 2, SampleFormat::Pcm24);
  const DecodedAudio flac = decode(dir / "a.flac");
  EXPECT_EQ(flac.channels, 2);
  EXPECT_EQ(flac.sample_rate, 48000);
  ASSERT_EQ(flac.frames, 4800);
  for (int i = 0; i < 4800; i += 97) EXPECT_NEAR(flac.interleaved[2 * i], left[i], 1.0 / (1 << 22));
  // Opposite channels cancel in the mix.
  for (float sample : mix_to_mono(flac)) EXPECT_NEAR(sample, 0.0f, 1e-6);

  write_audio(dir / "b.ogg", left, 48000, 1);
  const MonoAudio ogg = load_mono(dir / "b.ogg", 22050);
  EXPECT_NEAR(double(ogg.samples.size()), 4800 * 22050.0 / 48000, 1.0);
}

TEST(Decode, ReadsMp3) {
  TempDir dir;
  const std::vector<float> tone = testing::sine(440, 44100, 44100);
  write_audio(dir / "tone.mp3", tone, 44100);
  const DecodedAudio mp3 = decode(dir / "tone.mp3");
  EXPECT_EQ(mp3.sample_rate, 44100);
  EXPECT_EQ(mp3.channels, 1);
  // MP3 frames add encoder delay and padding, so only the length's order is fixed.
  EXPECT_NEAR(double(mp3.frames), 44100.0, 3000.0);
  double energy = 0;
  for (float sample : mp3.interleaved) energy += double(sample) * sample;
  EXPECT_NEAR(energy / double(mp3.frames), 0.125, 0.02);  // mean square of 0.5 sin
}

TEST(Resample, KeepsLengthRatioAndEqualRatesAreIdentity) {
  const std::vector<float> x = testing::sine(440, 44100, 44100);
  EXPECT_EQ(resample(x, 44100, 44100), x);
  EXPECT_EQ(resample(x, 44100, 16000).size(), 16000u);
  EXPECT_EQ(resample(x, 44100, 8000, ResampleQuality::Quick).size(), 8000u);
  EXPECT_THROW_WITH(resample(x, 0, 16000), InputError, "positive");
}

TEST(BadAudio, MissingFileIsNamed) {
  EXPECT_THROW_WITH(load_mono("/nonexistent/x.wav", 16000), InputError, "'/nonexistent/x.wav'",
                    "does not exist");
}

TEST(BadAudio, CorruptFileIsNamed) {
  TempDir dir;
  testing::write_bytes(dir / "corrupt.wav", "RIFF\x10\x00\x00\x00WAVEjunkjunkjunk");
  EXPECT_THROW_WITH(load_mono(dir / "corrupt.wav", 16000), InputError, "corrupt.wav",
                    "cannot decode");
  testing::write_bytes(dir / "text.flac", "this is not audio at all");
  EXPECT_THROW_WITH(probe(dir / "text.flac"), InputError, "text.flac", "cannot decode");
}

TEST(BadAudio, ZeroLengthIsNamed) {
  TempDir dir;
  write_audio(dir / "empty.wav", {}, 16000);
  EXPECT_THROW_WITH(load_mono(dir / "empty.wav", 16000), InputError, "empty.wav", "no samples");
}

TEST(BadAudio, NanAndInfSamplesAreNamed) {
  TempDir dir;
  std::vector<float> samples(100, 0.1f);
  samples[42] = std::numeric_limits<float>::quiet_NaN();
  write_audio(dir / "nan.wav", samples, 16000, 1, SampleFormat::Float32);
  EXPECT_THROW_WITH(load_mono(dir / "nan.wav", 16000), InputError, "nan.wav", "NaN", "index 42");
  samples[42] = std::numeric_limits<float>::infinity();
  write_audio(dir / "inf.wav", samples, 16000, 1, SampleFormat::Float32);
  EXPECT_THROW_WITH(load_mono(dir / "inf.wav", 16000), InputError, "inf.wav", "infinite");
}

TEST(BadAudio, TruncatedFileIsNamed) {
  TempDir dir;
  write_audio(dir / "full.wav", testing::sine(440, 16000, 16000), 16000);
  const std::string bytes = read_text(dir / "full.wav");
  testing::write_bytes(dir / "cut.wav", bytes.substr(0, 1000));  // header says 16000 frames
  EXPECT_THROW_WITH(decode(dir / "cut.wav"), InputError, "cut.wav", "truncated", "32000",
                    "should be");
}

TEST(BadAudio, FolderInsteadOfFileIsNamed) {
  TempDir dir;
  EXPECT_THROW_WITH(decode(dir.path().string()), InputError, "is a folder");
}

}  // namespace
}  // namespace paradigms::audio
