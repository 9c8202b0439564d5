#include <gtest/gtest.h>

#include "common/errors.hpp"
#include "io/storage.hpp"

namespace spineload {
namespace {

TEST(Storage, ReadsTheOpenSim4Header) {
  const Storage s = read_storage_text(
      "Results\nversion=1\nnRows=2\nnColumns=3\ninDegrees=no\nendheader\ntime\ta\t/jointset/knee/knee_angle/value\n"
      "0\t1\t2\n0.5\t3\t4\n",
      "r.sto");
  EXPECT_EQ(s.name, "Results");
  ASSERT_TRUE(s.in_degrees.has_value());
  EXPECT_FALSE(*s.in_degrees);
  ASSERT_EQ(s.labels.size(), 2u);
  EXPECT_EQ(coordinate_of_label(s.labels[1]), "knee_angle");
  EXPECT_EQ(coordinate_of_label("/jointset/knee/knee_angle/speed"), "");
  EXPECT_DOUBLE_EQ(s.data(1, 1), 4);
  EXPECT_DOUBLE_EQ(s.time_s[1], 0.5);
}

TEST(Storage, ReadsTheSimmMotionHeaderWithoutUnits) {
  const Storage s = read_storage_text(
      "walk\nnRows=2\nnColumns=2\n\n# SIMM Motion File Header:\nname walk\ndatacolumns 2\ndatarows 2\notherdata 1\n"
      "range 0 1\nendheader\ntime\thip\n 0  10\n 1  20\n",
      "walk.mot");
  EXPECT_FALSE(s.in_degrees.has_value());
  EXPECT_DOUBLE_EQ(s.data(1, 0), 20);
}

TEST(Storage, WritesWhatItReads) {
  Storage s;
  s.name = "x";
  s.in_degrees = false;
  s.labels = {"a", "b"};
  s.time_s = {0, 0.1};
  s.data.resize(2, 2);
  s.data << 1.0 / 3, -2, 1e-17, 4e5;
  const Storage back = read_storage_text(format_storage(s), "x.sto");
  EXPECT_EQ(back.labels, s.labels);
  EXPECT_EQ(back.data, s.data);  // 17 significant digits: exact
}

TEST(Storage, BadRowsNameTheLine) {
  try {
    read_storage_text("x\nendheader\ntime\ta\n0\t1\n1\n", "x.sto");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 5);
  }
  try {
    read_storage_text("x\nendheader\ntime\ta\n0\tnan\n", "x.sto");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "a");
    EXPECT_EQ(e.line(), 4);
  }
  EXPECT_THROW(read_storage_text("no header\n0 1\n", "x.sto"), InputError);
}

// OpenSim keeps rows in any order and repeated times and reads them by time: the reader
// sorts them, keeps the first row of a repeated time, and says so naming the lines.
TEST(Storage, RowsOutOfOrderAndRepeatedTimesAreReadAsOpenSimReadsThem) {
  const Storage s = read_storage_text("x\nendheader\ntime\ta\n0\t1\n0.2\t3\n0.1\t2\n0.2\t9\n", "x.sto");
  EXPECT_EQ(s.time_s, (std::vector<double>{0, 0.1, 0.2}));
  EXPECT_EQ(s.data(1, 0), 2);
  EXPECT_EQ(s.data(2, 0), 3);  // line 5's row, the first at 0.2 s
  EXPECT_EQ(s.row_line, (std::vector<int>{4, 6, 5}));
  ASSERT_EQ(s.warnings.size(), 2u);
  EXPECT_NE(s.warnings[0].find("line 6 goes back to 0.1 s"), std::string::npos) << s.warnings[0];
  EXPECT_NE(s.warnings[1].find("line 7 repeats time 0.2 s of line 5"), std::string::npos) << s.warnings[1];
  EXPECT_TRUE(read_storage_text("x\nendheader\ntime\ta\n0\t1\n0.1\t2\n", "x.sto").warnings.empty());
  // Found by fuzzing: a table of times alone, out of order.
  const Storage times = read_storage_text("endheader\ntime\n6\n5\n6\n", "t.sto");
  EXPECT_EQ(times.time_s, (std::vector<double>{5, 6}));
  EXPECT_EQ(times.data.cols(), 0);
}

}  // namespace
}  // namespace spineload
