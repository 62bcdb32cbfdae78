// ReceivedMessage::Links() and HasLink: the extractor on its own, then whole
// messages as mailers write them, read through the MIME reader.
#include "fixture/mime/links.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fixture/message/message_record.h"
#include "smtpfixture/matchers.h"
#include "smtpfixture/message.h"
#include "tests/support/crlf.h"

namespace smtpfixture {
namespace {

using detail::HtmlLinks;
using detail::TextLinks;
using ::testing::DescribeMatcher;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;
using ::testing::StringMatchResultListener;

using ::smtpfixture::testing::Crlf;

ReceivedMessage Message(std::string_view lf_data) {
  auto record = std::make_shared<detail::MessageRecord>();
  record->id = 1;
  record->data = Crlf(lf_data);
  return ReceivedMessage(record);
}

template <typename M>
std::string Explain(const M& matcher, const ReceivedMessage& message) {
  StringMatchResultListener listener;
  ::testing::ExplainMatchResult(matcher, message, &listener);
  return listener.str();
}

// ---------------------------------------------------------------------------
// HTML.

TEST(HtmlLinksTest, ReadsEveryQuotingStyleAndCase) {
  EXPECT_THAT(HtmlLinks("<a href=\"https://a.example/1\">one</a>"
                        "<A HREF='https://a.example/2'>two</A>"
                        "<a\nclass=x href=https://a.example/3>three</a>"
                        "<Area shape=rect Href = \"https://a.example/4\">"
                        "<a title=\"&lt;a href=&quot;no&quot;&gt;\" "
                        "href=\"https://a.example/5\">five</a>"),
              ElementsAre("https://a.example/1", "https://a.example/2",
                          "https://a.example/3", "https://a.example/4",
                          "https://a.example/5"));
}

TEST(HtmlLinksTest, DecodesCharacterReferences) {
  EXPECT_THAT(HtmlLinks("<a href=\"https://a.example/?a=1&amp;b=2&AMP;c=3\">"
                        "<a href=\"https&#58;//a.example/&#x65;&#X66;&#103\">"
                        "<a href=\"x&lt;&gt;&quot;&apos;&nbsp;y\">"
                        "<a href=\"&eacute;&amp &#;&#xZ;&#0;&#1114112;\">"),
              ElementsAre("https://a.example/?a=1&b=2&c=3",
                          "https://a.example/efg", "x<>\"'\xC2\xA0y",
                          "&eacute;&amp &#;&#xZ;\xEF\xBF\xBD\xEF\xBF\xBD"));
}

TEST(HtmlLinksTest, TrimsWhitespaceAndKeepsEmptyHrefs) {
  EXPECT_THAT(HtmlLinks("<a href=\"  https://a.example/x\n\t\">"
                        "<a href=\"\">empty</a><a name=\"top\">no href</a>"),
              ElementsAre("https://a.example/x", ""));
}

TEST(HtmlLinksTest, SkipsCommentsScriptsStylesAndOtherTags) {
  EXPECT_THAT(
      HtmlLinks("<!DOCTYPE html><!-- <a href=\"https://a.example/old\"> -->"
                "<script>document.write('<a href=\"https://a.example/js\">')"
                "</SCRIPT >"
                "<style>a[href=\"https://a.example/css\"] {}</style>"
                "<link href=\"https://a.example/style.css\">"
                "<img src=\"https://a.example/pixel.gif\">"
                "<abbr href=\"https://a.example/abbr\">"
                "<a href=\"https://a.example/real\" href=\"second\">"
                "<p>a < b</p></a>"),
      ElementsAre("https://a.example/real"));
}

// HTML's tokenizer ends a comment at "<!-->", "<!--->", "-->" and "--!>": a
// browser shows the link that follows each of them.
TEST(HtmlLinksTest, EndsCommentsWhereBrowsersDo) {
  EXPECT_THAT(HtmlLinks("<!--><a href=\"http://a.example/1\">"),
              ElementsAre("http://a.example/1"));
  EXPECT_THAT(HtmlLinks("<!---><a href=\"http://a.example/2\">"),
              ElementsAre("http://a.example/2"));
  EXPECT_THAT(HtmlLinks("<!----><a href=\"http://a.example/3\">"),
              ElementsAre("http://a.example/3"));
  EXPECT_THAT(HtmlLinks("<!-- x --!><a href=\"http://a.example/4\">"),
              ElementsAre("http://a.example/4"));
  // Still comments: what is inside them is no link.
  EXPECT_THAT(HtmlLinks("<!-- -> <a href=\"http://a.example/5\"> -- > -->"),
              IsEmpty());
  EXPECT_THAT(HtmlLinks("<!--- <a href=\"http://a.example/6\"> --->"),
              IsEmpty());
  EXPECT_THAT(HtmlLinks("<!-- - > <a href=\"http://a.example/7\"> --!-->"),
              IsEmpty());
}

// Outlook renders the content of its conditional blocks; browsers show the
// downlevel-revealed content of <!--[if !mso]><!--> ... <!--<![endif]-->.
TEST(HtmlLinksTest, ReadsOutlookConditionalBlocksAsMarkup) {
  EXPECT_THAT(HtmlLinks("<!--[if mso]><a href=\"http://a.example/mso\">"
                        "Outlook</a><![endif]-->"
                        "<a href=\"https://a.example/after\">"),
              ElementsAre("http://a.example/mso", "https://a.example/after"));
  EXPECT_THAT(HtmlLinks("<!--[IF gte mso 9]><table><tr><td>"
                        "<a href='http://a.example/9'>x</a>"
                        "</td></tr></table><![endif]-->"),
              ElementsAre("http://a.example/9"));
  EXPECT_THAT(HtmlLinks("<!--[if !mso]><!--><a href=\"http://a.example/web\">"
                        "<!--<![endif]-->"),
              ElementsAre("http://a.example/web"));
  // An ordinary comment that mentions "if" is still a comment.
  EXPECT_THAT(HtmlLinks("<!-- [if mso] <a href=\"http://a.example/no\"> -->"),
              IsEmpty());
}

TEST(HtmlLinksTest, TextareaAndTitleHoldText) {
  EXPECT_THAT(HtmlLinks("<textarea><a href=\"http://a.example/text\">"
                        "</textarea><a href=\"http://a.example/link\">"),
              ElementsAre("http://a.example/link"));
  EXPECT_THAT(HtmlLinks("<TEXTAREA rows=2><a href=x></TextArea >"), IsEmpty());
  EXPECT_THAT(HtmlLinks("<title><a href=x></title><xmp><a href=y></xmp>"
                        "<iframe><a href=z></iframe><a href=w>"),
              ElementsAre("w"));
  EXPECT_THAT(HtmlLinks("<plaintext></plaintext><a href=x>"), IsEmpty());
  // A link next to a textarea is found.
  EXPECT_THAT(HtmlLinks("<a href=before><textarea></textarea><a href=after>"),
              ElementsAre("before", "after"));
}

TEST(HtmlLinksTest, SurvivesUnclosedConstructs) {
  EXPECT_THAT(HtmlLinks("<a href=\"https://a.example/1\"><!-- never closed "
                        "<a href=\"https://a.example/2\">"),
              ElementsAre("https://a.example/1"));
  EXPECT_THAT(HtmlLinks("<script><a href=\"https://a.example/1\">"), IsEmpty());
  EXPECT_THAT(HtmlLinks("<a href=\"https://a.example/unclosed"),
              ElementsAre("https://a.example/unclosed"));
  EXPECT_THAT(HtmlLinks("<a href="), ElementsAre(""));
  EXPECT_THAT(HtmlLinks("<"), IsEmpty());
  EXPECT_THAT(HtmlLinks(""), IsEmpty());
}

// Each of these would be quadratic in a scanner that backs up: a million
// bytes must take well under a second even in a debug build.
TEST(HtmlLinksTest, HostileInputIsLinear) {
  const std::size_t n = 1 << 20;
  EXPECT_THAT(HtmlLinks(std::string(n, '<')), IsEmpty());
  std::string tags;
  while (tags.size() < n) tags += "<a href=x ";
  EXPECT_THAT(HtmlLinks(tags), SizeIs(1));
  std::string comments;
  while (comments.size() < n) comments += "<!--<!--";
  EXPECT_THAT(HtmlLinks(comments), IsEmpty());
  std::string dashes = "<!--";
  while (dashes.size() < n) dashes += "--!-- -";
  EXPECT_THAT(HtmlLinks(dashes), IsEmpty());
  std::string conditionals;
  while (conditionals.size() < n) conditionals += "<!--[if<!--[if";
  EXPECT_THAT(HtmlLinks(conditionals), IsEmpty());
  std::string scripts = "<script>";
  while (scripts.size() < n) scripts += "</scrip</";
  EXPECT_THAT(HtmlLinks(scripts), IsEmpty());
  std::string references = "<a href=\"";
  while (references.size() < n) references += "&#99999999999999999999";
  EXPECT_THAT(HtmlLinks(references), SizeIs(1));
}

// ---------------------------------------------------------------------------
// Text.

TEST(TextLinksTest, EndsAtDelimitersAndDropsTrailingPunctuation) {
  EXPECT_THAT(
      TextLinks("Reset (https://a.example/reset?token=abc).\n"
                "Read https://a.example/a, http://a.example/b; and "
                "HTTPS://a.example/c: or <https://a.example/d> or "
                "\"https://a.example/e\"!\n"
                "Write to mailto:help@a.example?\n"
                "Not links: https:// and mailto: alone, ftp://a.example/f."),
      ElementsAre("https://a.example/reset?token=abc", "https://a.example/a",
                  "http://a.example/b", "HTTPS://a.example/c",
                  "https://a.example/d", "https://a.example/e",
                  "mailto:help@a.example"));
}

TEST(TextLinksTest, KeepsDuplicatesInOrder) {
  EXPECT_THAT(TextLinks("https://a.example/x https://a.example/x"),
              ElementsAre("https://a.example/x", "https://a.example/x"));
}

// ---------------------------------------------------------------------------
// Whole messages.

// A newsletter as mailers write it: multipart/alternative, both parts
// quoted-printable with soft line breaks inside long URLs and "=3D" for
// every "=" of a query string.
constexpr char kNewsletter[] =
    "From: Shop <news@shop.example>\n"
    "To: bob@example.com\n"
    "Subject: Your weekly deals\n"
    "Date: Mon, 1 Jan 2024 00:00:00 +0000\n"
    "Message-ID: <deals.12@shop.example>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/alternative; boundary=\"b1\"\n"
    "\n"
    "--b1\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: quoted-printable\n"
    "\n"
    "See the deals (https://shop.example/deals?week=3D12&src=3Dmail).\n"
    "Unsubscribe: https://shop.example/unsubscribe?u=3D42&token=3Dabcdefghij=\n"
    "klmnopqrstuvwxyz.\n"
    "Questions? mailto:help@shop.example, or https://shop.example/help!\n"
    "--b1\n"
    "Content-Type: text/html; charset=utf-8\n"
    "Content-Transfer-Encoding: quoted-printable\n"
    "\n"
    "<html><head><style>a { color: red }</style></head><body>\n"
    "<!-- <a href=3D\"https://shop.example/old\">old</a> -->\n"
    "<A HREF=3D\"https://shop.example/deals?week=3D12&amp;src=3Dmail\">D</A>\n"
    "<a class=3D\"btn\" href=3D'https://shop.example/cart?item=3D1&amp;qty=\n"
    "=3D2'>Cart</a> <a href=3Dhttps://shop.example/unquoted>U</a>\n"
    "<area shape=3D\"rect\" href=3D\" https://shop.example/map \" alt=3D\"\">\n"
    "<a href=3D\"https://shop.example/very/long/path/that/the/mailer/wrap=\n"
    "ped?token=3Dabc\">long</a>\n"
    "<a href=3D\"https&#58;//shop.example/&#x65;ntity\">e</a>\n"
    "<a href=3D\"mailto:help@shop.example?subject=3DHi%20there\">mail</a>\n"
    "</body></html>\n"
    "--b1--\n";

TEST(LinksTest, NewsletterHtmlLinksFirstThenTextLinks) {
  const ReceivedMessage message = Message(kNewsletter);
  EXPECT_THAT(message.MimeViolations(), IsEmpty());
  EXPECT_THAT(message.Links(),
              ElementsAre(
                  // HTML part.
                  "https://shop.example/deals?week=12&src=mail",
                  "https://shop.example/cart?item=1&qty=2",
                  "https://shop.example/unquoted", "https://shop.example/map",
                  "https://shop.example/very/long/path/that/the/mailer/"
                  "wrapped?token=abc",
                  "https://shop.example/entity",
                  "mailto:help@shop.example?subject=Hi%20there",
                  // Text part.
                  "https://shop.example/deals?week=12&src=mail",
                  "https://shop.example/"
                  "unsubscribe?u=42&token=abcdefghijklmnopqrstuvwxyz",
                  "mailto:help@shop.example", "https://shop.example/help"));
  EXPECT_THAT(message, HasLink(HasSubstr("token=abcdefghijklmnopqrstuvwxyz")));
  EXPECT_THAT(message, HasLink(StartsWith("https://shop.example/very/long/")));
  EXPECT_THAT(message, Not(HasLink(HasSubstr("old"))));
}

TEST(LinksTest, TextOnlyAndHtmlOnlyMessages) {
  EXPECT_THAT(Message("From: a@example.com\n\n"
                      "Reset your password: https://example.com/reset?t=1\n")
                  .Links(),
              ElementsAre("https://example.com/reset?t=1"));
  EXPECT_THAT(Message("From: a@example.com\nMIME-Version: 1.0\n"
                      "Content-Type: text/html\n\n"
                      "<p>Visit https://example.com/text-in-html or "
                      "<a href=\"https://example.com/a\">here</a></p>\n")
                  .Links(),
              ElementsAre("https://example.com/a"));
  EXPECT_THAT(Message("From: a@example.com\n\nNo links here.\n").Links(),
              IsEmpty());
}

// "No plaintext link" must not pass while a client shows one (issue 16).
TEST(LinksTest, ANegativeAssertionSeesWhatClientsShow) {
  auto html = [](std::string_view body) {
    return Message(
        "From: a@example.com\nMIME-Version: 1.0\n"
        "Content-Type: text/html\n\n" +
        std::string(body) + "\n");
  };
  const auto no_plain_link = Not(HasLink(StartsWith("http://")));
  EXPECT_THAT(html("<!--><a href=\"http://a.example/\">x</a>"),
              Not(no_plain_link));
  EXPECT_THAT(html("<!---><a href=\"http://a.example/\">x</a>"),
              Not(no_plain_link));
  EXPECT_THAT(html("<!--[if mso]><a href=\"http://a.example/\">x</a>"
                   "<![endif]-->"),
              Not(no_plain_link));
  EXPECT_THAT(html("<!-- <a href=\"http://a.example/\">x</a> -->"
                   "<textarea><a href=\"http://a.example/\"></textarea>"
                   "<a href=\"https://a.example/\">x</a>"),
              no_plain_link);
}

// Links inside an attachment are not the message's links.
TEST(LinksTest, AttachmentsAreNotRead) {
  EXPECT_THAT(Message("From: a@example.com\nMIME-Version: 1.0\n"
                      "Content-Type: multipart/mixed; boundary=b\n\n"
                      "--b\nContent-Type: text/plain\n\nhttps://a.example/1\n"
                      "--b\nContent-Type: text/html\n"
                      "Content-Disposition: attachment; filename=x.html\n\n"
                      "<a href=\"https://a.example/2\">\n--b--\n")
                  .Links(),
              ElementsAre("https://a.example/1"));
}

// ---------------------------------------------------------------------------
// The matcher's words.

TEST(HasLinkTest, DescribesItself) {
  EXPECT_EQ(
      DescribeMatcher<const ReceivedMessage&>(HasLink("https://a.example/")),
      "has a link that is equal to \"https://a.example/\"");
  EXPECT_EQ(DescribeMatcher<const ReceivedMessage&>(
                HasLink(StartsWith("https://")), /*negation=*/true),
            "has no link that starts with \"https://\"");
}

TEST(HasLinkTest, ExplainsWithTheLinksFound) {
  const ReceivedMessage message = Message(
      "From: a@example.com\n\nhttps://a.example/1 https://a.example/2\n");
  EXPECT_EQ(Explain(HasLink("https://a.example/2"), message),
            "whose link #1 is \"https://a.example/2\"");
  EXPECT_EQ(Explain(HasLink("https://a.example/3"), message),
            "whose links are { \"https://a.example/1\", "
            "\"https://a.example/2\" }");
  EXPECT_EQ(Explain(HasLink("https://a.example/3"),
                    Message("From: a@example.com\n\nNo links.\n")),
            "which has no links");
}

TEST(HasLinkTest, ComposesWithNot) {
  const ReceivedMessage message =
      Message("From: a@example.com\n\nhttps://a.example/1\n");
  EXPECT_THAT(message, HasLink(HasSubstr("a.example")));
  EXPECT_THAT(message, Not(HasLink(HasSubstr("b.example"))));
}

}  // namespace
}  // namespace smtpfixture
