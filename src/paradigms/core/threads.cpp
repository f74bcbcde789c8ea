#include "paradigms/core/threads.h"

#include <dlfcn.h>
#include <torch/torch.h>

#include <thread>

namespace paradigms {

namespace {

using GetThreads = int (*)();
using SetThreads = void (*)(int);

/// OpenBLAS's thread controls, looked up once in the loaded libraries (null without it).
struct OpenBlas {
  GetThreads get = nullptr;
  SetThreads set = nullptr;

  OpenBlas() {
    get = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    const auto parallel =
        reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_parallel"));
    // 2 is the OpenMP build, which already runs serially inside libtorch's threads.
    if (get == nullptr || set == nullptr || (parallel != nullptr && parallel() == 2))
      get = nullptr, set = nullptr;
  }
};

const OpenBlas& openblas() {
  static const OpenBlas blas;
  return blas;
}

}  // namespace

int hardware_threads() {
  const unsigned count = std::thread::hardware_concurrency();
  return count == 0 ? 1 : static_cast<int>(count);
}

int set_torch_threads(int threads) {
  const int count = threads <= 0 ? hardware_threads() : threads;
  torch::set_num_threads(count);
  if (openblas().set != nullptr) openblas().set(count);
  return count;
}

int blas_pool_threads() { return openblas().get != nullptr ? openblas().get() : 0; }

SerialBlasScope::SerialBlasScope() {
  if (openblas().set == nullptr) return;
  previous_ = openblas().get();
  if (previous_ > 1) openblas().set(1);
}

SerialBlasScope::~SerialBlasScope() {
  if (previous_ > 1) openblas().set(previous_);
}

}  // namespace paradigms
