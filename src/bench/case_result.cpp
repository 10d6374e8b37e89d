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

std::string case_name(const CaseKey& key) {
  return key.shape + "/" + key.kernel + "/" + std::string(to_string(key.dtype)) + "/" +
         std::string(to_string(key.storage));
}

}  // namespace qgemv::bench
