#pragma once
// A small separable problem for trainer tests: items of 3 classes whose features [4, 6] are
// noise around a class-dependent mean, with seeded splits.

#include <torch/torch.h>

#include <memory>
#include <random>

#include "paradigms/data/dataset.h"
#include "paradigms/data/splits.h"
#include "paradigms/paradigms/supervised.h"
#include "paradigms/train/examples.h"

namespace paradigms::testing {

inline std::shared_ptr<train::Examples> toy_examples(std::int64_t per_class = 12) {
  data::Dataset dataset;
  dataset.source = "toy";
  dataset.class_names = {"a", "b", "c"};
  std::vector<at::Tensor> features;
  torch::manual_seed(7);
  for (std::int64_t label = 0; label < 3; ++label) {
    for (std::int64_t i = 0; i < per_class; ++i) {
      data::Item item;
      item.labels = {label};
      dataset.items.push_back(item);
      features.push_back(torch::randn({4, 6}) + double(label));
    }
  }
  data::assign_splits(dataset, data::SplitOptions{0.2, 0.2, 3});
  return std::make_shared<train::Examples>(dataset, features, 6);
}

inline SupervisedOptions toy_options(optim::OptimizerKind kind = optim::OptimizerKind::Adam,
                                     double lr = 0.01) {
  SupervisedOptions options;
  options.model.encoder.kind = models::EncoderKind::Mlp;
  options.model.encoder.channels = {8};
  options.model.encoder.dropout = 0.0;
  options.optimizer.kind = kind;
  options.optimizer.lr = lr;
  return options;
}

}  // namespace paradigms::testing
