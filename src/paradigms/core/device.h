#pragma once
// The device a run computes on: a run-time choice, never a build-time one.

#include <string>

namespace c10 {
struct Device;
}

namespace paradigms {

/// Parses "cpu", "cuda" or "cuda:N"; throws ConfigError for an unknown name or for cuda when
/// this libtorch build or machine has no CUDA device.
c10::Device parse_device(const std::string& name);

}  // namespace paradigms
