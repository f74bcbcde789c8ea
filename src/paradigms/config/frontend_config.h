#pragma once
// FrontendOptions from a YAML mapping (keys named as the fields; enums by name).

#include "paradigms/audio/frontend_options.h"
#include "paradigms/config/yaml.h"

namespace paradigms::config {

const EnumNames<audio::FrontendKind>& frontend_kind_names();  ///< logmel, waveform
const EnumNames<audio::MelScale>& mel_scale_names();          ///< slaney, htk
const EnumNames<audio::MelNorm>& mel_norm_names();            ///< slaney, none
const EnumNames<audio::Compression>& compression_names();     ///< log1p, db, none

/// Reads every front-end key of `section` over `defaults`, validates and checks for unknown
/// keys. Keys: kind, sample_rate, n_fft, win_length, hop_length, n_mels, f_min, f_max,
/// mel_scale, mel_norm, compression, log1p_scale, db_floor.
audio::FrontendOptions read_frontend(Section section, audio::FrontendOptions defaults = {});

}  // namespace paradigms::config
