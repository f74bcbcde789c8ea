#pragma once
// Progress reporting on stderr: a redrawn bar on a terminal, plain periodic lines otherwise.

#include <chrono>
#include <cstddef>
#include <string>

namespace paradigms::cli {

class Progress {
 public:
  explicit Progress(std::string label);
  /// Records that `done` of `total` units are complete (and redraws when it is time).
  void update(std::size_t done, std::size_t total, const std::string& suffix = "");
  /// Ends the bar's line.
  void finish();

 private:
  std::string label_;
  bool terminal_;
  bool enabled_;  // off when the log level hides info lines
  std::chrono::steady_clock::time_point start_, last_draw_;
  std::size_t last_done_ = 0, total_ = 0;
  bool drawn_ = false;
};

}  // namespace paradigms::cli
