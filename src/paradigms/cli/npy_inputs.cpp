#include "paradigms/cli/npy_inputs.h"

#include <torch/torch.h>

#include <filesystem>

#include "paradigms/core/error.h"
#include "paradigms/data/npy_tensor.h"
#include "paradigms/distances/distance.h"

namespace paradigms::cli {

namespace {

at::Tensor load(const std::string& flag, const std::string& path) {
  check_input(std::filesystem::exists(path), flag + " " + in_quotes(path) + ": no such file");
  try {
    return data::load_npy(path);
  } catch (const InputError& error) {
    throw InputError(flag + ": " + error.what());
  }
}

}  // namespace

at::Tensor load_embeddings(const std::string& flag, const std::string& path) {
  const at::Tensor t = load(flag, path);
  const std::string what = flag + " " + in_quotes(path);
  check_input(t.scalar_type() == torch::kFloat || t.scalar_type() == torch::kDouble,
              what + ": expected float32 or float64 embeddings (got " +
                  c10::toString(t.scalar_type()) + ")");
  check_input(t.dim() == 2, what + ": expected a 2-D array [N, D] (got " +
                                distances::shape_text(t) + ")");
  check_input(t.size(0) > 0 && t.size(1) > 0,
              what + ": expected at least one row and one column (got " +
                  distances::shape_text(t) + ")");
  check_input(torch::isfinite(t).all().item<bool>(),
              what + ": expected finite embeddings (found NaN or inf)");
  return t;
}

at::Tensor load_labels(const std::string& flag, const std::string& path, std::int64_t rows,
                       const std::string& rows_flag, const std::string& what) {
  const at::Tensor t = load(flag, path);
  const std::string name = flag + " " + in_quotes(path);
  const auto type = t.scalar_type();
  check_input(type == torch::kInt64 || type == torch::kInt32 || type == torch::kInt16 ||
                  type == torch::kInt8 || type == torch::kUInt8,
              name + ": expected integer " + what + " (int8 to int64 or uint8; got " +
                  c10::toString(type) + ")");
  check_input(t.dim() == 1, name + ": expected a 1-D array [N] of " + what + " (got shape " +
                                distances::shape_text(t) + ")");
  check_input(t.size(0) == rows, name + ": expected " + std::to_string(rows) + " " + what +
                                     ", one per row of " + rows_flag + " (got " +
                                     std::to_string(t.size(0)) + ", shape " +
                                     distances::shape_text(t) + ")");
  return t.to(torch::kInt64);
}

}  // namespace paradigms::cli
