// Triplets and pairs files for metric learning.

#include <gtest/gtest.h>

#include "paradigms/core/error.h"
#include "paradigms/data/tuples_file.h"
#include "test_util.h"

namespace paradigms::data {
namespace {

using paradigms::testing::TempDir;
using paradigms::testing::write_bytes;

const std::vector<std::string> kPaths = {"audio/a.wav", "audio/b.wav", "audio/c.wav",
                                         "audio/d.wav"};

TEST(TuplesFile, TripletsByIndexAndByPath) {
  TempDir dir;
  write_bytes(dir / "t.csv", "a,p,n\n0,1,2\naudio/d.wav,2,audio/a.wav\n");
  const auto triplets = read_triplets_file(dir / "t.csv", kPaths);
  ASSERT_EQ(triplets.size(), 2u);
  EXPECT_EQ(triplets[0], (std::array<std::size_t, 3>{0, 1, 2}));
  EXPECT_EQ(triplets[1], (std::array<std::size_t, 3>{3, 2, 0}));
}

TEST(TuplesFile, Pairs) {
  TempDir dir;
  write_bytes(dir / "p.csv", "i,j,label\n0,1,1\n2,3,-1\n1,3,+1\n0,3,0\n");
  const auto pairs = read_pairs_file(dir / "p.csv", kPaths);
  ASSERT_EQ(pairs.size(), 4u);
  EXPECT_TRUE(pairs[0].similar);
  EXPECT_FALSE(pairs[1].similar);
  EXPECT_TRUE(pairs[2].similar);
  EXPECT_FALSE(pairs[3].similar);
  EXPECT_EQ(pairs[1].first, 2u);
  EXPECT_EQ(pairs[1].second, 3u);
}

TEST(TuplesFile, ErrorsNameTheFileLineAndCell) {
  TempDir dir;
  write_bytes(dir / "range.csv", "a,p,n\n0,1,2\n0,1,9\n");
  EXPECT_THROW_WITH(read_triplets_file(dir / "range.csv", kPaths), InputError, "range.csv",
                    "line 3 column n", "index 9 is out of range", "4 items");
  write_bytes(dir / "path.csv", "a,p,n\n0,missing.wav,2\n");
  EXPECT_THROW_WITH(read_triplets_file(dir / "path.csv", kPaths), InputError, "line 2 column p",
                    "'missing.wav'");
  write_bytes(dir / "cols.csv", "anchor,p,n\n0,1,2\n");
  EXPECT_THROW_WITH(read_triplets_file(dir / "cols.csv", kPaths), InputError, "'a'");
  write_bytes(dir / "label.csv", "i,j,label\n0,1,yes\n");
  EXPECT_THROW_WITH(read_pairs_file(dir / "label.csv", kPaths), InputError, "line 2",
                    "expected 1, +1, 0 or -1", "'yes'");
  write_bytes(dir / "empty.csv", "a,p,n\n");
  EXPECT_THROW_WITH(read_triplets_file(dir / "empty.csv", kPaths), InputError, "no triplet");
}

}  // namespace
}  // namespace paradigms::data
