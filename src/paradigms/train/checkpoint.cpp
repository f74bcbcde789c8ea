#include "paradigms/train/checkpoint.h"

#include <torch/torch.h>

#include "paradigms/core/error.h"
#include "paradigms/core/files.h"

namespace paradigms::train {

nlohmann::json TrainerState::to_json() const {
  return {
      {"epoch", epoch},
      {"step", step},
      {"step_in_epoch", step_in_epoch},
      {"epoch_loss_sum", epoch_loss_sum},
      {"epoch_samples", epoch_samples},
      {"best_value", std::isnan(best_value) ? nlohmann::json(nullptr) : nlohmann::json(best_value)},
      {"best_epoch", best_epoch},
      {"bad_epochs", bad_epochs}};
}

TrainerState TrainerState::from_json(const nlohmann::json& json) {
  TrainerState state;
  state.epoch = json.at("epoch").get<std::int64_t>();
  state.step = json.at("step").get<std::int64_t>();
  state.step_in_epoch = json.at("step_in_epoch").get<std::int64_t>();
  state.epoch_loss_sum = json.at("epoch_loss_sum").get<double>();
  state.epoch_samples = json.at("epoch_samples").get<std::int64_t>();
  state.best_value = json.at("best_value").is_null() ? std::numeric_limits<double>::quiet_NaN()
                                                     : json.at("best_value").get<double>();
  state.best_epoch = json.at("best_epoch").get<std::int64_t>();
  state.bad_epochs = json.at("bad_epochs").get<std::int64_t>();
  return state;
}

void save_checkpoint(const std::filesystem::path& path, Paradigm& paradigm,
                     const TrainerState& state, const std::string& config_yaml) {
  torch::serialize::OutputArchive archive;
  for (auto& [name, module] : paradigm.modules()) {
    torch::serialize::OutputArchive sub;
    module->save(sub);
    archive.write("module." + name, sub);
  }
  for (auto& [name, optimizer] : paradigm.optimizers()) {
    torch::serialize::OutputArchive sub;
    optimizer->save(sub);
    archive.write("optimizer." + name, sub);
  }
  const nlohmann::json header = {{"format_version", kCheckpointFormatVersion},
                                 {"paradigm", paradigm.name()},
                                 {"state", state.to_json()}};
  archive.write("header", c10::IValue(header.dump()));
  archive.write("config", c10::IValue(config_yaml));
  write_atomically(path, [&](const std::filesystem::path& tmp) { archive.save_to(tmp.string()); });
}

namespace {

nlohmann::json read_header(torch::serialize::InputArchive& archive, const std::string& source) {
  c10::IValue value;
  if (!archive.try_read("header", value) || !value.isString()) {
    throw InputError("checkpoint " + in_quotes(source) +
                     " has no header (not a paradigms checkpoint)");
  }
  const nlohmann::json header = nlohmann::json::parse(value.toStringRef());
  const int version = header.value("format_version", 0);
  if (version != kCheckpointFormatVersion) {
    throw InputError("checkpoint " + in_quotes(source) + " has format version " +
                     std::to_string(version) + " (this build reads version " +
                     std::to_string(kCheckpointFormatVersion) + ")");
  }
  return header;
}

torch::serialize::InputArchive open_archive(const std::filesystem::path& path,
                                            c10::Device device = torch::kCPU) {
  check_input(std::filesystem::is_regular_file(path),
              "checkpoint " + in_quotes(path.string()) + " does not exist");
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path.string(), device);
  } catch (const c10::Error& error) {
    throw InputError("checkpoint " + in_quotes(path.string()) +
                     " cannot be read: " + error.what_without_backtrace());
  }
  return archive;
}

}  // namespace

TrainerState load_checkpoint(const std::filesystem::path& path, Paradigm& paradigm) {
  // Tensors are read onto the training device, so optimizer state (which has no module to
  // follow) lands where its parameters are.
  c10::Device training_device = torch::kCPU;
  for (auto& [name, module] : paradigm.modules()) {
    const auto parameters = module->parameters();
    if (!parameters.empty()) {
      training_device = parameters.front().device();
      break;
    }
  }
  torch::serialize::InputArchive archive = open_archive(path, training_device);
  const nlohmann::json header = read_header(archive, path.string());
  try {
    for (auto& [name, module] : paradigm.modules()) {
      torch::serialize::InputArchive sub;
      archive.read("module." + name, sub);
      // Each module goes back to its own device (state-only modules stay on the CPU).
      const auto parameters = module->parameters();
      const c10::Device device =
          parameters.empty() ? c10::Device(torch::kCPU) : parameters.front().device();
      module->load(sub);
      module->to(device);
    }
    for (auto& [name, optimizer] : paradigm.optimizers()) {
      torch::serialize::InputArchive sub;
      archive.read("optimizer." + name, sub);
      optimizer->load(sub);
    }
  } catch (const c10::Error& error) {
    throw InputError("checkpoint " + in_quotes(path.string()) +
                     " does not fit this model: " + error.what_without_backtrace());
  }
  return TrainerState::from_json(header.at("state"));
}

std::string checkpoint_config(const std::filesystem::path& path) {
  torch::serialize::InputArchive archive = open_archive(path);
  read_header(archive, path.string());
  c10::IValue value;
  check_input(archive.try_read("config", value) && value.isString(),
              "checkpoint " + in_quotes(path.string()) + " holds no config");
  return value.toStringRef();
}

}  // namespace paradigms::train
