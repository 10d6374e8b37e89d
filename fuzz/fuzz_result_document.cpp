// libFuzzer target: compare's reader of result files, through the production path
// (load_result_document), on arbitrary bytes held in a memfd so no disk is touched.
#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "compare/result_document.hpp"
#include "oracle.hpp"

namespace {

using qgemv::fuzz::check;

// What load_result_document promises of a document it accepts.
void check_accepted(const qgemv::compare::ResultDocument& doc, const std::string& path) {
  check(doc.label == path, "the label is not the path");
  for (std::size_t i = 0; i < doc.cases.size(); ++i) {
    const auto& c = doc.cases[i];
    check(c.status == "ok" || c.status == "skipped" || c.status == "failed", "accepted an unknown status");
    for (double s : c.samples_s) check(std::isfinite(s) && s > 0, "accepted a sample that is not positive");
    for (std::size_t j = 0; j < i; ++j) check(!(doc.cases[j].id == c.id), "accepted a repeated case");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const int fd = memfd_create("result.json", MFD_CLOEXEC);
  static const std::string path = "/proc/self/fd/" + std::to_string(fd);
  if (fd < 0 || ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) {
    qgemv::fuzz::bug("cannot write the input into a memfd");
  }
  qgemv::compare::ResultDocument doc;
  if (qgemv::fuzz::accepts([&] { doc = qgemv::compare::load_result_document(path); })) check_accepted(doc, path);
  return 0;
}
