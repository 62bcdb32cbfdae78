#include "tests/support/capabilities.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <string_view>

#include "fixture/base/ascii_util.h"
#include "tests/support/run_process.h"

namespace smtpfixture::testing {
namespace {

using ::smtpfixture::detail::TrimWsp;

constexpr char kTable[] =
    SMTPFIXTURE_SOURCE_DIR "/tests/support/capabilities.txt";

struct Capability {
  std::string packages;  // Debian packages, space-separated
  std::string what;      // for the message
  std::string check;     // /bin/sh command, exit 0 when present
};

// The rows of capabilities.txt by name. The check is the rest of the line
// after the third "|", so it may contain "|" itself.
std::map<std::string, Capability> ReadTable() {
  std::map<std::string, Capability> table;
  std::ifstream in(kTable);
  std::string line;
  while (std::getline(in, line)) {
    if (TrimWsp(line).empty() || TrimWsp(line).front() == '#') continue;
    std::string_view rest = line;
    std::string_view fields[3];
    bool complete = true;
    for (std::string_view& field : fields) {
      const std::size_t bar = rest.find('|');
      if (bar == std::string_view::npos) {
        complete = false;
        break;
      }
      field = TrimWsp(rest.substr(0, bar));
      rest.remove_prefix(bar + 1);
    }
    if (!complete) continue;
    table[std::string(fields[0])] = {std::string(fields[1]),
                                     std::string(fields[2]),
                                     std::string(TrimWsp(rest))};
  }
  return table;
}

std::string Check(const std::string& name) {
  static const std::map<std::string, Capability> table = ReadTable();
  const auto found = table.find(name);
  if (found == table.end()) {
    return "unknown capability \"" + name + "\": add a row for it to " + kTable;
  }
  const Capability& capability = found->second;
  const ProcessResult result =
      RunProcess({"/bin/sh", "-c", capability.check + " >/dev/null 2>&1"});
  if (result.exit_code == 0) return "";
  return capability.what + " is not available [" + name +
         "]: install the Debian package(s) " + capability.packages +
         " (scripts/install-deps.sh installs them)";
}

}  // namespace

bool ClientsRequired() {
  const char* value = std::getenv("SMTPFIXTURE_REQUIRE_CLIENTS");
  return value != nullptr && std::string(value) == "1";
}

std::string MissingCapability(const std::string& name) {
  // Checks start processes: once per name and process is enough, and tests
  // of one executable may run them from several threads.
  static std::mutex mutex;
  static std::map<std::string, std::string> results;
  const std::lock_guard<std::mutex> lock(mutex);
  const auto found = results.find(name);
  if (found != results.end()) return found->second;
  return results[name] = Check(name);
}

}  // namespace smtpfixture::testing
