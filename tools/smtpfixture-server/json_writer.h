// The JSON smtpfixture-server prints: one object per line, built field by
// field. The one place in the tool that writes JSON.
//
//   JsonObject event;
//   event.String("event", "listening").Number("port", 2525);
//   std::cout << event.str() << std::endl;   //
//   {"event":"listening","port":2525}
#ifndef SMTPFIXTURE_TOOLS_SMTPFIXTURE_SERVER_JSON_WRITER_H_
#define SMTPFIXTURE_TOOLS_SMTPFIXTURE_SERVER_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace server_cli {

// `text` as a JSON string literal, quotes included: `"` and `\` escaped,
// control characters as \uXXXX, and bytes that are not UTF-8 (mail and
// transcripts may hold any byte) replaced by \ufffd, so that every line is
// valid JSON a strict parser accepts.
std::string JsonString(std::string_view text);

// An array of already rendered JSON values: `[1,"a",{}]`.
std::string JsonArray(const std::vector<std::string>& rendered_values);
// An array of strings.
std::string JsonStringArray(const std::vector<std::string>& texts);

class JsonObject {
 public:
  JsonObject& String(std::string_view key, std::string_view value);
  JsonObject& Number(std::string_view key, std::uint64_t value);
  JsonObject& Bool(std::string_view key, bool value);
  JsonObject& Null(std::string_view key);
  // A value rendered already (an object, an array).
  JsonObject& Raw(std::string_view key, std::string_view json);

  // The object, "{...}", on one line.
  std::string str() const { return "{" + fields_ + "}"; }

 private:
  void Key(std::string_view key);
  std::string fields_;
};

}  // namespace server_cli

#endif  // SMTPFIXTURE_TOOLS_SMTPFIXTURE_SERVER_JSON_WRITER_H_
