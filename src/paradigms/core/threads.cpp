#include "paradigms/core/threads.h"

#include <torch/torch.h>

#include <thread>

namespace paradigms {

int hardware_threads() {
  const unsigned count = std::thread::hardware_concurrency();
  return count == 0 ? 1 : static_cast<int>(count);
}

int set_torch_threads(int threads) {
  const int count = threads <= 0 ? hardware_threads() : threads;
  torch::set_num_threads(count);
  return count;
}

}  // namespace paradigms
