#include "paradigms/paradigms/paradigm.h"

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

}  // namespace paradigms
