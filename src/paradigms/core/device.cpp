#include "paradigms/core/device.h"

#include <torch/torch.h>

#include "paradigms/core/error.h"

namespace paradigms {

c10::Device parse_device(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  if (name.rfind("cuda", 0) == 0) {
    if (!torch::cuda::is_available()) {
      throw ConfigError("--device " + name +
                        ": this libtorch build or machine has no CUDA device (use cpu)");
    }
    try {
      return c10::Device(name);
    } catch (const c10::Error&) {
      throw ConfigError("--device: expected cpu, cuda or cuda:N (got " + in_quotes(name) + ")");
    }
  }
  throw ConfigError("--device: expected cpu, cuda or cuda:N (got " + in_quotes(name) + ")");
}

}  // namespace paradigms
