#include "paradigms/cli/progress.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>

namespace paradigms::cli {
namespace {

std::string clock_text(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  return fmt::format("{}:{:02d}", s / 60, s % 60);
}

}  // namespace

Progress::Progress(std::string label)
    : label_(std::move(label)),
      terminal_(::isatty(STDERR_FILENO) == 1),
      enabled_(spdlog::get_level() <= spdlog::level::info),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void Progress::update(std::size_t done, std::size_t total, const std::string& suffix) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < last_done_ || total != total_) {  // a new pass (the next epoch)
    start_ = now;
    last_done_ = done;
    total_ = total;
  }
  const double since_draw = std::chrono::duration<double>(now - last_draw_).count();
  const bool complete = done >= total;
  // Terminals get ~10 redraws a second; logs a line every 10 s (and the last one).
  if (!complete && since_draw < (terminal_ ? 0.1 : 10.0)) return;
  if (complete && done == last_done_ && drawn_) return;
  last_draw_ = now;
  last_done_ = done;
  total_ = total;
  drawn_ = true;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? double(done) / elapsed : 0.0;
  const double eta = rate > 0 ? double(total - done) / rate : 0.0;
  const double fraction = total > 0 ? double(done) / double(total) : 1.0;
  if (terminal_) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    std::fprintf(stderr, "\r%s [%s%s] %zu/%zu %.1f/s ETA %s %s   ", label_.c_str(),
                 std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(kWidth - filled), '.').c_str(), done, total,
                 rate, clock_text(eta).c_str(), suffix.c_str());
  } else {
    std::fprintf(stderr, "%s: %zu/%zu (%.0f%%) %.1f/s elapsed %s ETA %s %s\n", label_.c_str(), done,
                 total, 100.0 * fraction, rate, clock_text(elapsed).c_str(),
                 clock_text(eta).c_str(), suffix.c_str());
  }
  std::fflush(stderr);
}

void Progress::finish() {
  if (terminal_ && drawn_) std::fprintf(stderr, "\n");
  drawn_ = false;
}

}  // namespace paradigms::cli
