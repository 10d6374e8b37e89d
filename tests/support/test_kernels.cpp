// Linked into the test executables and qgemv-bench-test-kernels only (tests/CMakeLists.txt): adds
// the test-only kernels' SPIR-V, so the kernel table offers them there and nowhere else.
#include "kernels/kernel_table.hpp"

namespace qgemv::embedded {
const Table& test_spirv_modules();  // generated: build/generated/embedded_test_spirv.cpp
}

namespace {
[[maybe_unused]] const bool registered = qgemv::kernels::register_test_modules(qgemv::embedded::test_spirv_modules());
}
