#include "paradigms/audio/frontend_options.h"

#include <fmt/format.h>

#include "paradigms/core/error.h"

namespace paradigms::audio {
namespace {

// Bounds that keep a typo from allocating gigabytes; far beyond any audio use.
constexpr std::int64_t kMinSampleRate = 1000;
constexpr std::int64_t kMaxSampleRate = 768000;
constexpr std::int64_t kMaxFft = std::int64_t(1) << 18;

}  // namespace

const char* to_string(FrontendKind kind) {
  return kind == FrontendKind::LogMel ? "logmel" : "waveform";
}
const char* to_string(MelScale scale) { return scale == MelScale::Slaney ? "slaney" : "htk"; }
const char* to_string(MelNorm norm) { return norm == MelNorm::Slaney ? "slaney" : "none"; }
const char* to_string(Compression compression) {
  switch (compression) {
    case Compression::Log1p: return "log1p";
    case Compression::Db: return "db";
    case Compression::None: return "none";
  }
  return "log1p";
}

void FrontendOptions::validate() const {
  auto require = [](bool ok, const std::string& message) {
    if (!ok) throw ConfigError("frontend: " + message);
  };
  require(sample_rate >= kMinSampleRate && sample_rate <= kMaxSampleRate,
          fmt::format("sample_rate must be {}-{} Hz (got {})", kMinSampleRate, kMaxSampleRate,
                      sample_rate));
  if (kind == FrontendKind::Waveform) return;
  require(n_fft >= 2 && n_fft <= kMaxFft,
          fmt::format("n_fft must be between 2 and {} (got {})", kMaxFft, n_fft));
  require(win_length >= 0 && window_length() <= n_fft,
          fmt::format("win_length must be between 1 and n_fft = {} (got {})", n_fft, win_length));
  require(hop_length >= 1, fmt::format("hop_length must be at least 1 (got {})", hop_length));
  require(n_mels >= 1 && n_mels <= n_fft / 2 + 1,
          fmt::format("n_mels must be between 1 and n_fft / 2 + 1 = {} FFT bins (got {})",
                      n_fft / 2 + 1, n_mels));
  require(f_min >= 0, fmt::format("f_min must be >= 0 Hz (got {})", f_min));
  require(f_max >= 0 && upper_hz() <= double(sample_rate) / 2.0,
          fmt::format("f_max must be at most sample_rate / 2 = {} Hz (got {})",
                      double(sample_rate) / 2.0, f_max));
  require(f_min < upper_hz(),
          fmt::format("f_min must be below f_max = {} Hz (got {})", upper_hz(), f_min));
  require(log1p_scale > 0, fmt::format("log1p_scale must be positive (got {})", log1p_scale));
  require(db_floor > 0, fmt::format("db_floor must be positive (got {})", db_floor));
}

std::string FrontendOptions::describe() const {
  if (kind == FrontendKind::Waveform) {
    return fmt::format("waveform(sample_rate={})", sample_rate);
  }
  return fmt::format(
      "logmel(sample_rate={}, n_fft={}, win_length={}, hop_length={}, n_mels={}, f_min={}, "
      "f_max={}, mel_scale={}, mel_norm={}, compression={}, log1p_scale={}, db_floor={})",
      sample_rate, n_fft, window_length(), hop_length, n_mels, f_min, upper_hz(),
      to_string(mel_scale), to_string(mel_norm), to_string(compression), log1p_scale, db_floor);
}

std::string FrontendOptions::cache_key() const { return "v1|" + describe(); }

}  // namespace paradigms::audio
