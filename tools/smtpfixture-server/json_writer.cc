#include "examples/server/json_writer.h"

#include <cstdio>

// The library's own UTF-8 validation (each maximal invalid subsequence
// becomes one U+FFFD, as Python does), rather than a second copy here.
#include "fixture/mime/charset.h"

namespace server_cli {

std::string JsonString(std::string_view text) {
  const std::string valid = smtpfixture::detail::SanitizeUtf8(text);
  // U+FFFD as SanitizeUtf8 writes it; escaped, so that a replaced byte is
  // visible in a terminal and in a log as well as to a parser.
  constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out = "\"";
  out.reserve(valid.size() + 2);
  for (std::size_t i = 0; i < valid.size(); ++i) {
    const char c = valid[i];
    if (valid.compare(i, kReplacement.size(), kReplacement) == 0) {
      out += "\\ufffd";
      i += kReplacement.size() - 1;
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x",
                    static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string JsonArray(const std::vector<std::string>& rendered_values) {
  std::string out = "[";
  for (std::size_t i = 0; i < rendered_values.size(); ++i) {
    if (i > 0) out += ',';
    out += rendered_values[i];
  }
  return out + "]";
}

std::string JsonStringArray(const std::vector<std::string>& texts) {
  std::vector<std::string> rendered;
  rendered.reserve(texts.size());
  for (const std::string& text : texts) rendered.push_back(JsonString(text));
  return JsonArray(rendered);
}

void JsonObject::Key(std::string_view key) {
  if (!fields_.empty()) fields_ += ',';
  fields_ += JsonString(key);
  fields_ += ':';
}

JsonObject& JsonObject::String(std::string_view key, std::string_view value) {
  Key(key);
  fields_ += JsonString(value);
  return *this;
}

JsonObject& JsonObject::Number(std::string_view key, std::uint64_t value) {
  Key(key);
  fields_ += std::to_string(value);
  return *this;
}

JsonObject& JsonObject::Bool(std::string_view key, bool value) {
  Key(key);
  fields_ += value ? "true" : "false";
  return *this;
}

JsonObject& JsonObject::Null(std::string_view key) {
  Key(key);
  fields_ += "null";
  return *this;
}

JsonObject& JsonObject::Raw(std::string_view key, std::string_view json) {
  Key(key);
  fields_ += json;
  return *this;
}

}  // namespace server_cli
