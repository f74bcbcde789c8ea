#include "paradigms/cli/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "paradigms/core/error.h"

namespace paradigms::cli {

void setup_logging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("paradigms");
  logger->set_pattern("%^[%L]%$ %v");
  spdlog::set_default_logger(logger);
  const auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off") {
    throw ConfigError("--log-level: expected trace, debug, info, warn, error or off (got " +
                      in_quotes(level) + ")");
  }
  spdlog::set_level(parsed);
}

}  // namespace paradigms::cli
