// The helpers behind smtpfixture/printers.h that matchers and failure
// messages are written with. Not part of the API: names here may change
// between releases. Users include <smtpfixture/printers.h>, which includes
// this header after declaring the PrintTo overloads that Show() finds by
// argument-dependent lookup.
#ifndef SMTPFIXTURE_DETAIL_PRINTERS_IMPL_H_
#define SMTPFIXTURE_DETAIL_PRINTERS_IMPL_H_

#include <cstddef>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "smtpfixture/message.h"

namespace smtpfixture::detail {

// How many bytes of a string value failure messages show.
inline constexpr std::size_t kShownValueBytes = 200;

// `text` in double quotes with C-style escapes for quotes, backslashes and
// control characters; valid UTF-8 is kept readable, other bytes are \xNN.
// Longer than `max_bytes`, it is cut (on a character boundary) and followed
// by `... (N bytes)`.
std::string Quote(std::string_view text,
                  std::size_t max_bytes = kShownValueBytes);
// The same escaping without the quotes, for transcript lines.
std::string Escape(std::string_view text,
                   std::size_t max_bytes = kShownValueBytes);

// A session's summary line, then its last `max_lines` transcript lines, one
// per line, each indented by two spaces and prefixed "C: " or "S: ", then
// its violations. Ends with a newline.
void PrintTranscript(const Session& session, std::size_t max_lines,
                     std::ostream* os);

// `{ "a", "b" }`, at most `max_items` of them, then "... (N more)".
template <typename T>
std::string ShowList(const std::vector<T>& items, std::size_t max_items = 10);

// How a value appears in a matcher's explanation.
inline std::string Show(const std::string& text) { return Quote(text); }
template <typename T>
std::string Show(const std::vector<T>& items) {
  return ShowList(items);
}
template <typename T>
std::string Show(const T& value) {
  std::ostringstream os;
  PrintTo(value, &os);
  return os.str();
}

// `{ a, b }` with each element shown by `show`, at most `max_items`.
template <typename Element, typename ShowFn>
std::string JoinShown(const std::vector<Element>& elements, ShowFn show,
                      std::size_t max_items = 10) {
  std::string out = "{";
  for (std::size_t i = 0; i < elements.size() && i < max_items; ++i) {
    out += i == 0 ? " " : ", ";
    out += show(elements[i]);
  }
  if (elements.size() > max_items) {
    out += ", ... (" + std::to_string(elements.size() - max_items) + " more)";
  }
  out += elements.empty() ? "}" : " }";
  return out;
}

template <typename T>
std::string ShowList(const std::vector<T>& items, std::size_t max_items) {
  return JoinShown(
      items, [](const T& item) { return Show(item); }, max_items);
}

}  // namespace smtpfixture::detail

#endif  // SMTPFIXTURE_DETAIL_PRINTERS_IMPL_H_
