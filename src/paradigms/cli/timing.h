#pragma once
// `--repeat N` of the commands that time themselves (loss, retrieval).

#include <algorithm>
#include <chrono>
#include <vector>

namespace paradigms::cli {

/// The median wall time in milliseconds of `repeat` >= 1 calls of `run`.
template <class Run>
double median_ms(int repeat, const Run& run) {
  std::vector<double> times;
  for (int i = 0; i < repeat; ++i) {
    const auto start = std::chrono::steady_clock::now();
    run();
    times.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
  }
  std::sort(times.begin(), times.end());
  const std::size_t n = times.size();
  return n % 2 == 1 ? times[n / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2]);
}

}  // namespace paradigms::cli
