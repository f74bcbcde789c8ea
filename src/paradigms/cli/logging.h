#pragma once
// Logging for the command line (the library never logs): spdlog to stderr, optionally also
// to a file.

#include <string>

namespace paradigms::cli {

/// Sets the level ("trace", "debug", "info", "warn", "error", "off") of the default logger.
void setup_logging(const std::string& level);

}  // namespace paradigms::cli
