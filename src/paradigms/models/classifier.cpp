#include "paradigms/models/classifier.h"

#include <fmt/format.h>
#include <torch/torch.h>

namespace paradigms::models {

std::string ModelOptions::describe() const {
  return fmt::format(
      "{}(channels=[{}], kernel_size={}, pool_size={}, dropout={}) -> {} pooling "
      "-> head(hidden={}, dropout={})",
      to_string(encoder.kind), fmt::join(encoder.channels, ","), encoder.kernel_size,
      encoder.pool_size, encoder.dropout, to_string(pooling), head_hidden, head_dropout);
}

ClassifierImpl::ClassifierImpl(const ModelOptions& options, std::int64_t input_channels,
                               std::int64_t outputs) {
  encoder_ = register_module("encoder", Encoder(options.encoder, input_channels));
  const std::int64_t width = encoder_->output_channels();
  pool_ = register_module("pool", GlobalPool(options.pooling, width));
  torch::nn::Sequential head;
  std::int64_t in = width;
  if (options.head_hidden > 0) {
    head->push_back(torch::nn::Linear(in, options.head_hidden));
    head->push_back(torch::nn::ReLU());
    in = options.head_hidden;
  }
  if (options.head_dropout > 0) head->push_back(torch::nn::Dropout(options.head_dropout));
  head->push_back(torch::nn::Linear(in, outputs));
  head_ = register_module("head", head);
}

torch::Tensor ClassifierImpl::embed(const torch::Tensor& features) {
  return pool_(encoder_(features));
}

torch::Tensor ClassifierImpl::forward(const torch::Tensor& features) {
  return head_->forward(embed(features));
}

std::int64_t parameter_count(const torch::nn::Module& module) {
  std::int64_t count = 0;
  for (const auto& parameter : module.parameters()) {
    if (parameter.requires_grad()) count += parameter.numel();
  }
  return count;
}

}  // namespace paradigms::models
