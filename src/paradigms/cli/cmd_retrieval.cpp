// `paradigms retrieval`: retrieval metrics (precision@1, R-precision, MAP@R, mAP, MRR, MR1,
// recall@k) of embeddings with labels, leave-one-out or against a reference set, as JSON.

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "paradigms/cli/commands.h"
#include "paradigms/cli/npy_inputs.h"
#include "paradigms/cli/timing.h"
#include "paradigms/core/error.h"
#include "paradigms/core/memory.h"
#include "paradigms/data/npy_tensor.h"
#include "paradigms/distances/distance.h"
#include "paradigms/eval/retrieval.h"

namespace paradigms::cli {
namespace {

struct RetrievalArgs {
  std::string embeddings, labels, ref_embeddings, ref_labels;
  std::string distance = "euclidean";
  bool no_normalize = false;
  std::vector<std::int64_t> ks = {1, 5, 10};
  std::int64_t chunk_size = eval::RetrievalOptions{}.chunk_size;
  int repeat = 0;
  bool json = false;
};

int run_retrieval(const RetrievalArgs& args, const GlobalOptions& global) {
  prepare_run(global);
  require_cpu(global, "retrieval");
  check_input(args.ref_embeddings.empty() == args.ref_labels.empty(),
              "--ref-embeddings and --ref-labels go together (got only " +
                  std::string(args.ref_embeddings.empty() ? "--ref-labels" : "--ref-embeddings") +
                  ")");
  check_count("--repeat", args.repeat, 0);
  check_input(args.chunk_size >= 1,
              "--chunk-size: expected at least 1 (got " + std::to_string(args.chunk_size) + ")");
  for (const std::int64_t k : args.ks) {
    check_input(k >= 1, "--k: expected every k >= 1 (got " + std::to_string(k) + ")");
  }
  eval::RetrievalOptions options;
  options.distance.kind = parse_flag("--distance", args.distance, distances::parse_distance);
  options.distance.normalize = !args.no_normalize;
  options.recall_ks = args.ks;
  options.chunk_size = args.chunk_size;

  const at::Tensor queries = load_embeddings("--embeddings", args.embeddings);
  const at::Tensor query_labels =
      load_labels("--labels", args.labels, queries.size(0), "--embeddings");
  const bool with_reference = !args.ref_embeddings.empty();
  at::Tensor references, reference_labels;
  if (with_reference) {
    references = load_embeddings("--ref-embeddings", args.ref_embeddings);
    reference_labels =
        load_labels("--ref-labels", args.ref_labels, references.size(0), "--ref-embeddings");
    check_input(references.size(1) == queries.size(1),
                fmt::format("--ref-embeddings {}: expected width {} like --embeddings (got {})",
                            in_quotes(args.ref_embeddings), queries.size(1), references.size(1)));
    check_input(references.scalar_type() == queries.scalar_type(),
                fmt::format("--ref-embeddings {}: expected dtype {} like --embeddings (got {})",
                            in_quotes(args.ref_embeddings), c10::toString(queries.scalar_type()),
                            c10::toString(references.scalar_type())));
  }
  spdlog::debug("retrieval: {}", options.describe());

  const auto evaluate = [&] {
    return with_reference ? eval::retrieval_metrics(queries, query_labels, references,
                                                    reference_labels, options)
                          : eval::retrieval_metrics(queries, query_labels, options);
  };
  const eval::RetrievalReport report = evaluate();
  if (report.queries == 0)
    spdlog::warn("no query has a relevant item (a reference of its class): every metric is null");
  nlohmann::json out = report.to_json();
  if (args.repeat > 0) {
    out["median_ms"] = median_ms(args.repeat, evaluate);
    out["peak_rss_mb"] = peak_rss_mb();
  }
  std::cout << out.dump(args.json ? -1 : 2) << "\n";
  return 0;
}

}  // namespace

void add_retrieval_command(CLI::App& app, std::shared_ptr<GlobalOptions> global) {
  auto args = std::make_shared<RetrievalArgs>();
  CLI::App* command = app.add_subcommand(
      "retrieval",
      "Retrieval metrics of labelled embeddings (precision@1, R-precision, MAP@R, mAP, MRR, MR1, "
      "recall@k) as JSON: leave-one-out, or queries against a reference set");
  command->add_option("--embeddings", args->embeddings, "query embeddings, float .npy [N, D]")
      ->required();
  command->add_option("--labels", args->labels, "query labels, integer .npy [N]")
      ->required();
  command->add_option("--ref-embeddings", args->ref_embeddings,
                      "reference embeddings .npy [M, D] (default: leave-one-out on the queries)");
  command->add_option("--ref-labels", args->ref_labels, "reference labels .npy [M]");
  command->add_option("--distance", args->distance, "euclidean, squared_euclidean, cosine or dot")
      ->capture_default_str();
  command->add_flag("--no-normalize", args->no_normalize,
                    "compare the embeddings as they are (default: L2-normalise rows)");
  command->add_option("--k", args->ks, "the k of recall@k, comma-separated")
      ->delimiter(',')
      ->capture_default_str();
  command->add_option("--chunk-size", args->chunk_size, "queries per block of distances")
      ->capture_default_str();
  command->add_option("--repeat", args->repeat,
                      "evaluate N more times and add median_ms and peak_rss_mb");
  command->add_flag("--json", args->json, "one-line JSON (default: indented JSON)");
  command->callback([args, global] {
    const int code = run_retrieval(*args, *global);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace paradigms::cli
