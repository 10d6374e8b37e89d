#pragma once

namespace qgemv::cli {

// The whole program; returns the process exit code (docs/design.md, "Exit codes": 0 ok, 1 a case failed, 2 usage).
int run_app(int argc, char** argv);

}  // namespace qgemv::cli
