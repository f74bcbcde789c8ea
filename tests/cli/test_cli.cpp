// The `paradigms` executable end to end: the acceptance command of `features`, the notes
// main job on a small soundfont, `data info`, and the error for each bad input.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <torch/torch.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <set>

#include "paradigms/data/csv.h"
#include "paradigms/data/npy_tensor.h"
#include "cli/cli_run.h"
#include "test_util.h"

namespace fs = std::filesystem;

namespace paradigms::cli {
namespace {

using paradigms::testing::reference;
using paradigms::testing::TempDir;

using Result = paradigms::testing::CliResult;

Result run(const std::string& arguments) { return paradigms::testing::run_cli(arguments); }

TEST(FeaturesCommand, AcceptanceCommandEqualsTheNumpyReference) {
  TempDir dir;
  const Result result = run("features " + reference("chirp16k.wav") + " --out " + (dir / "x.npy") +
                            " --sample-rate 16000 --n-fft 1024 --hop-length 256 --n-mels 64");
  ASSERT_EQ(result.code, 0) << result.output;
  const torch::Tensor actual = data::load_npy(dir / "x.npy");
  const torch::Tensor expected = data::load_npy(reference("logmel_chirp16k_log1p.npy"));
  ASSERT_EQ(actual.scalar_type(), torch::kFloat32);
  ASSERT_EQ(actual.sizes(), expected.sizes());
  const double relative = ((actual - expected).abs() / expected.abs()).max().item<double>();
  EXPECT_LT(relative, 1e-4);
}

TEST(FeaturesCommand, ConfigFileAndFlagsCombine) {
  TempDir dir;
  testing::write_bytes(dir / "front.yaml",
                       "frontend:\n  n_fft: 512\n  win_length: 400\n  hop_length: 160\n"
                       "  n_mels: 40\n  f_min: 50\n  f_max: 7000\n  mel_scale: htk\n"
                       "  mel_norm: none\n  compression: db\n");
  const Result result = run("features " + reference("chirp16k.wav") + " --out " + (dir / "x.npy") +
                            " --config " + (dir / "front.yaml"));
  ASSERT_EQ(result.code, 0) << result.output;
  const torch::Tensor expected = data::load_npy(reference("logmel_chirp16k_db_htk_win400.npy"));
  const torch::Tensor actual = data::load_npy(dir / "x.npy");
  ASSERT_EQ(actual.sizes(), expected.sizes());
  EXPECT_LT(((actual - expected).abs() / expected.abs().clamp_min(1.0)).max().item<double>(), 1e-4);

  const Result override =
      run("features " + reference("chirp16k.wav") + " --out " + (dir / "y.npy") + " --config " +
          (dir / "front.yaml") + " --n-mels 20");
  ASSERT_EQ(override.code, 0) << override.output;
  EXPECT_EQ(data::load_npy(dir / "y.npy").size(0), 20);
}

TEST(FeaturesCommand, SeveralInputsGoToAFolderAndBadOnesAreNamed) {
  TempDir dir;
  testing::write_sine(dir / "in/a.wav", 440, 44100, 44100);
  testing::write_bytes(dir / "in/broken.wav", "RIFFxxxxWAVEfmt garbage");
  const Result result = run("features " + (dir / "in/a.wav") + " " + reference("stereo44k.wav") +
                            " " + (dir / "in/broken.wav") + " --out " + (dir / "out"));
  EXPECT_EQ(result.code, 0) << result.output;
  EXPECT_NE(result.output.find("broken.wav"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("skipped 1"), std::string::npos) << result.output;
  EXPECT_EQ(data::load_npy(dir / "out/a.npy").sizes(), (std::vector<std::int64_t>{64, 63}));
  EXPECT_TRUE(fs::exists(dir / "out/stereo44k.npy"));
  EXPECT_FALSE(fs::exists(dir / "out/broken.npy"));

  const Result strict = run("features " + (dir / "in/broken.wav") + " " + (dir / "in/a.wav") +
                            " --strict --out " + (dir / "out2"));
  EXPECT_NE(strict.code, 0);
  EXPECT_NE(strict.output.find("broken.wav"), std::string::npos) << strict.output;
}

TEST(FeaturesCommand, BadArgumentsGetOneLineErrors) {
  TempDir dir;
  Result missing = run("features " + (dir / "nope.wav") + " --out " + (dir / "x.npy"));
  EXPECT_NE(missing.code, 0);
  EXPECT_NE(missing.output.find("nope.wav"), std::string::npos) << missing.output;
  EXPECT_NE(missing.output.find("does not exist"), std::string::npos) << missing.output;
  Result scale = run("features " + reference("chirp16k.wav") + " --out " + (dir / "x.npy") +
                     " --mel-scale mels");
  EXPECT_NE(scale.code, 0);
  EXPECT_NE(scale.output.find("expected one of: slaney, htk"), std::string::npos) << scale.output;
  Result range =
      run("features " + reference("chirp16k.wav") + " --out " + (dir / "x.npy") + " --f-max 12000");
  EXPECT_NE(range.code, 0);
  EXPECT_NE(range.output.find("f_max"), std::string::npos) << range.output;
  EXPECT_FALSE(fs::exists(dir / "x.npy"));
}

TEST(DataCommand, NotesRendersAndExtractsFeatures) {
  TempDir dir;
  const Result result = run("--cache-dir " + (dir / "cache") + " data notes --out " +
                            (dir / "notes") + " --soundfont /usr/share/sounds/sf2/TimGM6mb.sf2" +
                            " --programs 0 33 --pitch-min 48 --pitch-max 52 --velocities 90");
  ASSERT_EQ(result.code, 0) << result.output;
  EXPECT_NE(result.output.find("rendered 6 notes"), std::string::npos) << result.output;
  EXPECT_EQ(data::load_npy(dir / "notes/features.npy").sizes(),
            (std::vector<std::int64_t>{6, 64, 63}));

  const Result again = run("--cache-dir " + (dir / "cache") + " data notes --out " +
                           (dir / "notes") + " --soundfont /usr/share/sounds/sf2/TimGM6mb.sf2" +
                           " --programs 0 33 --pitch-min 48 --pitch-max 52 --velocities 90");
  ASSERT_EQ(again.code, 0) << again.output;
  EXPECT_NE(again.output.find("reused 6 notes"), std::string::npos) << again.output;
  EXPECT_NE(again.output.find("6 from cache"), std::string::npos) << again.output;

  const Result info = run("data info " + (dir / "notes") + " --json");
  ASSERT_EQ(info.code, 0) << info.output;
  EXPECT_NE(info.output.find("\"items\": 6"), std::string::npos) << info.output;
  EXPECT_NE(info.output.find("\"Piano\""), std::string::npos) << info.output;
}

TEST(DataCommand, DefaultNotesCoverEveryFamily) {
  // The default parameters with Debian's FluidR3_GM.sf2: at least 3000 sounding notes from
  // at least 100 programs and all 16 GM families.
  TempDir dir;
  const Result result = run("data notes --no-features --out " + (dir / "notes"));
  ASSERT_EQ(result.code, 0) << result.output;
  const data::CsvTable manifest = data::read_csv(dir / "notes/manifest.csv");
  const std::size_t program = manifest.require_column("program", "manifest");
  const std::size_t family = manifest.require_column("family", "manifest");
  std::set<std::string> programs, families;
  for (const auto& row : manifest.rows) {
    programs.insert(row[program]);
    families.insert(row[family]);
  }
  EXPECT_GE(manifest.rows.size(), 3000u);
  EXPECT_GE(programs.size(), 100u);
  EXPECT_EQ(families.size(), 16u);
  const std::string expected = "rendered " + std::to_string(manifest.rows.size()) + " notes";
  EXPECT_NE(result.output.find(expected), std::string::npos) << result.output;
}

TEST(DataCommand, BadSoundfontIsNamed) {
  TempDir dir;
  testing::write_bytes(dir / "bad.sf2", "not a soundfont");
  const Result result = run("data notes --out " + (dir / "notes") + " --soundfont " +
                            (dir / "bad.sf2") + " --programs 0");
  EXPECT_NE(result.code, 0);
  EXPECT_NE(result.output.find("bad.sf2"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("does not load"), std::string::npos) << result.output;
}

TEST(DataCommand, InfoReportsCountsAndProblemsOfAFolder) {
  TempDir dir;
  testing::write_sine(dir / "root/kick/a.wav", 60, 16000, 8000);
  testing::write_sine(dir / "root/kick/b.wav", 60, 16000, 16000);
  testing::write_sine(dir / "root/snare/c.wav", 200, 16000, 4000);
  testing::write_bytes(dir / "root/snare/readme.md", "text");
  fs::create_directories(dir.path() / "root/hat");
  const Result result = run("data info " + (dir / "root"));
  ASSERT_EQ(result.code, 0) << result.output;
  EXPECT_NE(result.output.find("2 classes, 3 items"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("readme.md"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("hat"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("min 0.250 s"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("max 1.000 s"), std::string::npos) << result.output;
  const Result strict = run("data info --strict " + (dir / "root"));
  EXPECT_NE(strict.code, 0);
  const Result missing = run("data info " + (dir / "absent"));
  EXPECT_NE(missing.code, 0);
  EXPECT_NE(missing.output.find("absent"), std::string::npos) << missing.output;
}

}  // namespace
}  // namespace paradigms::cli
