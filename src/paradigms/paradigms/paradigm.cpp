#include "paradigms/paradigms/paradigm.h"

#include "paradigms/core/error.h"

namespace paradigms {

at::Tensor Paradigm::sample(std::int64_t /*count*/) {
  throw InputError("paradigm " + in_quotes(name()) + " is not generative: it cannot sample");
}

void Paradigm::set_training(bool training) {
  for (auto& [name, module] : modules()) module->train(training);
}

}  // namespace paradigms
