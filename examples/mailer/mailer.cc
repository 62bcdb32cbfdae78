#include "mailer/mailer.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <random>
#include <utility>

namespace example {
namespace {

// curl_global_init is not thread-safe on every libcurl, and must run before
// the first easy handle; once per process is enough (it is never undone: the
// process exit reclaims it).
void EnsureCurlInitialized() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Everything one transfer allocates. The easy handle refers to the other
// three, so it is cleaned up first.
struct Transfer {
  CURL* curl = curl_easy_init();
  curl_mime* mime = nullptr;
  curl_slist* headers = nullptr;
  curl_slist* recipients = nullptr;

  Transfer() = default;
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;
  ~Transfer() {
    curl_easy_cleanup(curl);
    curl_mime_free(mime);
    curl_slist_free_all(headers);
    curl_slist_free_all(recipients);
  }
};

// curl_slist_append returns null on failure and leaves the list as it was.
bool Append(curl_slist*& list, const std::string& line) {
  curl_slist* appended = curl_slist_append(list, line.c_str());
  if (appended == nullptr) return false;
  list = appended;
  return true;
}

bool HasLineBreak(const std::string& s) {
  return s.find_first_of("\r\n") != std::string::npos;
}

// A header value must not carry CR or LF: otherwise a subject or address
// taken from user input could inject headers of its own.
std::string FindHeaderProblem(const Mail& mail) {
  if (mail.from.empty()) return "no sender";
  if (mail.to.empty() && mail.cc.empty() && mail.bcc.empty()) {
    return "no recipients";
  }
  if (HasLineBreak(mail.from) || HasLineBreak(mail.subject)) {
    return "line break in a header";
  }
  for (const auto* list : {&mail.to, &mail.cc, &mail.bcc}) {
    for (const std::string& address : *list) {
      if (address.empty() || HasLineBreak(address)) {
        return "empty address or line break in an address";
      }
    }
  }
  for (const MailAttachment& attachment : mail.attachments) {
    if (HasLineBreak(attachment.filename) ||
        HasLineBreak(attachment.content_type)) {
      return "line break in an attachment's name or type";
    }
  }
  return "";
}

std::string Base64(const std::string& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t group = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) {
      group |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    }
    if (i + 2 < bytes.size()) group |= static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(group >> 18) & 63];
    out += kAlphabet[(group >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(group >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[group & 63] : '=';
  }
  return out;
}

// Headers are ASCII (RFC 5322), so UTF-8 text goes in RFC 2047 encoded
// words. Each word stays under the 75-character limit and ends on a UTF-8
// character boundary, as RFC 2047 sections 2 and 5 require, on a line of its
// own so that no header line grows past 78 characters.
std::string EncodeHeaderText(const std::string& text) {
  bool ascii = true;
  for (char c : text) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii) return text;

  constexpr std::size_t kMaxBytesPerWord = 45;  // 60 base64 characters
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = std::min(start + kMaxBytesPerWord, text.size());
    // Back off continuation bytes (10xxxxxx) so no character is split.
    while (end < text.size() && end > start + 1 &&
           (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    // Folded: decoders drop the whitespace between adjacent encoded words.
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(text.substr(start, end - start)) + "?=";
    start = end;
  }
  return out;
}

// "Tue, 01 Oct 2024 09:30:00 +0000", RFC 5322 section 3.3, formatted by hand
// because strftime's %a and %b follow the locale.
std::string Rfc5322Date(std::time_t now) {
  static constexpr std::array<const char*, 7> kDays = {
      "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun",
      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000",
                kDays[utc.tm_wday], utc.tm_mday, kMonths[utc.tm_mon],
                utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
  return buffer;
}

// "<5f0c...e1.1727775000@example.com>": unique without coordination, in the
// sender's domain as RFC 5322 section 3.6.4 recommends.
std::string MakeMessageId(const std::string& from, std::time_t now) {
  static std::mutex mutex;
  static std::mt19937_64 generator{std::random_device{}()};
  std::uint64_t random;
  {
    std::lock_guard<std::mutex> lock(mutex);
    random = generator();
  }
  const std::size_t at = from.rfind('@');
  const std::string domain =
      at == std::string::npos ? "localhost" : from.substr(at + 1);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%016llx.%lld",
                static_cast<unsigned long long>(random),
                static_cast<long long>(now));
  return "<" + std::string(buffer) + "@" + domain + ">";
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// Mail text has CRLF line ends (RFC 5322 section 2.3); callers write "\n".
std::string ToCrlf(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      out += "\r\n";
      ++i;
    } else if (text[i] == '\n' || text[i] == '\r') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  return out;
}

// Quoted-printable keeps text readable and lines short whatever the input.
CURLcode SetText(curl_mimepart* part, const std::string& text,
                 const char* type) {
  const std::string crlf = ToCrlf(text);
  CURLcode rc = curl_mime_data(part, crlf.data(), crlf.size());
  if (rc == CURLE_OK) rc = curl_mime_type(part, type);
  if (rc == CURLE_OK) rc = curl_mime_encoder(part, "quoted-printable");
  return rc;
}

// multipart/mixed [ text | multipart/alternative [ text, html ] ,
//                   attachment, ... ]
CURLcode BuildBody(CURL* curl, const Mail& mail, curl_mime* mime) {
  curl_mimepart* body = curl_mime_addpart(mime);
  if (body == nullptr) return CURLE_OUT_OF_MEMORY;
  CURLcode rc = CURLE_OK;
  if (mail.html.empty()) {
    rc = SetText(body, mail.text, "text/plain; charset=utf-8");
  } else {
    curl_mime* alternative = curl_mime_init(curl);
    if (alternative == nullptr) return CURLE_OUT_OF_MEMORY;
    // Plain text first: the last alternative is the preferred one.
    curl_mimepart* text = curl_mime_addpart(alternative);
    curl_mimepart* html = curl_mime_addpart(alternative);
    rc = text && html ? CURLE_OK : CURLE_OUT_OF_MEMORY;
    if (rc == CURLE_OK) {
      rc = SetText(text, mail.text, "text/plain; charset=utf-8");
    }
    if (rc == CURLE_OK) {
      rc = SetText(html, mail.html, "text/html; charset=utf-8");
    }
    // On success `body` owns `alternative`; otherwise it is still ours.
    if (rc == CURLE_OK) rc = curl_mime_subparts(body, alternative);
    if (rc != CURLE_OK) {
      curl_mime_free(alternative);
      return rc;
    }
    rc = curl_mime_type(body, "multipart/alternative");
  }
  for (const MailAttachment& attachment : mail.attachments) {
    if (rc != CURLE_OK) break;
    curl_mimepart* part = curl_mime_addpart(mime);
    if (part == nullptr) return CURLE_OUT_OF_MEMORY;
    rc = curl_mime_data(part, attachment.bytes.data(), attachment.bytes.size());
    if (rc == CURLE_OK) {
      rc = curl_mime_filename(part, attachment.filename.c_str());
    }
    if (rc == CURLE_OK) {
      rc = curl_mime_type(part, attachment.content_type.empty()
                                    ? "application/octet-stream"
                                    : attachment.content_type.c_str());
    }
    if (rc == CURLE_OK) rc = curl_mime_encoder(part, "base64");
  }
  return rc;
}

SendResult Failure(std::string error) {
  SendResult result;
  result.error = std::move(error);
  return result;
}

// Text into HTML: the five characters with a meaning there.
std::string HtmlEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

Mail PasswordResetMail(const std::string& from, const std::string& to,
                       const std::string& reset_url) {
  Mail mail;
  mail.from = from;
  mail.to = {to};
  mail.subject = "Reset your password";
  mail.text = "Someone asked to reset your password. If it was you, open\n" +
              reset_url + "\nOtherwise, ignore this mail.\n";
  mail.html =
      "<html><body><p>Someone asked to reset your password.</p>\n"
      "<p><a href=\"" +
      HtmlEscape(reset_url) +
      "\" style=\"background:#1a73e8;color:#fff;padding:12px 24px\">"
      "Reset your password</a></p>\n"
      "<p>Otherwise, ignore this mail.</p></body></html>\n";
  return mail;
}

Mailer::Mailer(MailerConfig config) : config_(std::move(config)) {}

SendResult Mailer::Send(const Mail& mail) const {
  if (std::string problem = FindHeaderProblem(mail); !problem.empty()) {
    return Failure("invalid mail: " + problem);
  }
  EnsureCurlInitialized();
  Transfer transfer;
  CURL* curl = transfer.curl;
  if (curl == nullptr) return Failure("curl_easy_init failed");

  // The message header. Bcc is deliberately absent: blind copies appear
  // only in the envelope below.
  const std::time_t now = std::time(nullptr);
  bool headers_ok =
      Append(transfer.headers, "From: " + mail.from) &&
      Append(transfer.headers, "Date: " + Rfc5322Date(now)) &&
      Append(transfer.headers,
             "Message-ID: " + MakeMessageId(mail.from, now)) &&
      Append(transfer.headers, "Subject: " + EncodeHeaderText(mail.subject));
  if (headers_ok && !mail.to.empty()) {
    headers_ok = Append(transfer.headers, "To: " + Join(mail.to));
  }
  if (headers_ok && !mail.cc.empty()) {
    headers_ok = Append(transfer.headers, "Cc: " + Join(mail.cc));
  }
  // The envelope: every recipient, blind copies included.
  for (const auto* list : {&mail.to, &mail.cc, &mail.bcc}) {
    for (const std::string& address : *list) {
      headers_ok = headers_ok && Append(transfer.recipients, address);
    }
  }
  if (!headers_ok) return Failure("out of memory");

  transfer.mime = curl_mime_init(curl);
  if (transfer.mime == nullptr) return Failure("out of memory");
  CURLcode rc = BuildBody(curl, mail, transfer.mime);
  if (rc != CURLE_OK) return Failure(curl_easy_strerror(rc));

  char error_buffer[CURL_ERROR_SIZE] = "";
  // Every option is checked: a libcurl built without SMTP, TLS or SASL
  // refuses the option, and must not end up sending in plaintext.
  auto check = [&rc](CURLcode option_rc) {
    if (rc == CURLE_OK) rc = option_rc;
  };
  check(curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer));
  check(curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L));  // we may be threaded
  check(curl_easy_setopt(curl, CURLOPT_URL, config_.url.c_str()));
  check(curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, config_.timeout_ms));
  // For smtp:// URLs, CURLUSESSL_ALL refuses to go on without STARTTLS.
  // CURLUSESSL_TRY, the opportunistic choice, silently falls back to
  // plaintext when a man in the middle strips STARTTLS from the EHLO reply.
  check(curl_easy_setopt(
      curl, CURLOPT_USE_SSL,
      static_cast<long>(config_.require_tls ? CURLUSESSL_ALL
                                            : CURLUSESSL_TRY)));
  // On by default in libcurl; spelled out because it is the point.
  check(curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L));
  check(curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L));
  if (!config_.ca_file.empty()) {
    check(curl_easy_setopt(curl, CURLOPT_CAINFO, config_.ca_file.c_str()));
  }
  if (!config_.username.empty()) {
    check(curl_easy_setopt(curl, CURLOPT_USERNAME, config_.username.c_str()));
    check(curl_easy_setopt(curl, CURLOPT_PASSWORD, config_.password.c_str()));
  }
  if (!config_.login_options.empty()) {
    check(curl_easy_setopt(curl, CURLOPT_LOGIN_OPTIONS,
                           config_.login_options.c_str()));
  }
  if (!config_.oauth_bearer.empty()) {
    check(curl_easy_setopt(curl, CURLOPT_XOAUTH2_BEARER,
                           config_.oauth_bearer.c_str()));
  }
  check(curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail.from.c_str()));
  // By default libcurl gives up when any recipient is refused, so a 550 for
  // one address fails the whole send instead of dropping that address.
  check(curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, transfer.recipients));
  check(curl_easy_setopt(curl, CURLOPT_HTTPHEADER, transfer.headers));
  check(curl_easy_setopt(curl, CURLOPT_MIMEPOST, transfer.mime));
  if (rc != CURLE_OK) return Failure(curl_easy_strerror(rc));

  rc = curl_easy_perform(curl);

  SendResult result;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.smtp_code);
  result.ok = rc == CURLE_OK;
  if (!result.ok) {
    result.error =
        error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
  }
  return result;
}

SendResult SendWithRetry(const Mailer& mailer, const Mail& mail, int attempts) {
  SendResult result;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    result = mailer.Send(mail);
    const bool transient =
        !result.ok && result.smtp_code >= 400 && result.smtp_code < 500;
    if (!transient) break;
  }
  return result;
}

}  // namespace example
