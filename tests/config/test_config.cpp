// The config layer: typed keys, unknown keys with suggestions, enum names.

#include <gtest/gtest.h>

#include <filesystem>

#include "paradigms/config/data_config.h"
#include "paradigms/config/frontend_config.h"
#include "paradigms/config/run_config.h"
#include "test_util.h"

namespace paradigms::config {
namespace {

audio::FrontendOptions frontend_from(const std::string& yaml) {
  return read_frontend(Section(YAML::Load(yaml), "frontend"));
}

TEST(EditDistance, HandWorked) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("n_mels", "n_mels"), 0u);
  EXPECT_EQ(closest("n_mel", {"n_fft", "n_mels", "hop_length"}), "n_mels");
  EXPECT_EQ(closest("zzzzzzzz", {"n_fft", "n_mels"}), "");
}

TEST(FrontendConfig, ReadsEveryKey) {
  const auto o = frontend_from(
      "{sample_rate: 22050, n_fft: 2048, win_length: 1500, hop_length: 512, n_mels: 128, "
      "f_min: 30, f_max: 11000, mel_scale: htk, mel_norm: none, compression: db, "
      "log1p_scale: 10, db_floor: 1e-8}");
  EXPECT_EQ(o.sample_rate, 22050);
  EXPECT_EQ(o.n_fft, 2048);
  EXPECT_EQ(o.win_length, 1500);
  EXPECT_EQ(o.hop_length, 512);
  EXPECT_EQ(o.n_mels, 128);
  EXPECT_EQ(o.f_min, 30);
  EXPECT_EQ(o.f_max, 11000);
  EXPECT_EQ(o.mel_scale, audio::MelScale::Htk);
  EXPECT_EQ(o.mel_norm, audio::MelNorm::None);
  EXPECT_EQ(o.compression, audio::Compression::Db);
  EXPECT_EQ(o.log1p_scale, 10);
  EXPECT_EQ(o.db_floor, 1e-8);
}

TEST(FrontendConfig, ErrorsNameTheKeyAndWhatWasExpected) {
  EXPECT_THROW_WITH(frontend_from("{n_mel: 64}"), ConfigError, "'frontend.n_mel'",
                    "did you mean 'n_mels'?");
  EXPECT_THROW_WITH(frontend_from("{n_fft: abc}"), ConfigError, "'frontend.n_fft'",
                    "expected an integer", "'abc'");
  EXPECT_THROW_WITH(frontend_from("{mel_scale: slany}"), ConfigError, "'frontend.mel_scale'",
                    "'slany'", "expected one of: slaney, htk");
  EXPECT_THROW_WITH(frontend_from("{f_max: 9000}"), ConfigError, "f_max", "9000");
  EXPECT_THROW_WITH(frontend_from("[1, 2]"), ConfigError, "expected a mapping");
}

TEST(DataConfig, NotesSectionAndValidation) {
  const data::DataSpec spec = read_data_spec(Section(
      YAML::Load("{source: notes, duration_s: 0.5, notes: {programs: [0, 8], pitch_step: 3, "
                 "label: program, split_by: instrument, test_fraction: 0.25}}"),
      "data"));
  EXPECT_EQ(spec.source, data::DataSource::Notes);
  EXPECT_EQ(spec.duration_s, 0.5);
  EXPECT_EQ(spec.notes.programs, (std::vector<int>{0, 8}));
  EXPECT_EQ(spec.notes.pitch_step, 3);
  EXPECT_EQ(spec.notes_dataset.label, data::NotesLabel::Program);
  EXPECT_EQ(spec.notes_dataset.split_by, data::NotesSplitBy::Instrument);
  EXPECT_EQ(spec.notes_dataset.test_fraction, 0.25);
  EXPECT_THROW_WITH(read_data_spec(Section(YAML::Load("{source: folder}"), "data")), ConfigError,
                    "'data.path'", "required");
  EXPECT_THROW_WITH(read_data_spec(Section(YAML::Load("{source: sql}"), "data")), ConfigError,
                    "'sql'", "notes, folder, csv, features");
  EXPECT_THROW_WITH(read_data_spec(Section(YAML::Load("{notes: {pitch_stp: 2}}"), "data")),
                    ConfigError, "'data.notes.pitch_stp'", "did you mean 'pitch_step'?");
  EXPECT_THROW_WITH(read_data_spec(Section(YAML::Load("{split: {valid: 0.6, test: 0.5}}"), "data")),
                    ConfigError, "valid 0.6", "test 0.5");
}

}  // namespace
}  // namespace paradigms::config

namespace paradigms::config {
namespace {

TEST(ShippedConfigs, EveryFileInConfigsIsAValidRunConfig) {
  std::size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(PARADIGMS_SOURCE_DIR "/configs")) {
    if (entry.path().extension() != ".yaml") continue;
    EXPECT_NO_THROW(read_run_config(load_yaml_file(entry.path().string()))) << entry.path();
    ++checked;
  }
  EXPECT_GE(checked, 8u);
}

TEST(Overrides, SetNestedKeysAndRejectMalformedOnes) {
  YAML::Node root = YAML::Load("train: {epochs: 3}\n");
  apply_overrides(root, {"train.epochs=7", "optimizer.lr=0.5", "model.channels=[4, 8]"});
  const RunConfig config = read_run_config(root);
  EXPECT_EQ(config.trainer.epochs, 7);
  EXPECT_EQ(config.supervised.optimizer.lr, 0.5);
  EXPECT_EQ(config.supervised.model.encoder.channels, (std::vector<std::int64_t>{4, 8}));
  EXPECT_THROW_WITH(apply_overrides(root, {"train.epochs"}), ConfigError, "key.path=value");
  YAML::Node typo = YAML::Load("{}");
  apply_overrides(typo, {"train.epoch=2"});
  EXPECT_THROW_WITH(read_run_config(typo), ConfigError, "'train.epoch'", "did you mean 'epochs'?");
  YAML::Node batch = YAML::Load("train: {batch_size: lots}");
  EXPECT_THROW_WITH(read_run_config(batch), ConfigError, "train.batch_size", "`full`", "'lots'");
}

}  // namespace
}  // namespace paradigms::config
