#include "paradigms/data/tuples_file.h"

#include <fmt/format.h>

#include <unordered_map>

#include "paradigms/core/error.h"
#include "paradigms/data/csv.h"

namespace fs = std::filesystem;

namespace paradigms::data {
namespace {

class ItemLookup {
 public:
  ItemLookup(const fs::path& file, const std::vector<std::string>& item_paths)
      : file_(file.string()), count_(item_paths.size()) {
    for (std::size_t i = 0; i < item_paths.size(); ++i) {
      by_path_.emplace(item_paths[i], i);
      std::error_code error;
      const fs::path canonical = fs::weakly_canonical(item_paths[i], error);
      if (!error) by_path_.emplace(canonical.string(), i);
    }
  }

  std::size_t operator()(const std::string& cell, std::size_t line, const char* column) const {
    const auto where = [&] {
      return fmt::format("{} line {} column {}", in_quotes(file_), line, column);
    };
    check_input(!cell.empty(), where() + ": empty cell (expected an item index or path)");
    if (cell.find_first_not_of("0123456789") == std::string::npos) {
      const std::size_t index = std::stoull(cell);
      check_input(index < count_, fmt::format("{}: item index {} is out of range (the dataset "
                                              "has {} items)",
                                              where(), index, count_));
      return index;
    }
    auto found = by_path_.find(cell);
    if (found == by_path_.end()) {
      std::error_code error;
      const fs::path canonical = fs::weakly_canonical(cell, error);
      if (!error) found = by_path_.find(canonical.string());
    }
    check_input(found != by_path_.end(),
                where() + ": " + in_quotes(cell) + " is neither an item index nor a dataset path");
    return found->second;
  }

 private:
  std::string file_;
  std::size_t count_;
  std::unordered_map<std::string, std::size_t> by_path_;
};

}  // namespace

std::vector<std::array<std::size_t, 3>> read_triplets_file(
    const fs::path& path, const std::vector<std::string>& item_paths) {
  const CsvTable table = read_csv(path);
  const std::string source = "triplets file " + in_quotes(path.string());
  const std::size_t a = table.require_column("a", path.string()),
                    p = table.require_column("p", path.string()),
                    n = table.require_column("n", path.string());
  const ItemLookup lookup(path, item_paths);
  std::vector<std::array<std::size_t, 3>> triplets;
  triplets.reserve(table.rows.size());
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    triplets.push_back(
        {lookup(row[a], r + 2, "a"), lookup(row[p], r + 2, "p"), lookup(row[n], r + 2, "n")});
  }
  check_input(!triplets.empty(), source + " holds no triplet");
  return triplets;
}

std::vector<PairRow> read_pairs_file(const fs::path& path,
                                     const std::vector<std::string>& item_paths) {
  const CsvTable table = read_csv(path);
  const std::string source = "pairs file " + in_quotes(path.string());
  const std::size_t i = table.require_column("i", path.string()),
                    j = table.require_column("j", path.string()),
                    label = table.require_column("label", path.string());
  const ItemLookup lookup(path, item_paths);
  std::vector<PairRow> pairs;
  pairs.reserve(table.rows.size());
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    const std::string& value = row[label];
    const bool similar = value == "1" || value == "+1";
    check_input(similar || value == "-1" || value == "0",
                fmt::format("{} line {} column label: expected 1, +1, 0 or -1 (got {})", source,
                            r + 2, in_quotes(value)));
    pairs.push_back({lookup(row[i], r + 2, "i"), lookup(row[j], r + 2, "j"), similar});
  }
  check_input(!pairs.empty(), source + " holds no pair");
  return pairs;
}

}  // namespace paradigms::data
