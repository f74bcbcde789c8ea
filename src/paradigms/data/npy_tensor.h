#pragma once
// .npy files to and from tensors.

#include <ATen/core/Tensor.h>

#include <filesystem>

#include "paradigms/data/npy.h"

namespace paradigms::data {

/// The array as a CPU tensor of the matching dtype (a copy).
at::Tensor to_tensor(const NpyArray& array);
/// A tensor (any device; float32/64, int64/32/16/8, uint8, bool) as an array (a copy).
NpyArray from_tensor(const at::Tensor& tensor);

/// read_npy + to_tensor.
at::Tensor load_npy(const std::filesystem::path& path);
/// from_tensor + write_npy (atomic).
void save_npy(const std::filesystem::path& path, const at::Tensor& tensor);

}  // namespace paradigms::data
