#include "paradigms/optim/schedule.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "paradigms/core/error.h"

namespace paradigms::optim {

const char* to_string(ScheduleKind kind) {
  switch (kind) {
    case ScheduleKind::Constant: return "constant";
    case ScheduleKind::Step: return "step";
    case ScheduleKind::Cosine: return "cosine";
  }
  return "constant";
}

void ScheduleOptions::validate() const {
  auto require = [](bool ok, const std::string& message) {
    if (!ok) throw ConfigError("schedule: " + message);
  };
  require(step_epochs >= 1, fmt::format("step_epochs must be >= 1 (got {})", step_epochs));
  require(gamma > 0 && gamma <= 1, fmt::format("gamma must be in (0, 1] (got {})", gamma));
  require(min_factor >= 0 && min_factor <= 1,
          fmt::format("min_factor must be in [0, 1] (got {})", min_factor));
  require(warmup_steps >= 0, fmt::format("warmup_steps must be >= 0 (got {})", warmup_steps));
}

std::string ScheduleOptions::describe() const {
  return fmt::format("{}(step_epochs={}, gamma={}, min_factor={}, warmup_steps={})",
                     to_string(kind), step_epochs, gamma, min_factor, warmup_steps);
}

double scheduled_lr(const ScheduleOptions& options, double base_lr, std::int64_t step,
                    std::int64_t epoch, std::int64_t total_steps) {
  double factor = 1.0;
  switch (options.kind) {
    case ScheduleKind::Constant: break;
    case ScheduleKind::Step:
      factor = std::pow(options.gamma, double(epoch / options.step_epochs));
      break;
    case ScheduleKind::Cosine: {
      const double progress =
          total_steps > 0 ? std::min(1.0, double(step) / double(total_steps)) : 0.0;
      factor =
          options.min_factor + (1.0 - options.min_factor) * 0.5 * (1.0 + std::cos(M_PI * progress));
      break;
    }
  }
  if (options.warmup_steps > 0 && step < options.warmup_steps) {
    factor *= double(step + 1) / double(options.warmup_steps);
  }
  return base_lr * factor;
}

}  // namespace paradigms::optim
