// Commands on a finished run folder:
//   paradigms eval RUN_DIR [--split test|valid|train] [--checkpoint best|last]
//   paradigms predict RUN_DIR AUDIO... [--top K] [--json]
//   paradigms export RUN_DIR --out model.pt [--checkpoint best|last]
//   paradigms embed RUN_DIR --split S --out E.npy [--labels-out L.npy]

#include <spdlog/spdlog.h>
#include <torch/csrc/jit/serialization/pickle.h>
#include <torch/torch.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "paradigms/audio/load.h"
#include "paradigms/cli/run_setup.h"
#include "paradigms/core/error.h"
#include "paradigms/core/files.h"
#include "paradigms/data/npy_tensor.h"
#include "paradigms/train/checkpoint.h"

namespace fs = std::filesystem;

namespace paradigms::cli {
namespace {

struct RunArgs {
  std::string run_dir, split = "test", checkpoint = "best", out, labels_out;
  std::vector<std::string> audio;
  int top = 3;
  bool json = false;
};

PreparedRun open_run(const RunArgs& args, const GlobalOptions& global) {
  prepare_run(global);
  // The flags are checked before the features are built, which can take minutes.
  const config::RunConfig config = run_dir_config(args.run_dir);
  const fs::path checkpoint = run_checkpoint(args.run_dir, args.checkpoint);
  data::parse_split(args.split, "--split");
  PreparedRun run = prepare_run_from_config(config, global);
  train::load_checkpoint(checkpoint, *run.paradigm);
  return run;
}

int run_eval(const RunArgs& args, const GlobalOptions& global) {
  PreparedRun run = open_run(args, global);
  const data::Split split = data::parse_split(args.split, "--split");
  const nlohmann::json metrics = run.paradigm->evaluate(split);
  check_input(!metrics.empty(), "--split " + args.split + ": the split has no item");
  std::cout << metrics.dump(2) << "\n";
  return 0;
}

// Probabilities (or values) of one file: the mean over consecutive crops covering it.
torch::Tensor predict_file(PreparedRun& run, const std::string& path) {
  const auto sample_rate = static_cast<int>(run.config.frontend.sample_rate);
  const audio::MonoAudio audio = audio::load_mono(path, sample_rate);
  const torch::Tensor features = (*run.frontend)(torch::tensor(audio.samples)).to(torch::kCPU);
  const std::int64_t length = run.examples->crop_frames(), frames = features.size(1);
  std::vector<torch::Tensor> windows;
  for (std::int64_t start = 0; start == 0 || start < frames; start += length) {
    const std::int64_t begin = std::max<std::int64_t>(0, std::min(start, frames - length));
    windows.push_back(data::crop(features.narrow(1, begin, std::min(length, frames - begin)),
                                 length, data::CropMode::Center));
  }
  SupervisedParadigm& paradigm = run.supervised("predict");
  const torch::Tensor outputs = paradigm.predict_features(torch::stack(windows));
  switch (run.examples->target_kind()) {
    case data::TargetKind::SingleLabel: return torch::softmax(outputs, 1).mean(0);
    case data::TargetKind::MultiLabel: return torch::sigmoid(outputs).mean(0);
    case data::TargetKind::Regression: return paradigm.to_target_units(outputs).mean(0);
  }
  return outputs.mean(0);
}

int run_predict(const RunArgs& args, const GlobalOptions& global) {
  PreparedRun run = open_run(args, global);
  run.supervised("predict");  // class scores need a classifier: fail before any file
  nlohmann::json all = nlohmann::json::array();
  int failures = 0;
  for (const auto& path : args.audio) {
    torch::Tensor scores;
    try {
      scores = predict_file(run, path);
    } catch (const InputError& error) {
      spdlog::warn("{}", error.what());
      ++failures;
      continue;
    }
    nlohmann::json entry = {{"path", path}};
    if (run.examples->target_kind() == data::TargetKind::Regression) {
      entry["value"] = scores[0].item<double>();
      if (!args.json) std::cout << path << "\t" << scores[0].item<double>() << "\n";
    } else {
      const auto k = std::min<std::int64_t>(args.top, scores.size(0));
      const auto top = scores.topk(k);
      nlohmann::json classes = nlohmann::json::array();
      if (!args.json) std::cout << path << "\n";
      for (std::int64_t i = 0; i < k; ++i) {
        const auto index = std::get<1>(top)[i].item<std::int64_t>();
        const double probability = std::get<0>(top)[i].item<double>();
        const std::string& name = run.examples->class_names().at(std::size_t(index));
        classes.push_back({{"class", name}, {"probability", probability}});
        if (!args.json) std::cout << fmt::format("  {:<28} {:.4f}\n", name, probability);
      }
      entry["top"] = classes;
    }
    all.push_back(entry);
  }
  if (args.json) std::cout << all.dump(2) << "\n";
  return failures == int(args.audio.size()) ? 1 : 0;
}

int run_embed(const RunArgs& args, const GlobalOptions& global) {
  check_input(!args.out.empty(), "embed: give --out E.npy");
  PreparedRun run = open_run(args, global);
  const data::Split split = data::parse_split(args.split, "--split");
  const std::vector<std::size_t> indices = run.examples->split(split);
  check_input(!indices.empty(), "--split " + args.split + ": the split has no item");
  const torch::Tensor embeddings = run.paradigm->embed(indices).to(torch::kFloat32);
  std::vector<std::int64_t> labels, items(indices.begin(), indices.end());
  for (std::size_t i : indices) {
    const auto& item_labels = run.examples->item(i).labels;
    labels.push_back(item_labels.empty() ? -1 : item_labels.front());
  }
  const fs::path out(args.out);
  const fs::path labels_out = args.labels_out.empty()
                                  ? out.parent_path() / (out.stem().string() + ".labels.npy")
                                  : fs::path(args.labels_out);
  const fs::path items_out = out.parent_path() / (out.stem().string() + ".items.npy");
  data::save_npy(out, embeddings.contiguous());
  data::save_npy(labels_out, torch::tensor(labels, torch::kInt64));
  data::save_npy(items_out, torch::tensor(items, torch::kInt64));
  spdlog::info(
      "wrote {} embeddings of dimension {} to {}, their labels to {} and their dataset "
      "item indices to {}",
      embeddings.size(0), embeddings.size(1), out.string(), labels_out.string(),
      items_out.string());
  return 0;
}

int run_export(const RunArgs& args, const GlobalOptions& global) {
  prepare_run(global);
  check_input(fs::path(args.out).extension() != ".json",
              "--out " + in_quotes(args.out) +
                  ": expected a weights file such as model.pt (its .json description is "
                  "written beside it)");
  const fs::path checkpoint = run_checkpoint(args.run_dir, args.checkpoint);
  PreparedRun run = prepare_run_from_config(run_dir_config(args.run_dir), global);
  train::load_checkpoint(checkpoint, *run.paradigm);
  // Names as the equivalent torch.nn modules give them, so Python's torch.load gets a
  // ready state dict.
  c10::Dict<std::string, at::Tensor> state;
  auto& model = *run.paradigm->export_module();
  for (const auto& item : model.named_parameters()) {
    state.insert(item.key(), item.value().detach().to(torch::kCPU).contiguous());
  }
  for (const auto& item : model.named_buffers()) {
    state.insert(item.key(), item.value().detach().to(torch::kCPU).contiguous());
  }
  const std::vector<char> bytes = torch::pickle_save(c10::IValue(state));
  write_text_atomically(args.out, std::string(bytes.begin(), bytes.end()));
  // Beside the weights: what their outputs mean and the features they take.
  nlohmann::json info = run.paradigm->export_info();
  info["frontend"] = run.config.frontend.describe();
  info["crop_frames"] = run.examples->crop_frames();
  const fs::path info_path = fs::path(args.out).replace_extension(".json");
  write_text_atomically(info_path, info.dump(2) + "\n");
  spdlog::info("wrote {} tensors to {} and their description to {}", state.size(), args.out,
               info_path.string());
  return 0;
}

template <typename Run>
void bind(CLI::App* command, std::shared_ptr<RunArgs> args, std::shared_ptr<GlobalOptions> global,
          Run run) {
  command->callback([args, global, run] {
    const int code = run(*args, *global);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace

void add_run_commands(CLI::App& app, std::shared_ptr<GlobalOptions> global) {
  auto eval_args = std::make_shared<RunArgs>();
  CLI::App* eval = app.add_subcommand("eval", "Evaluate a trained run on a split");
  eval->add_option("run_dir", eval_args->run_dir, "run folder")->required();
  eval->add_option("--split", eval_args->split, "test, valid or train")->capture_default_str();
  eval->add_option("--checkpoint", eval_args->checkpoint, "best or last")->capture_default_str();
  bind(eval, eval_args, global, run_eval);

  auto predict_args = std::make_shared<RunArgs>();
  CLI::App* predict = app.add_subcommand("predict", "Top classes of audio files");
  predict->add_option("run_dir", predict_args->run_dir, "run folder")->required();
  predict->add_option("audio", predict_args->audio, "audio files")->required();
  predict->add_option("--top", predict_args->top, "classes to show")->capture_default_str();
  predict->add_flag("--json", predict_args->json, "print JSON");
  predict->add_option("--checkpoint", predict_args->checkpoint, "best or last")
      ->capture_default_str();
  bind(predict, predict_args, global, run_predict);

  auto export_args = std::make_shared<RunArgs>();
  CLI::App* exporter = app.add_subcommand(
      "export", "Write the weights as a state dict that Python's torch.load reads");
  exporter->add_option("run_dir", export_args->run_dir, "run folder")->required();
  exporter->add_option("--out", export_args->out, "output file, e.g. model.pt")->required();
  exporter->add_option("--checkpoint", export_args->checkpoint, "best or last")
      ->capture_default_str();
  bind(exporter, export_args, global, run_export);

  auto embed_args = std::make_shared<RunArgs>();
  CLI::App* embed = app.add_subcommand(
      "embed", "Write a run's embeddings of a split (.npy), with their labels and item indices");
  embed->add_option("run_dir", embed_args->run_dir, "run folder")->required();
  embed->add_option("--split", embed_args->split, "test, valid or train")->capture_default_str();
  embed->add_option("--out", embed_args->out, "embeddings file E.npy (float32 [N, D])")->required();
  embed->add_option("--labels-out", embed_args->labels_out,
                    "labels file (int64 [N]; default E.labels.npy beside --out); E.items.npy "
                    "gets the dataset item index of each row");
  embed->add_option("--checkpoint", embed_args->checkpoint, "best or last")->capture_default_str();
  bind(embed, embed_args, global, run_embed);
}

}  // namespace paradigms::cli
