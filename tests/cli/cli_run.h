#pragma once
// Runs the `paradigms` executable under test and collects what it printed and its exit code.

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace paradigms::testing {

struct CliResult {
  int code = -1;
  std::string output;  ///< stdout, and stderr unless left out
};

/// `paradigms --threads 2 <arguments>`; with_stderr = false keeps stdout alone (JSON output).
inline CliResult run_cli(const std::string& arguments, bool with_stderr = true) {
  const std::string command = std::string(PARADIGMS_BINARY) + " --threads 2 " + arguments +
                              (with_stderr ? " 2>&1" : " 2>/dev/null");
  CliResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  std::size_t got = 0;
  while ((got = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    result.output.append(buffer.data(), got);
  const int status = pclose(pipe);
  result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace paradigms::testing
