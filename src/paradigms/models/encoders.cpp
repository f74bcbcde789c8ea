#include "paradigms/models/encoders.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "paradigms/core/error.h"

namespace paradigms::models {

namespace nn = torch::nn;

const char* to_string(EncoderKind kind) {
  switch (kind) {
    case EncoderKind::Conv2d: return "conv2d";
    case EncoderKind::Conv1d: return "conv1d";
    case EncoderKind::Mlp: return "mlp";
  }
  return "conv2d";
}

void EncoderOptions::validate() const {
  auto require = [](bool ok, const std::string& message) {
    if (!ok) throw ConfigError("model.encoder: " + message);
  };
  require(!channels.empty(), "channels must list at least one block");
  for (auto c : channels) require(c >= 1, fmt::format("channels must be >= 1 (got {})", c));
  require(kernel_size >= 1 && kernel_size % 2 == 1,
          fmt::format("kernel_size must be odd and >= 1 (got {})", kernel_size));
  require(pool_size >= 1, fmt::format("pool_size must be >= 1 (got {})", pool_size));
  require(dropout >= 0 && dropout < 1, fmt::format("dropout must be in [0, 1) (got {})", dropout));
}

EncoderImpl::EncoderImpl(const EncoderOptions& options, std::int64_t input_channels)
    : options_(options) {
  options_.validate();
  nn::ModuleList blocks;
  std::int64_t in = options_.kind == EncoderKind::Conv2d ? 1 : input_channels;
  const std::int64_t k = options_.kernel_size, p = options_.pool_size;
  for (std::int64_t out : options_.channels) {
    nn::Sequential block;
    switch (options_.kind) {
      case EncoderKind::Conv2d:
        block->push_back(nn::Conv2d(nn::Conv2dOptions(in, out, k).padding(k / 2).bias(false)));
        block->push_back(nn::BatchNorm2d(out));
        block->push_back(nn::ReLU());
        if (p > 1) block->push_back(nn::MaxPool2d(nn::MaxPool2dOptions(p).ceil_mode(true)));
        break;
      case EncoderKind::Conv1d:
        block->push_back(nn::Conv1d(nn::Conv1dOptions(in, out, k).padding(k / 2).bias(false)));
        block->push_back(nn::BatchNorm1d(out));
        block->push_back(nn::ReLU());
        if (p > 1) block->push_back(nn::MaxPool1d(nn::MaxPool1dOptions(p).ceil_mode(true)));
        break;
      case EncoderKind::Mlp:
        block->push_back(nn::Linear(in, out));
        block->push_back(nn::ReLU());
        break;
    }
    if (options_.dropout > 0) block->push_back(nn::Dropout(options_.dropout));
    blocks->push_back(block);
    in = out;
  }
  output_channels_ = in;
  if (options_.kind == EncoderKind::Conv2d) {
    // Channels-last weights make the CPU convolutions (oneDNN) take their fast path, and the
    // activations follow them. A fresh channels-last copy is needed: contiguous() leaves the
    // one-input-channel weight of the first block as it is (both layouts look the same).
    for (auto& w : blocks->parameters()) {
      if (w.dim() == 4) {
        w.set_data(torch::empty_like(w, at::MemoryFormat::ChannelsLast).copy_(w));
      }
    }
  }
  blocks_ = register_module("blocks", blocks);
}

torch::Tensor EncoderImpl::forward(const torch::Tensor& features) {
  TORCH_CHECK(features.dim() == 3, "Encoder: expected features [B, C, T] (got ", features.sizes(),
              ")");
  torch::Tensor x = options_.kind == EncoderKind::Conv2d ? features.unsqueeze(1)
                    : options_.kind == EncoderKind::Mlp  ? features.transpose(1, 2)  // per frame
                                                         : features;
  for (const auto& block : *blocks_) x = block->as<nn::Sequential>()->forward(x);
  switch (options_.kind) {
    case EncoderKind::Conv2d: return x.mean(2);  // [B, D, F', T'] -> [B, D, T']
    case EncoderKind::Conv1d: return x;
    case EncoderKind::Mlp: return x.transpose(1, 2);
  }
  return x;
}

}  // namespace paradigms::models
