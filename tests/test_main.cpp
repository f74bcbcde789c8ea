#include <gtest/gtest.h>

#include "paradigms/core/threads.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  paradigms::set_torch_threads(2);
  return RUN_ALL_TESTS();
}
