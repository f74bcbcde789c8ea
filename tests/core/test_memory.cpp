#include <gtest/gtest.h>

#include <cstdlib>

#include "paradigms/core/memory.h"

namespace paradigms {
namespace {

TEST(Memory, KeepFreedMemoryTakesEffectOnGlibc) {
#if defined(__GLIBC__)
  EXPECT_TRUE(keep_freed_memory());
#else
  GTEST_SKIP() << "not glibc";
#endif
}

}  // namespace
}  // namespace paradigms
