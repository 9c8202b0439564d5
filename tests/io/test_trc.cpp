#include <gtest/gtest.h>

#include "common/errors.hpp"
#include "io/trc.hpp"

namespace spineload {
namespace {

TEST(Trc, ReadsMarkersInMetresAndKeepsGaps) {
  const std::string trc =
      "PathFileType\t4\t(X/Y/Z)\twalk.trc\n"
      "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames\n"
      "100\t100\t2\t2\tmm\t100\t1\t2\n"
      "Frame#\tTime\tRASI\t\t\tLASI\t\t\n"
      "\t\tX1\tY1\tZ1\tX2\tY2\tZ2\n"
      "1\t0.00\t100\t900\t120\t100\t900\t-120\n"
      "2\t0.01\t101\t901\t121\t\t\t\n";
  const MarkerTrajectories t = read_trc_text(trc, "walk.trc");
  EXPECT_DOUBLE_EQ(t.data_rate_hz, 100);
  ASSERT_EQ(t.markers.size(), 2u);
  EXPECT_EQ(t.markers[1], "LASI");
  EXPECT_DOUBLE_EQ(t.xyz_m(1, 1), 0.901);
  EXPECT_TRUE(t.present[1][0]);
  EXPECT_FALSE(t.present[1][1]);  // a gap stays a gap
  EXPECT_THROW(read_trc_text("hello\n", "x.trc"), InputError);
}

}  // namespace
}  // namespace spineload
