#include "paradigms/core/memory.h"

#include <sys/resource.h>

#include <cstdlib>  // defines __GLIBC__ on glibc, which the test below needs

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace paradigms {

bool keep_freed_memory() {
#if defined(__GLIBC__)
  constexpr int trim_threshold_bytes = 1 << 30;
  constexpr int mmap_threshold_bytes = 32 << 20;  // glibc's largest accepted value on 64 bits
  constexpr int top_pad_bytes = 64 << 20;
  return mallopt(M_TRIM_THRESHOLD, trim_threshold_bytes) == 1 &&
         mallopt(M_MMAP_THRESHOLD, mmap_threshold_bytes) == 1 &&
         mallopt(M_TOP_PAD, top_pad_bytes) == 1;
#else
  return false;
#endif
}

double peak_rss_mb() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0.0;
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // kilobytes on Linux
}

}  // namespace paradigms
