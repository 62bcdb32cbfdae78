#include "tools/smtpfixture-server/json_writer.h"

#include <cstddef>
#include <cstdio>
#include <utility>

namespace server_cli {
namespace {

// The length of the UTF-8 sequence at text[i] (i < text.size()) and whether
// it is well-formed; an ill-formed one is cut at its "maximal subpart"
// (Unicode 3.9, table 3-7: overlongs, surrogates and code points past
// U+10FFFF are ill-formed), so that one U+FFFD replaces it, as Python's and
// WHATWG's decoders do. The tool's own copy: it may use only the library's
// public headers.
std::pair<std::size_t, bool> Utf8Sequence(std::string_view text,
                                          std::size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) return {1, true};
  int need = 0;
  unsigned char lo = 0x80;  // the second octet is narrowed for E0, ED, F0, F4
  unsigned char hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return {1, false};
  }
  std::size_t j = i + 1;
  for (int k = 0; k < need; ++k, ++j) {
    if (j >= text.size()) return {j - i, false};
    const auto d = static_cast<unsigned char>(text[j]);
    if (d < lo || d > hi) return {j - i, false};
    lo = 0x80;
    hi = 0xBF;
  }
  return {j - i, true};
}

}  // namespace

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  out.reserve(text.size() + 2);
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      // Escaped, so that a replaced byte is visible in a terminal and in a
      // log as well as to a parser.
      const auto [length, valid] = Utf8Sequence(text, i);
      if (valid) {
        out.append(text.substr(i, length));
      } else {
        out += "\\ufffd";
      }
      i += length;
      continue;
    }
    if (c == '"') {
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
    ++i;
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
