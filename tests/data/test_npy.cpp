// .npy reading and writing: byte layout per the NumPy format spec, numpy-written files, errors.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>

#include "paradigms/core/error.h"
#include "paradigms/core/files.h"
#include "paradigms/data/npy.h"
#include "paradigms/data/npy_tensor.h"
#include "test_util.h"

namespace paradigms::data {
namespace {

using paradigms::testing::TempDir;

TEST(Npy, RoundTripsEveryDtype) {
  TempDir dir;
  const std::vector<torch::Tensor> tensors = {
      torch::arange(6, torch::kFloat32).reshape({2, 3}) / 7,
      torch::arange(5, torch::kFloat64),
      torch::tensor({7, 1000003, -4}, torch::kInt64),
      torch::tensor({1, 0, 1}, torch::kBool),
      torch::tensor({250, 3}, torch::kUInt8),
      torch::tensor(3.5f),  // zero dimensions
  };
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const std::string path = dir / ("t" + std::to_string(i) + ".npy");
    save_npy(path, tensors[i]);
    const torch::Tensor back = load_npy(path);
    EXPECT_EQ(back.scalar_type(), tensors[i].scalar_type());
    EXPECT_TRUE(torch::equal(back, tensors[i])) << i;
  }
}

TEST(Npy, WritesTheVersion1LayoutWithAlignedHeader) {
  TempDir dir;
  save_npy(dir / "x.npy", torch::zeros({5}, torch::kInt64));
  const std::string bytes = read_text(dir / "x.npy");
  ASSERT_GE(bytes.size(), 10u);
  EXPECT_EQ(bytes.substr(0, 6), "\x93NUMPY");
  EXPECT_EQ(bytes[6], 1);
  EXPECT_EQ(bytes[7], 0);
  const std::size_t header_length =
      static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
  EXPECT_EQ((10 + header_length) % 64, 0u);
  const std::string header = bytes.substr(10, header_length);
  EXPECT_EQ(header.back(), '\n');
  EXPECT_NE(header.find("'descr': '<i8'"), std::string::npos);
  EXPECT_NE(header.find("'fortran_order': False"), std::string::npos);
  EXPECT_NE(header.find("'shape': (5,)"), std::string::npos);
  EXPECT_EQ(bytes.size(), 10 + header_length + 5 * 8);
}

TEST(Npy, ReadsNumpyWrittenFiles) {
  // Written by numpy.save in tests/reference/logmel_reference.py.
  const NpyArray array = read_npy(testing::reference("logmel_chirp16k_log1p.npy"));
  EXPECT_EQ(array.dtype, DType::Float32);
  EXPECT_EQ(array.shape, (std::vector<std::int64_t>{64, 51}));
  const NpyArray fb =
      read_npy(testing::reference("mel_fb_sr8000_nfft256_m16_slaney_slaney_f100.npy"));
  EXPECT_EQ(fb.dtype, DType::Float64);
  EXPECT_EQ(fb.shape, (std::vector<std::int64_t>{16, 129}));
}

TEST(Npy, BadFilesAreNamed) {
  TempDir dir;
  EXPECT_THROW_WITH(read_npy(dir / "missing.npy"), InputError, "missing.npy", "cannot be opened");
  testing::write_bytes(dir / "text.npy", "hello world, not numpy");
  EXPECT_THROW_WITH(read_npy(dir / "text.npy"), InputError, "text.npy", "bad magic");
  save_npy(dir / "full.npy", torch::zeros({100}));
  const std::string full = read_text(dir / "full.npy");
  testing::write_bytes(dir / "short.npy", full.substr(0, full.size() - 10));
  EXPECT_THROW_WITH(read_npy(dir / "short.npy"), InputError, "short.npy", "truncated");
  std::string fortran = full;
  fortran.replace(fortran.find("False"), 5, "True ");
  testing::write_bytes(dir / "fortran.npy", fortran);
  EXPECT_THROW_WITH(read_npy(dir / "fortran.npy"), InputError, "fortran.npy", "Fortran order");
  std::string big_endian = full;
  big_endian.replace(big_endian.find("<f4"), 3, ">f4");
  testing::write_bytes(dir / "big.npy", big_endian);
  EXPECT_THROW_WITH(read_npy(dir / "big.npy"), InputError, "big.npy", "unsupported dtype");
}

TEST(Npy, FailedWriteKeepsTheOldFile) {
  TempDir dir;
  save_npy(dir / "keep.npy", torch::ones({3}));
  NpyArray bad = from_tensor(torch::ones({3}));
  bad.shape = {4};  // byte count no longer matches
  EXPECT_THROW(write_npy(dir / "keep.npy", bad), InputError);
  EXPECT_TRUE(torch::equal(load_npy(dir / "keep.npy"), torch::ones({3})));
}

}  // namespace
}  // namespace paradigms::data
