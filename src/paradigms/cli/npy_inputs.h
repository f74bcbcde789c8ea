#pragma once
// Embeddings and labels from .npy files named by a command-line flag, checked alike by every
// command that reads them (loss, mine, retrieval).

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

namespace paradigms::cli {

/// A finite float32 or float64 array [N, D] with N, D >= 1, from the file given by `flag`.
at::Tensor load_embeddings(const std::string& flag, const std::string& path);

/// An integer array [rows] (int8 to int64 or uint8) as int64: `what` names the values
/// ("labels", "item indices") and `rows_flag` the embeddings they belong to.
at::Tensor load_labels(const std::string& flag, const std::string& path, std::int64_t rows,
                       const std::string& rows_flag, const std::string& what = "labels");

}  // namespace paradigms::cli
