// libFuzzer target: the tuning file reader (report::parse_tuning_file) on arbitrary text, and the
// round trip of whatever it accepts through the writer.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "oracle.hpp"
#include "report/tuning_file.hpp"

namespace {

using qgemv::fuzz::check;

// What parse_tuning_file promises of a file it accepts.
void check_accepted(const qgemv::bench::TuningTable& table) {
  for (std::size_t i = 0; i < table.entries().size(); ++i) {
    const auto& key = table.entries()[i].key;
    check(key.n > 0 && key.k > 0 && key.group_size > 0, "accepted a size that is not positive");
    for (std::size_t j = 0; j < i; ++j) check(!(table.entries()[j].key == key), "kept two entries of one key");
  }
  // What the writer makes of it, the reader reads back to the same table.
  const auto again = qgemv::report::parse_tuning_file(qgemv::report::tuning_file_text(table), "rewritten.json");
  check(again.entries().size() == table.entries().size(), "the rewritten file lost or gained entries");
  for (const auto& entry : table.entries()) {
    const auto config = again.find(entry.key);
    check(config.has_value() && *config == entry.config, "the rewritten file changed a configuration");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  qgemv::bench::TuningTable table;
  if (qgemv::fuzz::accepts([&] { table = qgemv::report::parse_tuning_file(text, "fuzz.json"); })) {
    check_accepted(table);
  }
  return 0;
}
