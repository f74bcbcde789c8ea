#pragma once
// Encoder -> global pooling -> head: the supervised model. The head is a Linear layer
// (optionally after a hidden Linear -> ReLU -> dropout) giving one output per class, or one
// output for regression. Parameter names follow the equivalent torch.nn modules:
// encoder.blocks.<i>.<j>.*, pool.*, head.<i>.*.

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>

#include <cstdint>
#include <string>

#include "paradigms/models/encoders.h"
#include "paradigms/models/pooling.h"

namespace paradigms::models {

struct ModelOptions {
  EncoderOptions encoder;                   ///< feature extractor
  PoolingKind pooling = PoolingKind::Mean;  ///< over time
  std::int64_t head_hidden = 0;             ///< hidden units before the output (0: none)
  double head_dropout = 0.0;                ///< dropout before the output layer

  /// One line with every field, for logs.
  std::string describe() const;
};

class ClassifierImpl : public torch::nn::Module {
 public:
  ClassifierImpl(const ModelOptions& options, std::int64_t input_channels, std::int64_t outputs);
  /// Features [B, C, T] -> outputs [B, outputs] (logits, or values for regression).
  torch::Tensor forward(const torch::Tensor& features);
  /// The pooled embedding [B, D] before the head.
  torch::Tensor embed(const torch::Tensor& features);

 private:
  Encoder encoder_{nullptr};
  GlobalPool pool_{nullptr};
  torch::nn::Sequential head_{nullptr};
};
TORCH_MODULE(Classifier);

/// Trainable parameter count.
std::int64_t parameter_count(const torch::nn::Module& module);

}  // namespace paradigms::models
