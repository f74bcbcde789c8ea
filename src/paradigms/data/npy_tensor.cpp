#include "paradigms/data/npy_tensor.h"

#include <torch/torch.h>

#include <cstring>

#include "paradigms/core/error.h"

namespace paradigms::data {
namespace {

torch::ScalarType scalar_type(DType dtype) {
  switch (dtype) {
    case DType::Float32: return torch::kFloat32;
    case DType::Float64: return torch::kFloat64;
    case DType::Int64: return torch::kInt64;
    case DType::Int32: return torch::kInt32;
    case DType::Int16: return torch::kInt16;
    case DType::Int8: return torch::kInt8;
    case DType::UInt8: return torch::kUInt8;
    case DType::Bool: return torch::kBool;
  }
  return torch::kFloat32;
}

DType npy_dtype(torch::ScalarType type) {
  switch (type) {
    case torch::kFloat32: return DType::Float32;
    case torch::kFloat64: return DType::Float64;
    case torch::kInt64: return DType::Int64;
    case torch::kInt32: return DType::Int32;
    case torch::kInt16: return DType::Int16;
    case torch::kInt8: return DType::Int8;
    case torch::kUInt8: return DType::UInt8;
    case torch::kBool: return DType::Bool;
    default:
      throw InputError(std::string("save_npy: unsupported tensor dtype ") + c10::toString(type));
  }
}

}  // namespace

at::Tensor to_tensor(const NpyArray& array) {
  torch::Tensor tensor =
      torch::empty(array.shape, torch::TensorOptions().dtype(scalar_type(array.dtype)));
  std::memcpy(tensor.data_ptr(), array.bytes.data(), array.bytes.size());
  return tensor;
}

NpyArray from_tensor(const at::Tensor& tensor) {
  const torch::Tensor cpu = tensor.detach().to(torch::kCPU).contiguous();
  NpyArray array;
  array.dtype = npy_dtype(cpu.scalar_type());
  array.shape.assign(cpu.sizes().begin(), cpu.sizes().end());
  array.bytes.resize(static_cast<std::size_t>(cpu.numel()) * cpu.element_size());
  if (!array.bytes.empty()) std::memcpy(array.bytes.data(), cpu.data_ptr(), array.bytes.size());
  return array;
}

at::Tensor load_npy(const std::filesystem::path& path) { return to_tensor(read_npy(path)); }

void save_npy(const std::filesystem::path& path, const at::Tensor& tensor) {
  write_npy(path, from_tensor(tensor));
}

}  // namespace paradigms::data
