// Class-balanced (m items per class) batches.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "paradigms/core/error.h"
#include "paradigms/train/samplers.h"
#include "test_util.h"

namespace paradigms::train {
namespace {

struct Labeled {
  std::vector<std::size_t> items;
  std::vector<std::int64_t> labels;
};

// Class c has sizes[c] items; item indices start at 100 so they differ from positions.
Labeled make(const std::vector<std::int64_t>& label_values, const std::vector<int>& sizes) {
  Labeled out;
  for (std::size_t c = 0; c < sizes.size(); ++c) {
    for (int k = 0; k < sizes[c]; ++k) {
      out.items.push_back(100 + out.items.size());
      out.labels.push_back(label_values[c]);
    }
  }
  return out;
}

TEST(ClassBalanced, EveryBatchHasMItemsOfBOverMClasses) {
  // Labels that are not contiguous; 8 classes of 10 items; B = 12, m = 3 -> 4 classes each.
  const Labeled data = make({7, 1000003, 2, 5, 9, 11, 40, 41}, {10, 10, 10, 10, 10, 10, 10, 10});
  std::map<std::size_t, std::int64_t> label_of;
  for (std::size_t i = 0; i < data.items.size(); ++i) label_of[data.items[i]] = data.labels[i];
  const EpochPlan plan = plan_class_balanced_epoch(data.items, data.labels, {12, 3}, 1, 0);
  EXPECT_EQ(plan.size(), 7u);  // ceil(80 / 12)
  std::map<std::int64_t, int> class_visits;
  for (const auto& step : plan) {
    ASSERT_EQ(step.size(), 1u);
    ASSERT_EQ(step[0].size(), 12u);
    std::map<std::int64_t, std::set<std::size_t>> per_class;
    for (std::size_t item : step[0]) per_class[label_of.at(item)].insert(item);
    EXPECT_EQ(per_class.size(), 4u);
    for (const auto& [label, members] : per_class) {
      EXPECT_EQ(members.size(), 3u) << "class " << label << ": m distinct items";
      ++class_visits[label];
    }
  }
  // 7 steps x 4 classes = 28 visits over 8 classes: a shuffled cycle gives each 3 or 4.
  for (const auto& [label, visits] : class_visits) {
    EXPECT_GE(visits, 3);
    EXPECT_LE(visits, 4);
  }
}

TEST(ClassBalanced, SmallClassesAreDrawnWithReplacement) {
  const Labeled data = make({0, 1, 2}, {1, 2, 6});
  const EpochPlan plan = plan_class_balanced_epoch(data.items, data.labels, {12, 4}, 3, 0);
  ASSERT_EQ(plan.size(), 1u);
  std::map<std::size_t, int> counts;
  for (std::size_t item : plan[0][0]) ++counts[item];
  EXPECT_EQ(counts[100], 4);                // the single item of class 0, four times
  EXPECT_EQ(counts[101] + counts[102], 4);  // class 1's two items, four draws
  for (std::size_t item = 103; item < 109; ++item) EXPECT_LE(counts[item], 1);
}

TEST(ClassBalanced, SameSeedAndEpochGiveTheSamePlan) {
  const Labeled data = make({0, 1, 2, 3}, {9, 7, 5, 8});
  const auto a = plan_class_balanced_epoch(data.items, data.labels, {8, 2}, 4, 2);
  const auto b = plan_class_balanced_epoch(data.items, data.labels, {8, 2}, 4, 2);
  const auto c = plan_class_balanced_epoch(data.items, data.labels, {8, 2}, 4, 3);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(ClassBalanced, ClearErrors) {
  const Labeled data = make({0, 1}, {5, 5});
  EXPECT_THROW_WITH(plan_class_balanced_epoch(data.items, data.labels, {10, 3}, 0, 0), ConfigError,
                    "batch_size (10)", "multiple of", "per_class (3)");
  EXPECT_THROW_WITH(plan_class_balanced_epoch(data.items, data.labels, {12, 4}, 0, 0), InputError,
                    "needs 3 classes", "has 2");
}

}  // namespace
}  // namespace paradigms::train
