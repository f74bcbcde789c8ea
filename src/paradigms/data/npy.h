#pragma once
// NumPy .npy files: the project's array exchange format (features, embeddings, labels,
// triplets). Versions 1.0-3.0, little-endian, C order.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace paradigms::data {

enum class DType { Float32, Float64, Int64, Int32, Int16, Int8, UInt8, Bool };

/// Bytes per element.
std::size_t dtype_size(DType dtype);
/// The numpy descr string, e.g. "<f4".
const char* dtype_descr(DType dtype);

/// A dense C-order array as raw little-endian bytes.
struct NpyArray {
  DType dtype = DType::Float32;
  std::vector<std::int64_t> shape;
  std::vector<unsigned char> bytes;

  std::int64_t numel() const;
  /// Builds a float32 array; throws when the value count does not match the shape.
  static NpyArray from_floats(std::vector<std::int64_t> shape, const std::vector<float>& values);
  static NpyArray from_int64(std::vector<std::int64_t> shape,
                             const std::vector<std::int64_t>& values);
};

/// Reads `path`. Throws InputError naming the file for a missing file, a bad magic string,
/// a big-endian or Fortran-order array, an unsupported dtype or a truncated body.
NpyArray read_npy(const std::filesystem::path& path);

/// Writes `array` to `path` (format 1.0, or 2.0 for very long headers) through a temporary
/// file and a rename, so readers never see a partial file.
void write_npy(const std::filesystem::path& path, const NpyArray& array);

}  // namespace paradigms::data
