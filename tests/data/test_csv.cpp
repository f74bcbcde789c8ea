#include <gtest/gtest.h>

#include "paradigms/core/error.h"
#include "paradigms/data/csv.h"
#include "test_util.h"

namespace paradigms::data {
namespace {

using paradigms::testing::TempDir;

TEST(Csv, QuotedFieldsRoundTrip) {
  TempDir dir;
  CsvTable table;
  table.header = {"path", "label"};
  table.rows = {{"a, b.wav", "say \"hi\""}, {"multi\nline.wav", "x;y"}, {"plain.wav", ""}};
  write_csv(dir / "t.csv", table);
  const CsvTable back = read_csv(dir / "t.csv");
  EXPECT_EQ(back.header, table.header);
  EXPECT_EQ(back.rows, table.rows);
}

TEST(Csv, ReadsCrlfAndSkipsBlankLines) {
  TempDir dir;
  testing::write_bytes(dir / "t.csv", "path,label\r\na.wav,x\r\n\r\nb.wav,y\r\n");
  const CsvTable table = read_csv(dir / "t.csv");
  EXPECT_EQ(table.header, (std::vector<std::string>{"path", "label"}));
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[1], (std::vector<std::string>{"b.wav", "y"}));
}

TEST(Csv, BadTablesAreNamed) {
  TempDir dir;
  testing::write_bytes(dir / "ragged.csv", "path,label\na.wav,x\nb.wav\n");
  EXPECT_THROW_WITH(read_csv(dir / "ragged.csv"), InputError, "ragged.csv", "row 3 has 1 field",
                    "expected 2");
  testing::write_bytes(dir / "quote.csv", "path,label\n\"a.wav,x\n");
  EXPECT_THROW_WITH(read_csv(dir / "quote.csv"), InputError, "quote.csv", "malformed");
  testing::write_bytes(dir / "empty.csv", "");
  EXPECT_THROW_WITH(read_csv(dir / "empty.csv"), InputError, "empty.csv", "empty");
}

}  // namespace
}  // namespace paradigms::data
