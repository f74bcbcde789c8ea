// Model shapes, pooling definitions checked by hand, parameter names for export.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "paradigms/core/error.h"
#include "paradigms/models/classifier.h"
#include "test_util.h"

namespace paradigms::models {
namespace {

TEST(Encoders, OutputShapes) {
  const torch::Tensor x = torch::randn({2, 64, 63});
  EncoderOptions conv2d;  // 4 blocks, pool 2 (ceil): 63 -> 32 -> 16 -> 8 -> 4 frames
  EXPECT_EQ(Encoder(conv2d, 64)->forward(x).sizes(), (std::vector<std::int64_t>{2, 128, 4}));
  EncoderOptions conv1d;
  conv1d.kind = EncoderKind::Conv1d;
  conv1d.channels = {32, 48};
  EXPECT_EQ(Encoder(conv1d, 64)->forward(x).sizes(), (std::vector<std::int64_t>{2, 48, 16}));
  EncoderOptions mlp;
  mlp.kind = EncoderKind::Mlp;
  mlp.channels = {20, 10};
  EXPECT_EQ(Encoder(mlp, 64)->forward(x).sizes(), (std::vector<std::int64_t>{2, 10, 63}));
}

TEST(Pooling, MeanMaxAttentionAutoPool) {
  const torch::Tensor h = torch::tensor({{{1.f, 2.f, 6.f}, {0.f, -1.f, 4.f}}});  // [1, 2, 3]
  EXPECT_TRUE(torch::allclose(GlobalPool(PoolingKind::Mean, 2)(h), torch::tensor({{3.f, 1.f}})));
  EXPECT_TRUE(torch::equal(GlobalPool(PoolingKind::Max, 2)(h), torch::tensor({{6.f, 4.f}})));
  GlobalPool autopool(PoolingKind::AutoPool, 2);
  // α = 0 (the initial value) is the mean.
  EXPECT_TRUE(torch::allclose(autopool(h), torch::tensor({{3.f, 1.f}})));
  {
    torch::NoGradGuard no_grad;
    autopool->named_parameters()["alpha"].fill_(50.0);
  }
  // A large α is the max: softmax(50 h) puts all weight on the largest frame.
  EXPECT_TRUE(torch::allclose(autopool(h), torch::tensor({{6.f, 4.f}}), 1e-4, 1e-4));
  // α = 1 by hand, channel 0: weights e^1, e^2, e^6 over their sum.
  {
    torch::NoGradGuard no_grad;
    autopool->named_parameters()["alpha"].fill_(1.0);
  }
  const double e1 = std::exp(1.0), e2 = std::exp(2.0), e6 = std::exp(6.0);
  EXPECT_NEAR(autopool(h)[0][0].item<double>(), (1 * e1 + 2 * e2 + 6 * e6) / (e1 + e2 + e6), 1e-5);
  // Attention weights are a softmax over frames: the output lies between min and max.
  const torch::Tensor attended = GlobalPool(PoolingKind::Attention, 2)(h);
  EXPECT_GE(attended[0][0].item<float>(), 1.f);
  EXPECT_LE(attended[0][0].item<float>(), 6.f);
}

TEST(Classifier, NamesFollowTorchNnAndCountParameters) {
  ModelOptions options;
  options.encoder.kind = EncoderKind::Mlp;
  options.encoder.channels = {5};
  options.encoder.dropout = 0.0;
  options.pooling = PoolingKind::AutoPool;
  Classifier model(options, 3, 4);
  const auto names = model->named_parameters().keys();
  EXPECT_EQ(names, (std::vector<std::string>{"encoder.blocks.0.0.weight", "encoder.blocks.0.0.bias",
                                             "pool.alpha", "head.0.weight", "head.0.bias"}));
  // Linear 3 -> 5 (15 + 5), alpha 5, Linear 5 -> 4 (20 + 4).
  EXPECT_EQ(parameter_count(*model), 15 + 5 + 5 + 20 + 4);
  EXPECT_EQ(model->forward(torch::randn({2, 3, 7})).sizes(), (std::vector<std::int64_t>{2, 4}));

  ModelOptions conv;
  Classifier cnn(conv, 64, 16);
  const auto buffers = cnn->named_buffers().keys();
  EXPECT_EQ(buffers.front(), "encoder.blocks.0.1.running_mean");
}

TEST(EncoderOptions, RejectsBadValuesNamingThem) {
  EncoderOptions options;
  options.kernel_size = 4;
  EXPECT_THROW_WITH(options.validate(), ConfigError, "kernel_size", "got 4");
  options = {};
  options.channels = {};
  EXPECT_THROW_WITH(options.validate(), ConfigError, "channels");
  options = {};
  options.dropout = 1.0;
  EXPECT_THROW_WITH(options.validate(), ConfigError, "dropout", "got 1");
}

}  // namespace
}  // namespace paradigms::models
