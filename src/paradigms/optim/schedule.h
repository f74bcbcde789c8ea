#pragma once
// Learning-rate schedules as pure functions of the optimisation step, so a resumed run needs
// no scheduler state: lr(step) = base · warmup(step) · decay(step).
//
//   constant  decay = 1
//   step      decay = gamma^floor(epoch / step_epochs)  (PyTorch's StepLR stepped per epoch:
//             the first decay comes after step_epochs full epochs)
//   cosine    decay = min_factor + (1 − min_factor) · ½(1 + cos(π · step / total_steps))
//   warm-up   warmup = min(1, (step + 1) / warmup_steps) for the first warmup_steps steps

#include <cstdint>
#include <string>

namespace paradigms::optim {

enum class ScheduleKind { Constant, Step, Cosine };

const char* to_string(ScheduleKind kind);

struct ScheduleOptions {
  ScheduleKind kind = ScheduleKind::Constant;  ///< decay shape
  std::int64_t step_epochs = 10;               ///< step: epochs between decays
  double gamma = 0.1;                          ///< step: decay factor
  double min_factor = 0.0;                     ///< cosine: final lr / base lr
  std::int64_t warmup_steps = 0;               ///< linear warm-up length (0: none)

  void validate() const;
  std::string describe() const;
};

/// The learning rate at optimisation step `step` (0-based) in epoch `epoch` (0-based), with
/// `total_steps` steps in the whole run.
double scheduled_lr(const ScheduleOptions& options, double base_lr, std::int64_t step,
                    std::int64_t epoch, std::int64_t total_steps);

}  // namespace paradigms::optim
