#pragma once
// CSV tables (RFC 4180 quoting), parsed with libcsv. The first row is the header.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace paradigms::data {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  ///< every row has header.size() fields

  /// Index of column `name`, if present.
  std::optional<std::size_t> column(const std::string& name) const;
  /// Index of column `name`; throws InputError naming `source` and the columns present.
  std::size_t require_column(const std::string& name, const std::string& source) const;
};

/// Reads `path`. Throws InputError naming the file (and the line) for a missing file, a
/// malformed quote, an empty file, or a row whose field count differs from the header's.
/// Blank lines are skipped.
CsvTable read_csv(const std::filesystem::path& path);

/// Writes `table` to `path` atomically, quoting fields that need it.
void write_csv(const std::filesystem::path& path, const CsvTable& table);

}  // namespace paradigms::data
