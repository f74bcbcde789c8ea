#pragma once
// Helpers shared by the tests: temporary folders, reference files, small audio files.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "paradigms/audio/encode.h"

namespace paradigms::testing {

/// A fresh folder under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string("paradigms-") + (info ? info->test_suite_name() : "t") + "-" +
                       (info ? info->name() : "x") + "-" + std::to_string(std::rand());
    for (auto& c : name) {
      if (c == '/') c = '_';
    }
    path_ = std::filesystem::temp_directory_path() / name;
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline std::string reference(const std::string& name) {
  return std::string(PARADIGMS_REFERENCE_DIR) + "/" + name;
}

/// A sine of `frequency_hz`, amplitude 0.5.
inline std::vector<float> sine(double frequency_hz, int sample_rate, int samples) {
  std::vector<float> out(static_cast<std::size_t>(samples));
  for (int n = 0; n < samples; ++n) {
    out[static_cast<std::size_t>(n)] =
        static_cast<float>(0.5 * std::sin(2.0 * M_PI * frequency_hz * n / sample_rate));
  }
  return out;
}

/// Writes a mono sine file (any container libsndfile writes).
inline void write_sine(const std::string& path, double frequency_hz, int sample_rate, int samples) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  audio::write_audio(path, sine(frequency_hz, sample_rate, samples), sample_rate);
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

/// Expects `statement` to throw an exception whose message contains every fragment.
#define EXPECT_THROW_WITH(statement, exception_type, ...)                         \
  do {                                                                            \
    try {                                                                         \
      statement;                                                                  \
      ADD_FAILURE() << "expected " #exception_type " from " #statement;           \
    } catch (const exception_type& error) {                                       \
      for (const std::string& fragment : std::vector<std::string>{__VA_ARGS__}) { \
        EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos)    \
            << "message: " << error.what() << "\nmissing: " << fragment;          \
      }                                                                           \
    }                                                                             \
  } while (0)

}  // namespace paradigms::testing
