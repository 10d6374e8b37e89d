// The check that a device keeps cooperative-matrix fragments in the order coopmat's weights are
// packed in (kernels/fragment_layout.hpp). The probe itself needs NVIDIA's cooperative matrices,
// which CTest's lavapipe lacks: these tests feed the check what the probe would return.
#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <vector>

#include "kernels/fragment_layout.hpp"

namespace qgemv::kernels {
namespace {

struct Cell {
  int row;
  int column;
};
using Order = std::function<Cell(int lane, int element)>;

// The probe's output for a driver that keeps A, B and C fragments in these orders: every tile
// element holds its row-major index.
std::vector<float> probed(const Order& a, const Order& bc) {
  std::vector<float> held(32 * 16);
  for (int lane = 0; lane < 32; ++lane) {
    for (int e = 0; e < 8; ++e) held[lane * 16 + e] = static_cast<float>(a(lane, e).row * 16 + a(lane, e).column);
    for (int e = 0; e < 4; ++e) {
      const float index = static_cast<float>(bc(lane, e).row * 8 + bc(lane, e).column);
      held[lane * 16 + 8 + e] = index;
      held[lane * 16 + 12 + e] = index;
    }
  }
  return held;
}

// NVIDIA's driver on the H200 (probed there, docs/design.md): g = lane / 4, t = lane % 4.
Cell driver_a(int lane, int e) { return {lane / 4 + 8 * (e / 4), 2 * (lane % 4) + e % 2 + 8 * ((e / 2) % 2)}; }
Cell driver_bc(int lane, int e) { return {lane / 4 + 8 * (e / 2), 2 * (lane % 4) + e % 2}; }
// PTX's mma.m16n8k16 fragments, which the driver does not follow: A's elements 2-3 and 4-5 swap
// places, and B is held column by column.
Cell ptx_a(int lane, int e) { return {lane / 4 + 8 * ((e / 2) % 2), 2 * (lane % 4) + e % 2 + 8 * (e / 4)}; }
Cell ptx_b(int lane, int e) { return {2 * (lane % 4) + e % 2 + 8 * (e / 2), lane / 4}; }

TEST(FragmentLayout, TheDriversOrderMatchesThePacking) {
  EXPECT_EQ(fragment_layout_mismatch(probed(driver_a, driver_bc)), "");
}

TEST(FragmentLayout, PtxsOrderOfANamesTheFirstElementOutOfPlace) {
  EXPECT_EQ(fragment_layout_mismatch(probed(ptx_a, driver_bc)),
            "A element 2 of invocation 0 is at row 8, column 0 (coopmat_fragment16 expects row 0, column 8)");
}

TEST(FragmentLayout, BHeldColumnByColumnIsFound) {
  EXPECT_EQ(fragment_layout_mismatch(probed(driver_a, ptx_b)),
            "B element 1 of invocation 0 is at row 1, column 0 (coopmat_fragment16 expects row 0, column 1)");
}

TEST(FragmentLayout, CIsCheckedToo) {
  auto held = probed(driver_a, driver_bc);
  std::swap(held[5 * 16 + 12], held[5 * 16 + 13]);
  EXPECT_EQ(fragment_layout_mismatch(held),
            "C element 0 of invocation 5 is at row 1, column 3 (coopmat_fragment16 expects row 1, column 2)");
}

TEST(FragmentLayout, FragmentsOfAnotherLengthAreMissingElements) {
  auto held = probed(driver_a, driver_bc);
  for (int i = 0; i < 16; ++i) held[i] = -1.0f;
  EXPECT_EQ(fragment_layout_mismatch(held),
            "A element 0 of invocation 0 is missing (the driver's fragment has another length) "
            "(coopmat_fragment16 expects row 0, column 0)");
}

// A driver may hand back anything: values that are no tile index are named as they are, without
// converting them to an integer (undefined for NaN and out-of-range floats; UBSan checks).
TEST(FragmentLayout, ValuesThatAreNoIndexAreNamedAsTheyAre) {
  auto held = probed(driver_a, driver_bc);
  held[0] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(fragment_layout_mismatch(held),
            "A element 0 of invocation 0 is nan (not an element index) (coopmat_fragment16 expects row 0, column 0)");
  held[0] = 0.0f;
  held[1] = 3e9f;
  EXPECT_EQ(fragment_layout_mismatch(held),
            "A element 1 of invocation 0 is 3000000000 (not an element index) (coopmat_fragment16 expects row 0, column 1)");
  held[1] = 300.0f;
  EXPECT_EQ(fragment_layout_mismatch(held),
            "A element 1 of invocation 0 is 300 (not an element index) (coopmat_fragment16 expects row 0, column 1)");
}

TEST(FragmentLayout, AShortAnswerIsAMismatch) {
  EXPECT_EQ(fragment_layout_mismatch(std::vector<float>(100, 0.0f)), "the probe returned 100 values instead of 512");
}

}  // namespace
}  // namespace qgemv::kernels
