#pragma once
// Encoders over features [B, C_in, T] (C_in = n_mels, or 1 for waveforms), each giving a
// sequence [B, D, T'] that a GlobalPool reduces to [B, D].
//
//   conv2d: the log-mel as a one-channel image [B, 1, F, T]; blocks of conv k×k (same
//           padding) -> batch-norm -> ReLU -> max-pool p×p -> dropout; then the mean over
//           the remaining frequency rows.
//   conv1d: mel bins as channels; blocks of conv1d k -> batch-norm -> ReLU -> max-pool p ->
//           dropout, over time.
//   mlp:    the same small network on every frame: Linear -> ReLU -> dropout per layer.

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>

#include <cstdint>
#include <string>
#include <vector>

namespace paradigms::models {

enum class EncoderKind { Conv2d, Conv1d, Mlp };

const char* to_string(EncoderKind kind);

struct EncoderOptions {
  EncoderKind kind = EncoderKind::Conv2d;                  ///< architecture
  std::vector<std::int64_t> channels = {16, 32, 64, 128};  ///< per block (hidden sizes for mlp)
  std::int64_t kernel_size = 3;                            ///< conv kernel (odd)
  std::int64_t pool_size = 2;                              ///< max-pool after each block (1 = none)
  double dropout = 0.1;                                    ///< after each block

  void validate() const;
};

class EncoderImpl : public torch::nn::Module {
 public:
  /// `input_channels`: feature channels (n_mels), `input_frames`: frames of a crop.
  EncoderImpl(const EncoderOptions& options, std::int64_t input_channels);
  /// [B, C_in, T] -> [B, D, T']
  torch::Tensor forward(const torch::Tensor& features);
  std::int64_t output_channels() const { return output_channels_; }

 private:
  EncoderOptions options_;
  torch::nn::ModuleList blocks_{nullptr};  // of Sequential blocks
  std::int64_t output_channels_ = 0;
};
TORCH_MODULE(Encoder);

}  // namespace paradigms::models
