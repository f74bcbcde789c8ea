#include "paradigms/eval/retrieval.h"

#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "paradigms/core/error.h"

namespace paradigms::eval {
namespace {

constexpr const char* kFunction = "retrieval_metrics";

void check_embeddings(const char* argument, const at::Tensor& embeddings) {
  check_input(embeddings.defined(), fmt::format("{}: {} is undefined", kFunction, argument));
  check_input(embeddings.dim() == 2, fmt::format("{}: {} must be [N, D] (got shape {})", kFunction,
                                                 argument, distances::shape_text(embeddings)));
  const c10::ScalarType dtype = embeddings.scalar_type();
  check_input(dtype == at::kFloat || dtype == at::kDouble,
              fmt::format("{}: {} must be float32 or float64 (got {})", kFunction, argument,
                          c10::toString(dtype)));
  check_input(at::isfinite(embeddings).all().item<bool>(),
              fmt::format("{}: {} must be finite (got NaN or infinity)", kFunction, argument));
}

/// The labels as int64 on the CPU, checked to hold one entry per row of `embeddings`.
std::vector<std::int64_t> checked_labels(const char* argument, const at::Tensor& labels,
                                         const char* embeddings_argument, std::int64_t rows) {
  check_input(labels.defined(), fmt::format("{}: {} is undefined", kFunction, argument));
  check_input(labels.dim() == 1, fmt::format("{}: {} must be [N] (got shape {})", kFunction,
                                             argument, distances::shape_text(labels)));
  check_input(c10::isIntegralType(labels.scalar_type(), /*includeBool=*/false),
              fmt::format("{}: {} must hold integers (got {})", kFunction, argument,
                          c10::toString(labels.scalar_type())));
  check_input(labels.size(0) == rows,
              fmt::format("{}: {} must have {} entries, one per row of {} (got {})", kFunction,
                          argument, rows, embeddings_argument, labels.size(0)));
  const at::Tensor cpu = labels.to(at::kCPU, at::kLong).contiguous();
  const std::int64_t* values = cpu.data_ptr<std::int64_t>();
  return std::vector<std::int64_t>(values, values + cpu.numel());
}

/// Labels as dense class ids, and the references of each class in ascending index order.
struct ClassIndex {
  std::vector<std::int32_t> reference_class;  // [M]
  std::vector<std::int64_t> offsets;          // [C + 1]: class c owns members[offsets[c]..)
  std::vector<std::int64_t> members;          // [M]
  std::vector<std::int32_t> query_class;      // [N]; -1 when no reference has the label
};

ClassIndex index_classes(const std::vector<std::int64_t>& query_labels,
                         const std::vector<std::int64_t>& reference_labels) {
  std::vector<std::int64_t> values = reference_labels;
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  const auto class_of = [&values](std::int64_t label) -> std::int32_t {
    const auto found = std::lower_bound(values.begin(), values.end(), label);
    if (found == values.end() || *found != label) return -1;
    return static_cast<std::int32_t>(found - values.begin());
  };

  ClassIndex index;
  index.reference_class.resize(reference_labels.size());
  index.offsets.assign(values.size() + 1, 0);
  for (std::size_t j = 0; j < reference_labels.size(); ++j) {
    index.reference_class[j] = class_of(reference_labels[j]);
    ++index.offsets[static_cast<std::size_t>(index.reference_class[j]) + 1];
  }
  for (std::size_t c = 0; c < values.size(); ++c) index.offsets[c + 1] += index.offsets[c];
  index.members.resize(reference_labels.size());
  std::vector<std::int64_t> next(index.offsets.begin(), index.offsets.end() - 1);
  for (std::size_t j = 0; j < reference_labels.size(); ++j) {
    const auto c = static_cast<std::size_t>(index.reference_class[j]);
    index.members[static_cast<std::size_t>(next[c]++)] = static_cast<std::int64_t>(j);
  }
  index.query_class.resize(query_labels.size());
  for (std::size_t i = 0; i < query_labels.size(); ++i) {
    index.query_class[i] = class_of(query_labels[i]);
  }
  return index;
}

// Sort keys: (closeness, reference index) in one totally ordered value, so that ties in
// distance fall to the lower index. IEEE bits are mapped to unsigned integers that order as the
// floats do (negatives flipped, positives above them); -0.0 is first turned into +0.0 so that
// it ties with +0.0 instead of preceding it.
std::uint32_t orderable_bits(float value) {
  value += 0.0f;  // -0.0 + 0.0 = +0.0 under round-to-nearest
  std::uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  return (bits & 0x80000000u) != 0 ? ~bits : (bits | 0x80000000u);
}

std::uint64_t orderable_bits(double value) {
  value += 0.0;
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  return (bits & 0x8000000000000000ull) != 0 ? ~bits : (bits | 0x8000000000000000ull);
}

template <typename Scalar>
struct RankKey;

// float32: 32 bits of closeness above 32 bits of index, compared as one integer.
template <>
struct RankKey<float> {
  using type = std::uint64_t;
  static type make(float closeness, std::int64_t index) {
    return (static_cast<std::uint64_t>(orderable_bits(closeness)) << 32) |
           static_cast<std::uint32_t>(index);
  }
  static std::int64_t index_of(type key) { return static_cast<std::int64_t>(key & 0xffffffffu); }
};

// float64: the closeness needs all 64 bits, so the index sits beside it.
struct DoubleKey {
  std::uint64_t closeness;
  std::uint32_t index;
  bool operator<(const DoubleKey& other) const {
    return closeness < other.closeness || (closeness == other.closeness && index < other.index);
  }
};

template <>
struct RankKey<double> {
  using type = DoubleKey;
  static type make(double closeness, std::int64_t index) {
    return {orderable_bits(closeness), static_cast<std::uint32_t>(index)};
  }
  static std::int64_t index_of(const type& key) { return key.index; }
};

/// The number of entries of sorted[0..size) below `key`; branch-free, as the comparisons are
/// unpredictable.
template <typename Key>
std::size_t count_below(const Key* sorted, std::size_t size, const Key& key) {
  if (size == 0) return 0;
  const Key* base = sorted;
  while (size > 1) {
    const std::size_t half = size / 2;
    base = base[half - 1] < key ? base + half : base;
    size -= half;
  }
  return static_cast<std::size_t>(base - sorted) + (*base < key ? 1 : 0);
}

struct QueryResult {
  bool evaluated = false;
  double r_precision = 0.0;
  double map_at_r = 0.0;
  double average_precision = 0.0;
  std::int64_t first_rank = 0;  // 1-based rank of the first relevant reference
};

/// Buffers one thread reuses from query to query.
template <typename Scalar>
struct Scratch {
  std::vector<typename RankKey<Scalar>::type> relevant;  // sorted keys of the relevant ones
  std::vector<std::int64_t> counts;                      // see rank_query
  std::vector<std::int64_t> bucket_start;                // see rank_query
  std::vector<std::int64_t> slot_count;                  // see rank_query
  std::vector<std::int32_t> slots;                       // [M]
  std::vector<std::int64_t> searched;                    // [M]
};

/// Buckets per relevant reference: more make fewer references need an exact comparison.
constexpr std::int64_t kBucketsPerRelevant = 4;

/// One query's ranks of its relevant references, from its row of distances (or similarities,
/// `sign` = -1 turning them into closeness) to all M references.
template <typename Scalar>
QueryResult rank_query(const Scalar* row, std::int64_t reference_count, const ClassIndex& index,
                       std::int32_t query_class, std::int64_t excluded, Scalar sign,
                       Scratch<Scalar>& scratch) {
  using Keys = RankKey<Scalar>;
  QueryResult result;
  if (query_class < 0) return result;
  auto& relevant = scratch.relevant;
  relevant.clear();
  const auto c = static_cast<std::size_t>(query_class);
  for (std::int64_t m = index.offsets[c]; m < index.offsets[c + 1]; ++m) {
    const std::int64_t j = index.members[static_cast<std::size_t>(m)];
    if (j != excluded) relevant.push_back(Keys::make(sign * row[j], j));
  }
  const auto r = static_cast<std::int64_t>(relevant.size());
  if (r == 0) return result;
  std::sort(relevant.begin(), relevant.end());

  // Placing each irrelevant reference among the sorted relevant ones by binary search costs
  // log R dependent loads and mispredicted branches; buckets make it a few branch-free steps.
  // B = 4R buckets split [lowest, highest] of the relevant closeness evenly and bucket_start[t]
  // counts the relevant references in buckets below t. The bucket is a monotone function of the
  // closeness (a clamped floor of a difference times a positive scale), so relevant references
  // in lower buckets are certainly closer and those in higher ones certainly farther, whatever
  // the rounding; only a reference sharing its bucket with relevant ones needs an exact
  // comparison of keys. Slot 0 holds references closer than every relevant one, slot t + 1
  // bucket t and slot B + 1 those farther than all. Without a usable scale (a single value, or
  // infinities) every reference within the range shares bucket 0: a plain binary search.
  const Scalar lowest = sign * row[Keys::index_of(relevant.front())];
  const Scalar highest = sign * row[Keys::index_of(relevant.back())];
  const std::int64_t buckets = std::min<std::int64_t>(kBucketsPerRelevant * r, 1 << 30);
  Scalar scale = 0;
  if (std::isfinite(lowest) && std::isfinite(highest) && highest > lowest) {
    scale = static_cast<Scalar>(buckets) / (highest - lowest);
    if (!std::isfinite(scale)) scale = 0;
  }
  const auto last_bucket = static_cast<Scalar>(buckets - 1);
  const auto after_all = static_cast<std::int32_t>(buckets + 1);
  std::vector<std::int32_t>& slots = scratch.slots;
  slots.resize(static_cast<std::size_t>(reference_count));
  // A separate loop without stores that depend on each other, so that it vectorises.
  if (scale > 0) {
    for (std::int64_t j = 0; j < reference_count; ++j) {
      const Scalar closeness = sign * row[j];
      const Scalar position =
          std::max(Scalar(0), std::min((closeness - lowest) * scale, last_bucket));
      const auto inside = static_cast<std::int32_t>(position) + 1;
      slots[static_cast<std::size_t>(j)] =
          closeness < lowest ? 0 : (closeness > highest ? after_all : inside);
    }
  } else {
    for (std::int64_t j = 0; j < reference_count; ++j) {
      const Scalar closeness = sign * row[j];
      slots[static_cast<std::size_t>(j)] =
          closeness < lowest ? 0 : (closeness > highest ? after_all : 1);
    }
  }

  std::vector<std::int64_t>& bucket_start = scratch.bucket_start;
  bucket_start.assign(static_cast<std::size_t>(buckets + 1), 0);
  for (const auto& key : relevant) {
    ++bucket_start[static_cast<std::size_t>(slots[static_cast<std::size_t>(Keys::index_of(key))])];
  }
  for (std::int64_t t = 0; t < buckets; ++t) {
    bucket_start[static_cast<std::size_t>(t + 1)] += bucket_start[static_cast<std::size_t>(t)];
  }

  // Every reference is counted in its slot, and those in a bucket with relevant ones are
  // listed for the exact comparison (branch-free: the list grows by 0 or 1).
  std::vector<std::int64_t>& slot_count = scratch.slot_count;
  slot_count.assign(static_cast<std::size_t>(buckets + 2), 0);
  std::vector<std::int64_t>& searched = scratch.searched;
  searched.resize(static_cast<std::size_t>(reference_count));
  std::size_t searched_count = 0;
  for (std::int64_t j = 0; j < reference_count; ++j) {
    const auto slot = static_cast<std::size_t>(slots[static_cast<std::size_t>(j)]);
    ++slot_count[slot];
    searched[searched_count] = j;
    const bool shared = slot >= 1 && slot <= static_cast<std::size_t>(buckets) &&
                        bucket_start[slot] > bucket_start[slot - 1];
    searched_count += shared ? 1 : 0;
  }
  // The query's class (its relevant references and, leave-one-out, the query itself) is not
  // irrelevant: take it out again.
  for (std::int64_t m = index.offsets[c]; m < index.offsets[c + 1]; ++m) {
    const std::int64_t j = index.members[static_cast<std::size_t>(m)];
    --slot_count[static_cast<std::size_t>(slots[static_cast<std::size_t>(j)])];
  }

  // counts[b]: irrelevant references closer than relevant b, b + 1, .. but not b - 1. Those
  // farther than every relevant one change no rank and are not counted.
  std::vector<std::int64_t>& counts = scratch.counts;
  counts.assign(static_cast<std::size_t>(r + 1), 0);
  counts[0] += slot_count[0];
  for (std::int64_t t = 0; t < buckets; ++t) {
    counts[static_cast<std::size_t>(bucket_start[static_cast<std::size_t>(t)])] +=
        slot_count[static_cast<std::size_t>(t + 1)];
  }
  const std::int32_t* reference_class = index.reference_class.data();
  for (std::size_t listed = 0; listed < searched_count; ++listed) {
    const std::int64_t j = searched[listed];
    if (reference_class[j] == query_class) continue;
    const auto slot = static_cast<std::size_t>(slots[static_cast<std::size_t>(j)]);
    const std::int64_t first = bucket_start[slot - 1];
    const std::size_t closer_in_bucket =
        count_below(relevant.data() + first, static_cast<std::size_t>(bucket_start[slot] - first),
                    Keys::make(sign * row[j], j));
    if (closer_in_bucket > 0) {
      --counts[static_cast<std::size_t>(first)];
      ++counts[static_cast<std::size_t>(first) + closer_in_bucket];
    }
  }

  std::int64_t irrelevant_before = 0;
  std::int64_t in_top_r = 0;
  double precision_sum_top_r = 0.0;
  double precision_sum = 0.0;
  for (std::int64_t i = 0; i < r; ++i) {
    irrelevant_before += counts[static_cast<std::size_t>(i)];
    const std::int64_t rank = i + 1 + irrelevant_before;
    const double precision = static_cast<double>(i + 1) / static_cast<double>(rank);
    if (i == 0) result.first_rank = rank;
    if (rank <= r) {
      ++in_top_r;
      precision_sum_top_r += precision;
    }
    precision_sum += precision;
  }
  result.evaluated = true;
  result.r_precision = static_cast<double>(in_top_r) / static_cast<double>(r);
  result.map_at_r = precision_sum_top_r / static_cast<double>(r);
  result.average_precision = precision_sum / static_cast<double>(r);
  return result;
}

/// Ranks one block of queries [start, start + rows) against all references.
template <typename Scalar>
void rank_block(const at::Tensor& block, std::int64_t start, const ClassIndex& index,
                bool leave_one_out, Scalar sign, std::vector<QueryResult>& results) {
  const std::int64_t rows = block.size(0);
  const std::int64_t reference_count = block.size(1);
  const Scalar* data = block.data_ptr<Scalar>();
  // Queries are handed out a few at a time from a shared counter rather than split in equal
  // halves up front: when the machine is busy and one thread is descheduled, the others take
  // over its share instead of waiting for it. Which thread ranks a query changes no result.
  constexpr std::int64_t kQueriesPerGrab = 8;
  std::atomic<std::int64_t> next_row{0};
  const std::int64_t workers =
      std::min<std::int64_t>(at::get_num_threads(), (rows + kQueriesPerGrab - 1) / kQueriesPerGrab);
  at::parallel_for(0, workers, 1, [&](std::int64_t, std::int64_t) {
    Scratch<Scalar> scratch;
    for (;;) {
      const std::int64_t begin = next_row.fetch_add(kQueriesPerGrab);
      if (begin >= rows) break;
      const std::int64_t end = std::min(rows, begin + kQueriesPerGrab);
      for (std::int64_t row = begin; row < end; ++row) {
        const std::int64_t query = start + row;
        results[static_cast<std::size_t>(query)] =
            rank_query<Scalar>(data + row * reference_count, reference_count, index,
                               index.query_class[static_cast<std::size_t>(query)],
                               leave_one_out ? query : -1, sign, scratch);
      }
    }
  });
}

RetrievalReport summarize(const std::vector<QueryResult>& results,
                          const std::vector<std::int64_t>& recall_ks) {
  RetrievalReport report;
  double precision_at_1 = 0.0, r_precision = 0.0, map_at_r = 0.0, map = 0.0, mrr = 0.0, mr1 = 0.0;
  std::vector<std::int64_t> recall_hits(recall_ks.size(), 0);
  // In query order, so the sums do not depend on the thread count.
  for (const QueryResult& result : results) {
    if (!result.evaluated) {
      ++report.queries_without_relevant;
      continue;
    }
    ++report.queries;
    precision_at_1 += result.first_rank == 1 ? 1.0 : 0.0;
    r_precision += result.r_precision;
    map_at_r += result.map_at_r;
    map += result.average_precision;
    mrr += 1.0 / static_cast<double>(result.first_rank);
    mr1 += static_cast<double>(result.first_rank);
    for (std::size_t k = 0; k < recall_ks.size(); ++k) {
      if (result.first_rank <= recall_ks[k]) ++recall_hits[k];
    }
  }
  const double n = static_cast<double>(report.queries);
  const auto mean = [&](double sum) {
    return report.queries > 0 ? sum / n : RetrievalReport::kNaN;
  };
  report.precision_at_1 = mean(precision_at_1);
  report.r_precision = mean(r_precision);
  report.map_at_r = mean(map_at_r);
  report.map = mean(map);
  report.mrr = mean(mrr);
  report.mr1 = mean(mr1);
  for (std::size_t k = 0; k < recall_ks.size(); ++k) {
    report.recall_at_k[recall_ks[k]] = mean(static_cast<double>(recall_hits[k]));
  }
  return report;
}

RetrievalReport evaluate(const at::Tensor& queries, const std::vector<std::int64_t>& query_labels,
                         const at::Tensor& references,
                         const std::vector<std::int64_t>& reference_labels, bool leave_one_out,
                         const RetrievalOptions& options) {
  const ClassIndex index = index_classes(query_labels, reference_labels);
  const std::int64_t query_count = queries.size(0);
  std::vector<QueryResult> results(static_cast<std::size_t>(query_count));

  // Normalise once, not once per block.
  const at::Tensor prepared_references = distances::prepare(references, options.distance);
  const at::Tensor prepared_queries =
      leave_one_out ? prepared_references : distances::prepare(queries, options.distance);
  distances::DistanceOptions raw = options.distance;
  raw.normalize = false;
  const bool similarity = distances::is_similarity(options.distance.kind);

  for (std::int64_t start = 0; start < query_count; start += options.chunk_size) {
    const std::int64_t rows = std::min(options.chunk_size, query_count - start);
    const at::Tensor block =
        distances::pairwise(prepared_queries.narrow(0, start, rows), prepared_references, raw)
            .to(at::kCPU)
            .contiguous();
    // Finite embeddings can still overflow, e.g. dot products of huge unnormalised rows.
    check_input(!at::isnan(block).any().item<bool>(),
                fmt::format("{}: the {} between queries and references is NaN (embeddings too "
                            "large for this distance?)",
                            kFunction, distances::to_string(options.distance.kind)));
    if (block.scalar_type() == at::kDouble) {
      rank_block<double>(block, start, index, leave_one_out, similarity ? -1.0 : 1.0, results);
    } else {
      rank_block<float>(block.to(at::kFloat), start, index, leave_one_out,
                        similarity ? -1.0f : 1.0f, results);
    }
  }
  return summarize(results, options.recall_ks);
}

void check_reference_count(const char* argument, std::int64_t count) {
  // Indices travel in 32 bits inside the sort keys.
  check_input(count <= static_cast<std::int64_t>(std::numeric_limits<std::uint32_t>::max()),
              fmt::format("{}: {} may hold at most {} rows (got {})", kFunction, argument,
                          std::numeric_limits<std::uint32_t>::max(), count));
}

}  // namespace

void RetrievalOptions::validate() const {
  check_input(chunk_size >= 1,
              fmt::format("{}: chunk_size must be at least 1 (got {})", kFunction, chunk_size));
  for (const std::int64_t k : recall_ks) {
    check_input(k >= 1,
                fmt::format("{}: every recall_ks entry must be at least 1 (got {})", kFunction, k));
  }
}

std::string RetrievalOptions::describe() const {
  return fmt::format("{}, recall@k {}, chunk {}", distance.describe(), fmt::join(recall_ks, ","),
                     chunk_size);
}

nlohmann::json RetrievalReport::to_json() const {
  const auto number = [](double value) {
    return std::isnan(value) ? nlohmann::json(nullptr) : nlohmann::json(value);
  };
  nlohmann::json recall = nlohmann::json::object();
  for (const auto& [k, value] : recall_at_k) recall[std::to_string(k)] = number(value);
  return {{"precision_at_1", number(precision_at_1)},
          {"r_precision", number(r_precision)},
          {"map_at_r", number(map_at_r)},
          {"map", number(map)},
          {"mrr", number(mrr)},
          {"mr1", number(mr1)},
          {"recall_at_k", recall},
          {"queries", queries},
          {"queries_without_relevant", queries_without_relevant}};
}

RetrievalReport retrieval_metrics(const at::Tensor& embeddings, const at::Tensor& labels,
                                  const RetrievalOptions& options) {
  options.validate();
  check_embeddings("embeddings", embeddings);
  check_reference_count("embeddings", embeddings.size(0));
  const std::vector<std::int64_t> label_values =
      checked_labels("labels", labels, "embeddings", embeddings.size(0));
  return evaluate(embeddings, label_values, embeddings, label_values, /*leave_one_out=*/true,
                  options);
}

RetrievalReport retrieval_metrics(const at::Tensor& queries, const at::Tensor& query_labels,
                                  const at::Tensor& references, const at::Tensor& reference_labels,
                                  const RetrievalOptions& options) {
  options.validate();
  check_embeddings("queries", queries);
  check_embeddings("references", references);
  check_reference_count("references", references.size(0));
  check_input(
      queries.size(1) == references.size(1),
      fmt::format("{}: queries and references must have the same width D (got {} and "
                  "{})",
                  kFunction, distances::shape_text(queries), distances::shape_text(references)));
  check_input(
      queries.scalar_type() == references.scalar_type(),
      fmt::format("{}: queries and references must have the same dtype (got {} and {})", kFunction,
                  c10::toString(queries.scalar_type()), c10::toString(references.scalar_type())));
  check_input(queries.device() == references.device(),
              fmt::format("{}: queries and references must be on the same device (got {} and {})",
                          kFunction, queries.device().str(), references.device().str()));
  const std::vector<std::int64_t> query_values =
      checked_labels("query_labels", query_labels, "queries", queries.size(0));
  const std::vector<std::int64_t> reference_values =
      checked_labels("reference_labels", reference_labels, "references", references.size(0));
  return evaluate(queries, query_values, references, reference_values, /*leave_one_out=*/false,
                  options);
}

}  // namespace paradigms::eval
