#include "paradigms/data/csv.h"

#include <csv.h>
#include <fmt/format.h>

#include "paradigms/core/error.h"
#include "paradigms/core/files.h"

namespace paradigms::data {
namespace {

struct ParseState {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
};

void on_field(void* field, std::size_t length, void* data) {
  auto* state = static_cast<ParseState*>(data);
  state->row.emplace_back(static_cast<const char*>(field), length);
}

void on_row(int /*terminator*/, void* data) {
  auto* state = static_cast<ParseState*>(data);
  const bool blank = state->row.size() == 1 && state->row[0].empty();
  if (!state->row.empty() && !blank) state->rows.push_back(std::move(state->row));
  state->row.clear();
}

std::string quote_field(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::optional<std::size_t> CsvTable::column(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  return std::nullopt;
}

std::size_t CsvTable::require_column(const std::string& name, const std::string& source) const {
  if (auto index = column(name)) return *index;
  std::string present;
  for (const auto& column_name : header) present += (present.empty() ? "" : ", ") + column_name;
  throw InputError(fmt::format("CSV file {} has no column {} (columns: {})", in_quotes(source),
                               in_quotes(name), present));
}

CsvTable read_csv(const std::filesystem::path& path) {
  const std::string source = path.string();
  const std::string text = read_text(path);
  csv_parser parser;
  check_input(csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) == 0, "read_csv: libcsv init failed");
  ParseState state;
  const std::size_t parsed = csv_parse(&parser, text.data(), text.size(), on_field, on_row, &state);
  const bool finished = parsed == text.size() && csv_fini(&parser, on_field, on_row, &state) == 0;
  const int error = csv_error(&parser);
  csv_free(&parser);
  if (!finished) {
    throw InputError(fmt::format("CSV file {} is malformed after row {}: {}", in_quotes(source),
                                 state.rows.size(), csv_strerror(error)));
  }
  check_input(!state.rows.empty(),
              "CSV file " + in_quotes(source) + " is empty (expected a header)");
  CsvTable table;
  table.header = std::move(state.rows.front());
  for (auto& name : table.header) {
    if (!name.empty() && name.back() == '\r') name.pop_back();
  }
  for (std::size_t i = 1; i < state.rows.size(); ++i) {
    auto& row = state.rows[i];
    if (row.size() != table.header.size()) {
      throw InputError(fmt::format("CSV file {} row {} has {} field{} (expected {}, as the header)",
                                   in_quotes(source), i + 1, row.size(), row.size() == 1 ? "" : "s",
                                   table.header.size()));
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

void write_csv(const std::filesystem::path& path, const CsvTable& table) {
  std::string text;
  auto append_row = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      text += (i == 0 ? "" : ",") + quote_field(row[i]);
    }
    text += '\n';
  };
  append_row(table.header);
  for (const auto& row : table.rows) append_row(row);
  write_text_atomically(path, text);
}

}  // namespace paradigms::data
