#pragma once
// Global pooling over time: [B, C, T] -> [B, C].
//
//   mean       (1/T) Σ_t h_t
//   max        max_t h_t
//   attention  Σ_t softmax_t(w·h_t + b) h_t       (one learned score per frame)
//   autopool   Σ_t softmax_t(α_c h_ct) h_ct       (McFee, Salamon & Bello 2018: a learned α
//              per channel; α = 0 is the mean, α → ∞ the max)

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>

#include <string>

namespace paradigms::models {

enum class PoolingKind { Mean, Max, Attention, AutoPool };

const char* to_string(PoolingKind kind);

class GlobalPoolImpl : public torch::nn::Module {
 public:
  GlobalPoolImpl(PoolingKind kind, std::int64_t channels);
  /// [B, C, T] -> [B, C]
  torch::Tensor forward(const torch::Tensor& sequence);
  PoolingKind kind() const { return kind_; }
  void pretty_print(std::ostream& stream) const override;

 private:
  PoolingKind kind_;
  torch::nn::Linear score_{nullptr};  // attention
  torch::Tensor alpha_;               // autopool, [C]
};
TORCH_MODULE(GlobalPool);

}  // namespace paradigms::models
