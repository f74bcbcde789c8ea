#include "paradigms/optim/adadelta.h"

#include <torch/optim/serialize.h>
#include <torch/utils.h>

#include <memory>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>

namespace paradigms::optim {
namespace {

// libtorch 1.13 keys optimizer state by the text of the parameter's TensorImpl address, 2.x by
// the address itself. Deriving the key from the map's own key type keeps one source for both.
using StateMap =
    std::remove_reference_t<decltype(std::declval<torch::optim::Optimizer&>().state())>;
using StateKey = StateMap::key_type;

template <typename Key>
Key state_key(const torch::Tensor& param) {
  if constexpr (std::is_same_v<Key, std::string>) {
    // The same formatting as libtorch 1.13's c10::guts::to_string(pointer), which its
    // serialiser uses to map saved state back to parameters.
    std::ostringstream text;
    text << param.unsafeGetTensorImpl();
    return text.str();
  } else {
    return param.unsafeGetTensorImpl();
  }
}

// `where` prefixes the message, e.g. "param group 1: ", so a bad group can be found.
void check_options(const AdadeltaOptions& options, const std::string& where) {
  TORCH_CHECK(options.lr() >= 0.0, "Adadelta: ", where, "lr must be >= 0 (got ", options.lr(), ")");
  TORCH_CHECK(options.rho() >= 0.0 && options.rho() <= 1.0, "Adadelta: ", where,
              "rho must be in [0, 1] (got ", options.rho(), ")");
  TORCH_CHECK(options.eps() >= 0.0, "Adadelta: ", where, "eps must be >= 0 (got ", options.eps(),
              ")");
  TORCH_CHECK(options.weight_decay() >= 0.0, "Adadelta: ", where, "weight_decay must be >= 0 (got ",
              options.weight_decay(), ")");
}

std::unique_ptr<torch::optim::OptimizerOptions> checked_defaults(const AdadeltaOptions& defaults) {
  check_options(defaults, "");
  return std::make_unique<AdadeltaOptions>(defaults);
}

double read_double(torch::serialize::InputArchive& archive, const char* key) {
  c10::IValue value;
  archive.read(key, value);
  TORCH_CHECK(value.isDouble(), "Adadelta: saved option '", key, "' must be a double (got ",
              value.tagKind(), ")");
  return value.toDouble();
}

// Writes nothing for an undefined tensor: before its first step a parameter has no state, and
// an undefined tensor cannot be stored.
void write_tensor(torch::serialize::OutputArchive& archive, const char* key,
                  const torch::Tensor& tensor) {
  if (tensor.defined()) {
    archive.write(key, c10::IValue(tensor));
  }
}

torch::Tensor try_read_tensor(torch::serialize::InputArchive& archive, const char* key) {
  c10::IValue value;
  if (!archive.try_read(key, value)) {
    return {};
  }
  TORCH_CHECK(value.isTensor(), "Adadelta: saved state '", key, "' must be a tensor (got ",
              value.tagKind(), ")");
  return value.toTensor();
}

bool same_tensor_values(const torch::Tensor& lhs, const torch::Tensor& rhs) {
  if (!lhs.defined() || !rhs.defined()) {
    return lhs.defined() == rhs.defined();
  }
  return torch::equal(lhs, rhs);
}

}  // namespace

AdadeltaOptions::AdadeltaOptions(double lr) : lr_(lr) {}

void AdadeltaOptions::serialize(torch::serialize::OutputArchive& archive) const {
  archive.write("lr", c10::IValue(lr()));
  archive.write("rho", c10::IValue(rho()));
  archive.write("eps", c10::IValue(eps()));
  archive.write("weight_decay", c10::IValue(weight_decay()));
}

void AdadeltaOptions::serialize(torch::serialize::InputArchive& archive) {
  lr(read_double(archive, "lr"));
  rho(read_double(archive, "rho"));
  eps(read_double(archive, "eps"));
  weight_decay(read_double(archive, "weight_decay"));
}

double AdadeltaOptions::get_lr() const { return lr(); }

void AdadeltaOptions::set_lr(const double lr) { this->lr(lr); }

bool operator==(const AdadeltaOptions& lhs, const AdadeltaOptions& rhs) {
  return lhs.lr() == rhs.lr() && lhs.rho() == rhs.rho() && lhs.eps() == rhs.eps() &&
         lhs.weight_decay() == rhs.weight_decay();
}

std::ostream& operator<<(std::ostream& stream, const AdadeltaOptions& options) {
  return stream << "Adadelta(lr=" << options.lr() << ", rho=" << options.rho()
                << ", eps=" << options.eps() << ", weight_decay=" << options.weight_decay() << ")";
}

void AdadeltaParamState::serialize(torch::serialize::OutputArchive& archive) const {
  archive.write("step", c10::IValue(step()));
  write_tensor(archive, "square_avg", square_avg());
  write_tensor(archive, "acc_delta", acc_delta());
}

void AdadeltaParamState::serialize(torch::serialize::InputArchive& archive) {
  c10::IValue saved_step;
  archive.read("step", saved_step);
  TORCH_CHECK(saved_step.isInt(), "Adadelta: saved state 'step' must be an integer (got ",
              saved_step.tagKind(), ")");
  step(saved_step.toInt());
  square_avg(try_read_tensor(archive, "square_avg"));
  acc_delta(try_read_tensor(archive, "acc_delta"));
}

bool operator==(const AdadeltaParamState& lhs, const AdadeltaParamState& rhs) {
  return lhs.step() == rhs.step() && same_tensor_values(lhs.square_avg(), rhs.square_avg()) &&
         same_tensor_values(lhs.acc_delta(), rhs.acc_delta());
}

Adadelta::Adadelta(std::vector<torch::optim::OptimizerParamGroup> param_groups,
                   AdadeltaOptions defaults)
    : Optimizer(std::move(param_groups), checked_defaults(defaults)) {
  // Groups given with their own options are checked too; step() casts them unchecked.
  for (std::size_t i = 0; i < param_groups_.size(); ++i) {
    const auto* options = dynamic_cast<const AdadeltaOptions*>(&param_groups_[i].options());
    TORCH_CHECK(options != nullptr, "Adadelta: param group ", i,
                " must have AdadeltaOptions (got the options of another optimizer)");
    check_options(*options, "param group " + std::to_string(i) + ": ");
  }
}

Adadelta::Adadelta(std::vector<torch::Tensor> params, AdadeltaOptions defaults)
    : Adadelta(std::vector<torch::optim::OptimizerParamGroup>{torch::optim::OptimizerParamGroup(
                   std::move(params))},
               std::move(defaults)) {}

torch::Tensor Adadelta::step(LossClosure closure) {
  torch::NoGradGuard no_grad;

  torch::Tensor loss;
  if (closure != nullptr) {
    at::AutoGradMode enable_grad(true);
    loss = closure();
  }

  for (auto& group : param_groups_) {
    const auto& options = static_cast<const AdadeltaOptions&>(group.options());
    const double rho = options.rho();
    const double eps = options.eps();
    for (auto& param : group.params()) {
      if (!param.grad().defined()) {
        continue;
      }
      TORCH_CHECK(!param.grad().is_sparse(),
                  "Adadelta: sparse gradients are not supported (got one for a parameter of "
                  "shape ",
                  param.sizes(), ")");

      auto& slot = state_[state_key<StateKey>(param)];
      if (slot == nullptr) {
        auto fresh = std::make_unique<AdadeltaParamState>();
        fresh->square_avg(torch::zeros_like(param, torch::MemoryFormat::Preserve));
        fresh->acc_delta(torch::zeros_like(param, torch::MemoryFormat::Preserve));
        slot = std::move(fresh);
      }
      auto& state = static_cast<AdadeltaParamState&>(*slot);
      state.step(state.step() + 1);

      // The operations and their order are PyTorch's, so float64 runs agree to the last bits.
      torch::Tensor grad = param.grad();
      if (options.weight_decay() != 0.0) {
        grad = grad.add(param, options.weight_decay());
      }
      torch::Tensor square_avg = state.square_avg();
      torch::Tensor acc_delta = state.acc_delta();
      if (param.is_complex()) {
        // Per-component squares: g * g of a complex g is not its squared magnitude.
        square_avg = torch::view_as_real(square_avg);
        acc_delta = torch::view_as_real(acc_delta);
        grad = torch::view_as_real(grad);
      }
      square_avg.mul_(rho).addcmul_(grad, grad, 1.0 - rho);
      const torch::Tensor std_dev = square_avg.add(eps).sqrt_();
      torch::Tensor delta = acc_delta.add(eps).sqrt_().div_(std_dev).mul_(grad);
      acc_delta.mul_(rho).addcmul_(delta, delta, 1.0 - rho);
      if (param.is_complex()) {
        delta = torch::view_as_complex(delta);
      }
      param.add_(delta, -options.lr());
    }
  }
  return loss;
}

void Adadelta::save(torch::serialize::OutputArchive& archive) const {
  torch::optim::serialize<AdadeltaParamState, AdadeltaOptions>(archive, *this);
}

void Adadelta::load(torch::serialize::InputArchive& archive) {
  torch::optim::serialize<AdadeltaParamState, AdadeltaOptions>(archive, *this);

  // Saved state comes back where it was saved (or where torch::load was told); like PyTorch's
  // load_state_dict, follow each parameter's device and dtype so step() can mix them.
  for (const auto& group : param_groups_) {
    for (const auto& param : group.params()) {
      const auto found = state_.find(state_key<StateKey>(param));
      if (found == state_.end()) {
        continue;
      }
      auto& state = static_cast<AdadeltaParamState&>(*found->second);
      if (state.square_avg().defined()) {
        state.square_avg(state.square_avg().to(param.device(), param.scalar_type()));
      }
      if (state.acc_delta().defined()) {
        state.acc_delta(state.acc_delta().to(param.device(), param.scalar_type()));
      }
    }
  }
}

const AdadeltaParamState* Adadelta::param_state(const torch::Tensor& param) const {
  const auto found = state_.find(state_key<StateKey>(param));
  if (found == state_.end() || found->second == nullptr) {
    return nullptr;
  }
  return static_cast<const AdadeltaParamState*>(found->second.get());
}

}  // namespace paradigms::optim
