#include "paradigms/models/pooling.h"

#include <torch/torch.h>

namespace paradigms::models {

const char* to_string(PoolingKind kind) {
  switch (kind) {
    case PoolingKind::Mean: return "mean";
    case PoolingKind::Max: return "max";
    case PoolingKind::Attention: return "attention";
    case PoolingKind::AutoPool: return "autopool";
  }
  return "mean";
}

GlobalPoolImpl::GlobalPoolImpl(PoolingKind kind, std::int64_t channels) : kind_(kind) {
  if (kind_ == PoolingKind::Attention) {
    score_ = register_module("score", torch::nn::Linear(channels, 1));
  } else if (kind_ == PoolingKind::AutoPool) {
    alpha_ = register_parameter("alpha", torch::zeros({channels}));
  }
}

torch::Tensor GlobalPoolImpl::forward(const torch::Tensor& sequence) {
  TORCH_CHECK(sequence.dim() == 3, "GlobalPool: expected [B, C, T] (got ", sequence.sizes(), ")");
  switch (kind_) {
    case PoolingKind::Mean: return sequence.mean(2);
    case PoolingKind::Max: return std::get<0>(sequence.max(2));
    case PoolingKind::Attention: {
      const torch::Tensor scores = score_(sequence.transpose(1, 2));            // [B, T, 1]
      const torch::Tensor weights = torch::softmax(scores, 1).transpose(1, 2);  // [B, 1, T]
      return (weights * sequence).sum(2);
    }
    case PoolingKind::AutoPool: {
      const torch::Tensor weights = torch::softmax(alpha_.view({1, -1, 1}) * sequence, 2);
      return (weights * sequence).sum(2);
    }
  }
  return sequence.mean(2);
}

void GlobalPoolImpl::pretty_print(std::ostream& stream) const {
  stream << "GlobalPool(" << to_string(kind_) << ")";
}

}  // namespace paradigms::models
