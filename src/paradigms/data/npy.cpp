#include "paradigms/data/npy.h"

#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <regex>

#include "paradigms/core/error.h"
#include "paradigms/core/files.h"

namespace paradigms::data {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicLength = 6;

struct DTypeName {
  DType dtype;
  const char* descr;
  std::size_t size;
};

const DTypeName kDTypes[] = {
    {DType::Float32, "<f4", 4}, {DType::Float64, "<f8", 8}, {DType::Int64, "<i8", 8},
    {DType::Int32, "<i4", 4},   {DType::Int16, "<i2", 2},   {DType::Int8, "|i1", 1},
    {DType::UInt8, "|u1", 1},   {DType::Bool, "|b1", 1},
};

DType parse_descr(const std::string& descr, const std::string& source) {
  for (const auto& entry : kDTypes) {
    if (descr == entry.descr) return entry.dtype;
  }
  // numpy writes one-byte types with '|' but accepts '<' too.
  if (descr == "<i1") return DType::Int8;
  if (descr == "<u1") return DType::UInt8;
  if (descr == "<b1") return DType::Bool;
  throw InputError(
      fmt::format("npy file {}: unsupported dtype {} (expected little-endian "
                  "f4, f8, i8, i4, i2, i1, u1 or b1)",
                  in_quotes(source), in_quotes(descr)));
}

std::string header_field(const std::string& header, const std::string& key,
                         const std::string& pattern, const std::string& source) {
  const std::regex field("'" + key + "'\\s*:\\s*" + pattern);
  std::smatch match;
  if (!std::regex_search(header, match, field)) {
    throw InputError(fmt::format("npy file {}: header has no readable {} ({})", in_quotes(source),
                                 in_quotes(key), header));
  }
  return match[1].str();
}

std::vector<std::int64_t> parse_shape(const std::string& text, const std::string& source) {
  std::vector<std::int64_t> shape;
  const std::regex number("\\d+");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), number);
       it != std::sregex_iterator(); ++it) {
    shape.push_back(std::stoll(it->str()));
  }
  return shape;
}

}  // namespace

std::size_t dtype_size(DType dtype) {
  for (const auto& entry : kDTypes) {
    if (entry.dtype == dtype) return entry.size;
  }
  return 1;
}

const char* dtype_descr(DType dtype) {
  for (const auto& entry : kDTypes) {
    if (entry.dtype == dtype) return entry.descr;
  }
  return "|u1";
}

std::int64_t NpyArray::numel() const {
  std::int64_t count = 1;
  for (auto dim : shape) count *= dim;
  return count;
}

NpyArray NpyArray::from_floats(std::vector<std::int64_t> shape, const std::vector<float>& values) {
  NpyArray array;
  array.dtype = DType::Float32;
  array.shape = std::move(shape);
  check_input(array.numel() == static_cast<std::int64_t>(values.size()),
              fmt::format("NpyArray::from_floats: shape holds {} values (got {})", array.numel(),
                          values.size()));
  array.bytes.resize(values.size() * sizeof(float));
  std::memcpy(array.bytes.data(), values.data(), array.bytes.size());
  return array;
}

NpyArray NpyArray::from_int64(std::vector<std::int64_t> shape,
                              const std::vector<std::int64_t>& values) {
  NpyArray array;
  array.dtype = DType::Int64;
  array.shape = std::move(shape);
  check_input(array.numel() == static_cast<std::int64_t>(values.size()),
              fmt::format("NpyArray::from_int64: shape holds {} values (got {})", array.numel(),
                          values.size()));
  array.bytes.resize(values.size() * sizeof(std::int64_t));
  std::memcpy(array.bytes.data(), values.data(), array.bytes.size());
  return array;
}

NpyArray read_npy(const std::filesystem::path& path) {
  const std::string source = path.string();
  std::ifstream in(path, std::ios::binary);
  check_input(static_cast<bool>(in), "npy file " + in_quotes(source) + " cannot be opened");
  char preamble[10] = {};
  in.read(preamble, sizeof(preamble));
  check_input(in.gcount() == 10 && std::memcmp(preamble, kMagic, kMagicLength) == 0,
              "npy file " + in_quotes(source) + " is not a NumPy .npy file (bad magic string)");
  const int major = static_cast<unsigned char>(preamble[6]);
  std::size_t header_length = 0;
  if (major == 1) {
    header_length = static_cast<unsigned char>(preamble[8]) |
                    (static_cast<std::size_t>(static_cast<unsigned char>(preamble[9])) << 8);
  } else if (major == 2 || major == 3) {
    unsigned char extra[2] = {};
    in.read(reinterpret_cast<char*>(extra), 2);
    header_length = static_cast<unsigned char>(preamble[8]) |
                    (static_cast<std::size_t>(static_cast<unsigned char>(preamble[9])) << 8) |
                    (static_cast<std::size_t>(extra[0]) << 16) |
                    (static_cast<std::size_t>(extra[1]) << 24);
  } else {
    throw InputError(
        fmt::format("npy file {}: unsupported format version {}", in_quotes(source), major));
  }
  std::string header(header_length, '\0');
  in.read(header.data(), static_cast<std::streamsize>(header_length));
  check_input(static_cast<std::size_t>(in.gcount()) == header_length,
              "npy file " + in_quotes(source) + " is truncated inside its header");
  NpyArray array;
  array.dtype = parse_descr(header_field(header, "descr", "'([^']*)'", source), source);
  const std::string fortran = header_field(header, "fortran_order", "(True|False)", source);
  check_input(fortran == "False", "npy file " + in_quotes(source) +
                                      " is in Fortran order (expected C order; save it with "
                                      "numpy.ascontiguousarray)");
  array.shape = parse_shape(header_field(header, "shape", "\\(([^)]*)\\)", source), source);
  const auto expected = static_cast<std::size_t>(array.numel()) * dtype_size(array.dtype);
  array.bytes.resize(expected);
  in.read(reinterpret_cast<char*>(array.bytes.data()), static_cast<std::streamsize>(expected));
  check_input(static_cast<std::size_t>(in.gcount()) == expected,
              fmt::format("npy file {} is truncated: expected {} data bytes (got {})",
                          in_quotes(source), expected, in.gcount()));
  return array;
}

void write_npy(const std::filesystem::path& path, const NpyArray& array) {
  check_input(
      array.bytes.size() == static_cast<std::size_t>(array.numel()) * dtype_size(array.dtype),
      "write_npy: " + in_quotes(path.string()) + ": byte count does not match the shape");
  std::string shape_text;
  for (std::size_t i = 0; i < array.shape.size(); ++i) {
    shape_text += (i == 0 ? "" : ", ") + std::to_string(array.shape[i]);
  }
  if (array.shape.size() == 1) shape_text += ",";  // a Python 1-tuple
  std::string header = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': ({}), }}",
                                   dtype_descr(array.dtype), shape_text);
  // The preamble plus header is padded with spaces to a multiple of 64 and ends in '\n'.
  const bool long_header = header.size() + 11 > 65535;
  const std::size_t preamble = long_header ? 12 : 10;
  const std::size_t total = (preamble + header.size() + 1 + 63) / 64 * 64;
  header.append(total - preamble - header.size() - 1, ' ');
  header.push_back('\n');
  write_atomically(path, [&](const std::filesystem::path& tmp) {
    std::ofstream out(tmp, std::ios::binary);
    out.write(kMagic, kMagicLength);
    const std::size_t length = header.size();
    if (long_header) {
      const char version_and_length[6] = {2,
                                          0,
                                          char(length & 0xff),
                                          char((length >> 8) & 0xff),
                                          char((length >> 16) & 0xff),
                                          char(length >> 24)};
      out.write(version_and_length, 6);
    } else {
      const char version_and_length[4] = {1, 0, char(length & 0xff), char(length >> 8)};
      out.write(version_and_length, 4);
    }
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    out.write(reinterpret_cast<const char*>(array.bytes.data()),
              static_cast<std::streamsize>(array.bytes.size()));
    out.close();
    check_input(static_cast<bool>(out), "cannot write npy file " + in_quotes(tmp.string()));
  });
}

}  // namespace paradigms::data
