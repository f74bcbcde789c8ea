#pragma once
// libtorch starts with one intra-op thread on some builds; the project sets it explicitly.
// The BLAS behind libtorch may keep a thread pool of its own (OpenBLAS built with pthreads):
// its count is set alongside, and code that calls BLAS from libtorch's worker threads runs
// it serially for a while.

namespace paradigms {

/// Number of hardware threads (at least 1).
int hardware_threads();

/// Sets libtorch's intra-op thread count, and OpenBLAS's when that is the BLAS in use;
/// `threads <= 0` means all cores. Returns the count.
int set_torch_threads(int threads);

/// OpenBLAS's own thread count, or 0 when the BLAS in use is not OpenBLAS (MKL and
/// OpenMP builds of OpenBLAS follow libtorch's threads and run serially inside them).
int blas_pool_threads();

/// While alive, OpenBLAS's own pool is set to one thread, so BLAS calls made from inside
/// at::parallel_for run on the calling worker alone instead of contending for the cores.
/// No effect without OpenBLAS. Not for nesting across threads: one scope at a time.
class SerialBlasScope {
 public:
  SerialBlasScope();
  ~SerialBlasScope();
  SerialBlasScope(const SerialBlasScope&) = delete;
  SerialBlasScope& operator=(const SerialBlasScope&) = delete;

 private:
  int previous_ = 0;
};

}  // namespace paradigms
