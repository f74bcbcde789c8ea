#include "paradigms/config/frontend_config.h"

namespace paradigms::config {

using audio::Compression;
using audio::FrontendKind;
using audio::MelNorm;
using audio::MelScale;

const EnumNames<FrontendKind>& frontend_kind_names() {
  static const EnumNames<FrontendKind> names = {{"logmel", FrontendKind::LogMel},
                                                {"waveform", FrontendKind::Waveform}};
  return names;
}

const EnumNames<MelScale>& mel_scale_names() {
  static const EnumNames<MelScale> names = {{"slaney", MelScale::Slaney}, {"htk", MelScale::Htk}};
  return names;
}

const EnumNames<MelNorm>& mel_norm_names() {
  static const EnumNames<MelNorm> names = {{"slaney", MelNorm::Slaney}, {"none", MelNorm::None}};
  return names;
}

const EnumNames<Compression>& compression_names() {
  static const EnumNames<Compression> names = {
      {"log1p", Compression::Log1p}, {"db", Compression::Db}, {"none", Compression::None}};
  return names;
}

audio::FrontendOptions read_frontend(Section section, audio::FrontendOptions defaults) {
  audio::FrontendOptions o = defaults;
  o.kind = section.get_enum("kind", o.kind, frontend_kind_names());
  o.sample_rate = section.get<std::int64_t>("sample_rate", o.sample_rate);
  o.n_fft = section.get<std::int64_t>("n_fft", o.n_fft);
  o.win_length = section.get<std::int64_t>("win_length", o.win_length);
  o.hop_length = section.get<std::int64_t>("hop_length", o.hop_length);
  o.n_mels = section.get<std::int64_t>("n_mels", o.n_mels);
  o.f_min = section.get<double>("f_min", o.f_min);
  o.f_max = section.get<double>("f_max", o.f_max);
  o.mel_scale = section.get_enum("mel_scale", o.mel_scale, mel_scale_names());
  o.mel_norm = section.get_enum("mel_norm", o.mel_norm, mel_norm_names());
  o.compression = section.get_enum("compression", o.compression, compression_names());
  o.log1p_scale = section.get<double>("log1p_scale", o.log1p_scale);
  o.db_floor = section.get<double>("db_floor", o.db_floor);
  section.finish();
  o.validate();
  return o;
}

}  // namespace paradigms::config
