#pragma once
// libtorch starts with one intra-op thread on some builds; the project sets it explicitly.

namespace paradigms {

/// Number of hardware threads (at least 1).
int hardware_threads();

/// Sets libtorch's intra-op thread count; `threads <= 0` means all cores. Returns the count.
int set_torch_threads(int threads);

}  // namespace paradigms
