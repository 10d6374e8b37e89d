#include "bench/case_result.hpp"

namespace qgemv::bench {

std::string_view to_string(Status status) {
  switch (status) {
    case Status::ok: return "ok";
    case Status::skipped: return "skipped";
    case Status::failed: return "failed";
  }
  return "?";
}

}  // namespace qgemv::bench
