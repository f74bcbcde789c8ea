#pragma once
// Supervision files for metric learning: triplets (a, p, n) meaning d(a, p) < d(a, n), and
// pairs (i, j, ±1). CSV with a header row: `a,p,n` for triplets, `i,j,label` for pairs
// (label 1 or +1 similar, -1 or 0 dissimilar). A cell is a dataset item index (0-based, the
// dataset's item order) or an item's path as the dataset lists it.

#include <array>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace paradigms::data {

struct PairRow {
  std::size_t first = 0, second = 0;
  bool similar = false;
};

/// Reads a triplets file; `item_paths[i]` is item i's path. Throws InputError naming the
/// file, line and cell for a missing column, an index out of range or an unknown path.
std::vector<std::array<std::size_t, 3>> read_triplets_file(
    const std::filesystem::path& path, const std::vector<std::string>& item_paths);

/// Reads a pairs file, as read_triplets_file.
std::vector<PairRow> read_pairs_file(const std::filesystem::path& path,
                                     const std::vector<std::string>& item_paths);

}  // namespace paradigms::data
