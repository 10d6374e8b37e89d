#pragma once

namespace qgemv::cli {

// `qgemv-bench list-kernels`: every kernel of this binary from its declaration; returns 0.
int list_kernels_command();

}  // namespace qgemv::cli
