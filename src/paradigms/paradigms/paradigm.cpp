#include "paradigms/paradigms/paradigm.h"

#include <torch/torch.h>

#include <algorithm>

#include "paradigms/core/error.h"

namespace paradigms {

train::EpochPlan Paradigm::plan_epoch(const train::BatchingOptions& batching, std::uint64_t seed,
                                      std::int64_t epoch) {
  return train::plan_epoch(train_items(), batching, seed, epoch);
}

at::Tensor Paradigm::embed(const std::vector<std::size_t>& /*indices*/) {
  throw InputError("paradigm " + in_quotes(name()) + " has no embedding to write");
}

std::shared_ptr<torch::nn::Module> Paradigm::export_module() {
  NamedModules named = modules();
  check_input(!named.empty(), "paradigm " + in_quotes(name()) + " has no module to export");
  return named.front().second;
}

at::Tensor Paradigm::sample(std::int64_t /*count*/) {
  throw InputError("paradigm " + in_quotes(name()) + " is not generative: it cannot sample");
}

void Paradigm::set_training(bool training) {
  for (auto& [name, module] : modules()) module->train(training);
}

at::Tensor concat_chunks(const std::vector<std::size_t>& indices, std::int64_t chunk,
                         std::int64_t columns,
                         const std::function<at::Tensor(const std::vector<std::size_t>&)>& f) {
  check_input(chunk > 0, "eval_batch_size: expected >= 1 (got " + std::to_string(chunk) + ")");
  std::vector<at::Tensor> parts;
  const auto step = static_cast<std::size_t>(chunk);
  for (std::size_t start = 0; start < indices.size(); start += step) {
    const std::vector<std::size_t> part(
        indices.begin() + std::ptrdiff_t(start),
        indices.begin() + std::ptrdiff_t(std::min(indices.size(), start + step)));
    parts.push_back(f(part).to(torch::kCPU));
  }
  return parts.empty() ? torch::empty({0, columns}) : torch::cat(parts);
}

}  // namespace paradigms
