#include "paradigms/miners/tuples.h"

#include <torch/torch.h>

#include <string>

#include "paradigms/core/error.h"
#include "paradigms/distances/distance.h"

namespace paradigms::miners {

at::Tensor Triplets::as_rows() const {
  if (size() == 0) return torch::zeros({0, 3}, torch::kInt64);
  return torch::stack({anchor, positive, negative}, 1);
}

Triplets Triplets::from_rows(const at::Tensor& rows) {
  check_input(
      rows.dim() == 2 && rows.size(1) == 3,
      "Triplets::from_rows: expected rows [K, 3] (got " + distances::shape_text(rows) + ")");
  const at::Tensor r = rows.to(torch::kCPU, torch::kInt64).contiguous();
  return {r.select(1, 0).contiguous(), r.select(1, 1).contiguous(), r.select(1, 2).contiguous()};
}

namespace {

std::string shape(const at::Tensor& t) { return distances::shape_text(t); }

void check_set(const char* where, const at::Tensor& embeddings, const at::Tensor& labels,
               const std::string& emb_name, const std::string& label_name) {
  check_input(embeddings.defined() && embeddings.dim() == 2,
              std::string(where) + ": " + emb_name + " must be [N, D] (got " +
                  (embeddings.defined() ? shape(embeddings) : std::string("undefined")) + ")");
  check_input(
      embeddings.scalar_type() == torch::kFloat || embeddings.scalar_type() == torch::kDouble,
      std::string(where) + ": " + emb_name + " must be float32 or float64 (got " +
          c10::toString(embeddings.scalar_type()) + ")");
  check_input(labels.defined() && labels.dim() == 1,
              std::string(where) + ": " + label_name + " must be [N] (got " +
                  (labels.defined() ? shape(labels) : std::string("undefined")) + ")");
  check_input(labels.scalar_type() == torch::kInt64, std::string(where) + ": " + label_name +
                                                         " must be int64 (got " +
                                                         c10::toString(labels.scalar_type()) + ")");
  check_input(labels.size(0) == embeddings.size(0),
              std::string(where) + ": " + label_name + " must have " +
                  std::to_string(embeddings.size(0)) + " entries, one per row of " + emb_name +
                  " (got " + std::to_string(labels.size(0)) + ")");
}

}  // namespace

void LabeledEmbeddings::check(const char* where) const {
  check_set(where, embeddings, labels, "embeddings", "labels");
  check_input(ref_embeddings.defined() == ref_labels.defined(),
              std::string(where) + ": ref_embeddings and ref_labels must be given together");
  if (!has_references()) return;
  check_set(where, ref_embeddings, ref_labels, "ref_embeddings", "ref_labels");
  check_input(ref_embeddings.size(1) == embeddings.size(1),
              std::string(where) + ": ref_embeddings must have " +
                  std::to_string(embeddings.size(1)) + " columns like embeddings (got " +
                  std::to_string(ref_embeddings.size(1)) + ")");
  check_input(ref_embeddings.scalar_type() == embeddings.scalar_type(),
              std::string(where) + ": ref_embeddings must have the dtype of embeddings");
}

}  // namespace paradigms::miners
