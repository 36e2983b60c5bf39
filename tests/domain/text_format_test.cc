#include "domain/text_format.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace publius::domain {
namespace {

constexpr std::string_view kBase = "https://example.org";

// Knows alice (local) and bob@remote.example; records every lookup.
struct FakeDirectory {
  std::vector<std::string> lookups;

  MentionResolver resolver() {
    return [this](std::string_view acct) -> std::optional<MentionTarget> {
      lookups.emplace_back(acct);
      std::string lower(acct);
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (lower == "alice")
        return MentionTarget{"1", "alice", "alice", "https://example.org/@alice"};
      if (lower == "bob@remote.example") {
        return MentionTarget{"2", "bob", "bob@remote.example", "https://remote.example/@bob"};
      }
      return std::nullopt;
    };
  }
};

FormattedText Format(std::string_view text) {
  FakeDirectory dir;
  return format_status_text(text, dir.resolver(), kBase);
}

// The markup Mastodon generates for a link; written out so the tests read like the HTML.
std::string Link(std::string_view href, std::string_view prefix, std::string_view shown,
                 std::string_view hidden = "", bool ellipsis = false) {
  return std::string("<a href=\"") + std::string(href) +
         "\" target=\"_blank\" rel=\"nofollow noopener noreferrer\" translate=\"no\">"
         "<span class=\"invisible\">" +
         std::string(prefix) + "</span><span class=\"" + (ellipsis ? "ellipsis" : "") + "\">" +
         std::string(shown) + "</span><span class=\"invisible\">" + std::string(hidden) +
         "</span></a>";
}

std::string Tag(std::string_view href_name, std::string_view shown) {
  return "<a href=\"https://example.org/tags/" + std::string(href_name) +
         "\" class=\"mention hashtag\" rel=\"tag\">#<span>" + std::string(shown) + "</span></a>";
}

const std::string kAliceLink =
    "<span class=\"h-card\" translate=\"no\"><a href=\"https://example.org/@alice\" "
    "class=\"u-url mention\">@<span>alice</span></a></span>";

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    size_t len = b < 0x80           ? 1
                 : (b >> 5) == 0x6  ? 2
                 : (b >> 4) == 0xE  ? 3
                 : (b >> 3) == 0x1E ? 4
                                    : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

// ----- html_escape -------------------------------------------------------------------------

TEST(CodePointsTest, FirstCodePointsNeverCutsOneInTwo) {
  const std::string text = "a\xC3\xA9\xF0\x9F\x98\x80z";  // a, e-acute, an emoji, z
  EXPECT_EQ(code_points(text), 4u);
  EXPECT_EQ(first_code_points(text, 0), "");
  EXPECT_EQ(first_code_points(text, 2), "a\xC3\xA9");
  EXPECT_EQ(first_code_points(text, 3), "a\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(first_code_points(text, 4), text);
  EXPECT_EQ(first_code_points(text, 100), text);
}

TEST(HtmlEscapeTest, EscapesAllFiveCharacters) {
  EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST(HtmlEscapeTest, LeavesOtherBytesAlone) {
  EXPECT_EQ(html_escape("café \xff #1"), "café \xff #1");
}

// ----- escaping and paragraphs -------------------------------------------------------------

TEST(FormatStatusTextTest, EscapesScriptTag) {
  EXPECT_EQ(Format("<script>alert('x')</script>").html,
            "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>");
}

TEST(FormatStatusTextTest, EscapesAmpersandsAndQuotes) {
  EXPECT_EQ(Format("Tom & \"Jerry\" &amp;").html, "<p>Tom &amp; &quot;Jerry&quot; &amp;amp;</p>");
}

TEST(FormatStatusTextTest, BlankTextGivesEmptyHtml) {
  EXPECT_EQ(Format("").html, "");
  EXPECT_EQ(Format("  \n\n \t ").html, "");
  EXPECT_EQ(Format("\u00A0\u3000").html, "");  // Unicode spaces are blank too.
}

TEST(FormatStatusTextTest, BlankLinesSeparateParagraphs) {
  EXPECT_EQ(Format("one\n\ntwo").html, "<p>one</p><p>two</p>");
  EXPECT_EQ(Format("one\n\n\n\ntwo\n\nthree").html, "<p>one</p><p>two</p><p>three</p>");
}

TEST(FormatStatusTextTest, SingleNewlinesBecomeBreaks) {
  EXPECT_EQ(Format("roses\nviolets\n\nsugar").html, "<p>roses<br />violets</p><p>sugar</p>");
}

TEST(FormatStatusTextTest, HandlesCrLf) {
  EXPECT_EQ(Format("a\r\nb\r\n\r\nc").html, "<p>a<br />b</p><p>c</p>");
}

TEST(FormatStatusTextTest, StripsSurroundingWhitespace) {
  EXPECT_EQ(Format("\n\n  hello\n\n\n").html, "<p>hello</p>");
}

// ----- URLs ---------------------------------------------------------------------------------

TEST(FormatStatusTextTest, LinksUrl) {
  EXPECT_EQ(
      Format("see https://example.com/path ok").html,
      "<p>see " + Link("https://example.com/path", "https://", "example.com/path") + " ok</p>");
}

TEST(FormatStatusTextTest, UrlDropsTrailingPunctuation) {
  EXPECT_EQ(Format("Visit https://example.com/a.").html,
            "<p>Visit " + Link("https://example.com/a", "https://", "example.com/a") + ".</p>");
  EXPECT_EQ(Format("what? http://example.com/q?!").html,
            "<p>what? " + Link("http://example.com/q", "http://", "example.com/q") + "?!</p>");
  EXPECT_EQ(Format("'https://example.com/x',").html,
            "<p>&#39;" + Link("https://example.com/x", "https://", "example.com/x") + "&#39;,</p>");
}

TEST(FormatStatusTextTest, UrlDropsUnbalancedClosingParenthesis) {
  EXPECT_EQ(Format("(see https://example.com/foo).").html,
            "<p>(see " + Link("https://example.com/foo", "https://", "example.com/foo") + ").</p>");
}

TEST(FormatStatusTextTest, UrlKeepsBalancedParentheses) {
  EXPECT_EQ(
      Format("(https://en.wikipedia.org/wiki/A_(b))").html,
      "<p>(" +
          Link("https://en.wikipedia.org/wiki/A_(b)", "https://", "en.wikipedia.org/wiki/A_(b)") +
          ")</p>");
}

TEST(FormatStatusTextTest, LongUrlIsShortenedWithEllipsis) {
  // "example.com/a/very/long/path/t" is exactly 30 characters.
  EXPECT_EQ(Format("https://example.com/a/very/long/path/that/goes/on").html,
            "<p>" +
                Link("https://example.com/a/very/long/path/that/goes/on", "https://",
                     "example.com/a/very/long/path/t", "hat/goes/on", true) +
                "</p>");
}

TEST(FormatStatusTextTest, UrlOneCharacterOverLimitIsNotShortened) {
  // Mastodon shows a 31-character remainder whole: an ellipsis would hide nothing.
  EXPECT_EQ(Format("https://example.com/0123456789abcdefghi").html,
            "<p>" +
                Link("https://example.com/0123456789abcdefghi", "https://",
                     "example.com/0123456789abcdefghi") +
                "</p>");
}

TEST(FormatStatusTextTest, UrlHidesWwwPrefix) {
  EXPECT_EQ(Format("https://www.example.com").html,
            "<p>" + Link("https://www.example.com", "https://www.", "example.com") + "</p>");
}

TEST(FormatStatusTextTest, UrlHrefIsAttributeEscaped) {
  EXPECT_EQ(Format("https://example.com/?a=1&b=\"2\"x").html,
            "<p>" +
                Link("https://example.com/?a=1&amp;b=&quot;2&quot;x", "https://",
                     "example.com/?a=1&amp;b=&quot;2&quot;x") +
                "</p>");
}

TEST(FormatStatusTextTest, UrlStopsAtAngleBracket) {
  EXPECT_EQ(Format("<https://example.com/>").html,
            "<p>&lt;" + Link("https://example.com/", "https://", "example.com/") + "&gt;</p>");
}

TEST(FormatStatusTextTest, NotUrls) {
  EXPECT_EQ(Format("https:// and xhttps://example.com and ftp://example.com").html,
            "<p>https:// and xhttps://example.com and ftp://example.com</p>");
  EXPECT_EQ(Format("https:///path http://?q").html, "<p>https:///path http://?q</p>");
}

// ----- mentions -----------------------------------------------------------------------------

TEST(FormatStatusTextTest, ResolvedMentionIsLinked) {
  const FormattedText f = Format("hi @alice!");
  EXPECT_EQ(f.html, "<p>hi " + kAliceLink + "!</p>");
  ASSERT_EQ(f.mentions.size(), 1u);
  EXPECT_EQ(f.mentions[0].id, "1");
}

TEST(FormatStatusTextTest, UnresolvedMentionStaysText) {
  FakeDirectory dir;
  const FormattedText f = format_status_text("hi @nobody <3", dir.resolver(), kBase);
  EXPECT_EQ(f.html, "<p>hi @nobody &lt;3</p>");
  EXPECT_TRUE(f.mentions.empty());
  EXPECT_EQ(dir.lookups, std::vector<std::string>{"nobody"});
}

TEST(FormatStatusTextTest, RemoteMentionShowsUsername) {
  FakeDirectory dir;
  const FormattedText f =
      format_status_text("cc @bob@remote.example. thanks", dir.resolver(), kBase);
  EXPECT_EQ(f.html,
            "<p>cc <span class=\"h-card\" translate=\"no\"><a href=\"https://remote.example/@bob\" "
            "class=\"u-url mention\">@<span>bob</span></a></span>. thanks</p>");
  EXPECT_EQ(dir.lookups, std::vector<std::string>{"bob@remote.example"});
  ASSERT_EQ(f.mentions.size(), 1u);
  EXPECT_EQ(f.mentions[0].acct, "bob@remote.example");
}

TEST(FormatStatusTextTest, RemoteMentionMayNameAPort) {
  FakeDirectory dir;
  format_status_text("cc @bob@remote.example:8443, @carol@remote.example: hi @dan@x.example:80a",
                     dir.resolver(), kBase);
  EXPECT_EQ(dir.lookups, (std::vector<std::string>{"bob@remote.example:8443",
                                                   "carol@remote.example", "dan@x.example"}));
}

TEST(FormatStatusTextTest, EmailAddressIsNotMention) {
  FakeDirectory dir;
  const FormattedText f =
      format_status_text("mail bob@example.org or alice@x", dir.resolver(), kBase);
  EXPECT_EQ(f.html, "<p>mail bob@example.org or alice@x</p>");
  EXPECT_TRUE(dir.lookups.empty());
}

TEST(FormatStatusTextTest, MentionsAreDedupedInOrder) {
  const FormattedText f = Format("@bob@remote.example @alice @Alice");
  ASSERT_EQ(f.mentions.size(), 2u);
  EXPECT_EQ(f.mentions[0].id, "2");
  EXPECT_EQ(f.mentions[1].id, "1");
  EXPECT_EQ(f.html.find(kAliceLink), f.html.rfind(kAliceLink) - kAliceLink.size() - 1);
}

TEST(FormatStatusTextTest, MentionInsideUrlIsNotLinked) {
  FakeDirectory dir;
  const FormattedText f = format_status_text("https://example.org/@alice", dir.resolver(), kBase);
  EXPECT_EQ(f.html,
            "<p>" + Link("https://example.org/@alice", "https://", "example.org/@alice") + "</p>");
  EXPECT_TRUE(dir.lookups.empty());
  EXPECT_TRUE(f.mentions.empty());
}

TEST(FormatStatusTextTest, MentionFollowedByAtSignIsNotMention) {
  FakeDirectory dir;
  EXPECT_EQ(format_status_text("@alice@ hi", dir.resolver(), kBase).html, "<p>@alice@ hi</p>");
  EXPECT_TRUE(dir.lookups.empty());
}

TEST(FormatStatusTextTest, MentionTargetUrlIsEscaped) {
  MentionResolver evil = [](std::string_view) -> std::optional<MentionTarget> {
    return MentionTarget{"9", "<b>", "x", "https://x.example/\"><script>"};
  };
  EXPECT_EQ(format_status_text("@x", evil, kBase).html,
            "<p><span class=\"h-card\" translate=\"no\"><a "
            "href=\"https://x.example/&quot;&gt;&lt;script&gt;\" class=\"u-url "
            "mention\">@<span>&lt;b&gt;</span></a></span></p>");
}

TEST(FormatStatusTextTest, EmptyResolverResolvesNothing) {
  EXPECT_EQ(format_status_text("@alice", MentionResolver{}, kBase).html, "<p>@alice</p>");
}

// ----- hashtags -----------------------------------------------------------------------------

TEST(FormatStatusTextTest, AsciiHashtag) {
  const FormattedText f = Format("#hello world");
  EXPECT_EQ(f.html, "<p>" + Tag("hello", "hello") + " world</p>");
  EXPECT_EQ(f.tags, std::vector<std::string>{"hello"});
}

TEST(FormatStatusTextTest, NonAsciiHashtagsArePercentEncodedInHref) {
  const FormattedText f = Format("#café and #日本語");
  EXPECT_EQ(f.html, "<p>" + Tag("caf%C3%A9", "café") + " and " +
                        Tag("%E6%97%A5%E6%9C%AC%E8%AA%9E", "日本語") + "</p>");
  EXPECT_EQ(f.tags, (std::vector<std::string>{"café", "日本語"}));
}

TEST(FormatStatusTextTest, AllDigitHashtagIsNotTag) {
  const FormattedText f = Format("#123 #123abc");
  EXPECT_EQ(f.html, "<p>#123 " + Tag("123abc", "123abc") + "</p>");
  EXPECT_EQ(f.tags, std::vector<std::string>{"123abc"});
}

TEST(FormatStatusTextTest, HashtagInsideUrlIsNotTag) {
  const FormattedText f = Format("https://example.com/page#section");
  EXPECT_EQ(f.html,
            "<p>" +
                Link("https://example.com/page#section", "https://", "example.com/page#section") +
                "</p>");
  EXPECT_TRUE(f.tags.empty());
}

TEST(FormatStatusTextTest, HashtagGluedToWordIsNotTag) {
  const FormattedText f = Format("a#b &#foo x/#y");
  EXPECT_EQ(f.html, "<p>a#b &amp;#foo x/#y</p>");
  EXPECT_TRUE(f.tags.empty());
}

TEST(FormatStatusTextTest, HashtagsDedupedCaseInsensitively) {
  const FormattedText f = Format("#Foo #foo\n#FOO #bar");
  EXPECT_EQ(f.html, "<p>" + Tag("Foo", "Foo") + " " + Tag("foo", "foo") + "<br />" +
                        Tag("FOO", "FOO") + " " + Tag("bar", "bar") + "</p>");
  EXPECT_EQ(f.tags, (std::vector<std::string>{"Foo", "bar"}));
}

TEST(FormatStatusTextTest, HashtagStopsAtPunctuation) {
  const FormattedText f = Format("(#one), #two. #three's");
  EXPECT_EQ(f.html, "<p>(" + Tag("one", "one") + "), " + Tag("two", "two") + ". " +
                        Tag("three", "three") + "&#39;s</p>");
  EXPECT_EQ(f.tags, (std::vector<std::string>{"one", "two", "three"}));
}

TEST(FormatStatusTextTest, HashtagBaseUrlTrailingSlashTolerated) {
  EXPECT_EQ(format_status_text("#x1", nullptr, "https://example.org/").html,
            "<p>" + Tag("x1", "x1") + "</p>");
}

TEST(FormatStatusTextTest, MixedEntitiesInParagraphs) {
  const FormattedText f = Format("Hey @alice,\nread https://example.com #news\n\n<3");
  EXPECT_EQ(f.html, "<p>Hey " + kAliceLink + ",<br />read " +
                        Link("https://example.com", "https://", "example.com") + " " +
                        Tag("news", "news") + "</p><p>&lt;3</p>");
  EXPECT_EQ(f.mentions.size(), 1u);
  EXPECT_EQ(f.tags, std::vector<std::string>{"news"});
}

// ----- invalid input ------------------------------------------------------------------------

TEST(FormatStatusTextTest, InvalidUtf8IsReplaced) {
  const FormattedText f = Format("a\xff\xc0\xafz #t\xe2\x82");
  EXPECT_EQ(f.html, "<p>a\uFFFD\uFFFD\uFFFDz " + Tag("t", "t") + "\uFFFD\uFFFD</p>");
  EXPECT_EQ(f.tags, std::vector<std::string>{"t"});
}

TEST(FormatStatusTextTest, RandomBytesNeverCrashAndGiveValidUtf8) {
  // Bytes chosen to hit every scanner: entity starts, URL pieces, newlines, UTF-8 lead and
  // continuation bytes, and bytes that are never valid.
  const std::string alphabet =
      "ahtps:/.@#_(x)1 \n\r&<'\"\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80\xff\xc0";
  std::mt19937 rng(12345);
  FakeDirectory dir;
  const MentionResolver resolve = dir.resolver();
  for (int round = 0; round < 5000; ++round) {
    std::string s(rng() % 40, '\0');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    if (round % 7 == 0) s = "https://" + s;
    const FormattedText f = format_status_text(s, resolve, kBase);
    ASSERT_TRUE(IsValidUtf8(f.html)) << s;
    ASSERT_TRUE(f.html.empty() || f.html.starts_with("<p>")) << s;
    // Only URLs (23 each, and each needs a "://") can count for more than their bytes.
    size_t schemes = 0;
    for (size_t at = s.find("://"); at != std::string::npos; at = s.find("://", at + 1)) ++schemes;
    ASSERT_LE(status_length(s), s.size() + 23 * schemes) << s;
  }
}

// ----- status_length ------------------------------------------------------------------------

TEST(StatusLengthTest, CountsCodePoints) {
  EXPECT_EQ(status_length("hello"), 5u);
  EXPECT_EQ(status_length("héllo 日本"), 8u);
  EXPECT_EQ(status_length("😀😀!"), 3u);
  EXPECT_EQ(status_length(""), 0u);
  EXPECT_EQ(status_length(" \n\t "), 0u);
  EXPECT_EQ(status_length("  hi\n\n"), 2u);  // Stripped, as Mastodon validates it.
}

TEST(StatusLengthTest, UrlsCountAs23) {
  EXPECT_EQ(status_length("look https://example.com/a/very/long/path/that/is/longer/than/23"),
            5u + 23u);
  EXPECT_EQ(status_length("http://a.co x"), 23u + 2u);
}

TEST(StatusLengthTest, RemoteMentionCountsOnlyUsername) {
  EXPECT_EQ(status_length("@bob@remote.example hi"), 7u);  // "@bob hi"
  EXPECT_EQ(status_length("@alice hi"), 9u);
  EXPECT_EQ(status_length("mail bob@example.org"), 20u);  // Not a mention.
}

TEST(StatusLengthTest, MentionInsideUrlCountsAsUrl) {
  EXPECT_EQ(status_length("https://example.org/@someone@remote.example"), 23u);
}

TEST(StatusLengthTest, InvalidBytesCountOneEach) {
  EXPECT_EQ(status_length("a\xff\xfe"
                          "b"),
            4u);
  EXPECT_EQ(status_length("\xe2\x82"), 2u);      // Truncated sequence.
  EXPECT_EQ(status_length("\xc0\xaf"), 2u);      // Overlong '/'.
  EXPECT_EQ(status_length("\xe0\x80\xaf"), 3u);  // Overlong '/', three bytes.
  EXPECT_EQ(status_length("\xed\xa0\x80"), 3u);  // Encoded surrogate.
}

// ----- normalize_tag / is_valid_tag ---------------------------------------------------------

TEST(NormalizeTagTest, CaseFoldsAndNormalizes) {
  EXPECT_EQ(normalize_tag("Hello"), "hello");
  EXPECT_EQ(normalize_tag("CAFÉ"), "café");
  EXPECT_EQ(normalize_tag("Cafe\u0301"), "café");  // Decomposed input is composed.
  EXPECT_EQ(normalize_tag("ＴＥＳＴ"), "test");    // Fullwidth forms fold to ASCII.
  EXPECT_EQ(normalize_tag("Straße"), "strasse");
  EXPECT_EQ(normalize_tag("日本語"), "日本語");
}

TEST(NormalizeTagTest, IsIdempotentAndSafeOnInvalidUtf8) {
  EXPECT_EQ(normalize_tag(normalize_tag("ÉCOLE_Ⅻ")), normalize_tag("ÉCOLE_Ⅻ"));
  EXPECT_EQ(normalize_tag("A\xff"), "a\uFFFD");
  EXPECT_EQ(normalize_tag(""), "");
}

TEST(IsValidTagTest, AcceptsWordsFromAnyScript) {
  EXPECT_TRUE(is_valid_tag("hello"));
  EXPECT_TRUE(is_valid_tag("café"));
  EXPECT_TRUE(is_valid_tag("日本語"));
  EXPECT_TRUE(is_valid_tag("_foo_bar_"));
  EXPECT_TRUE(is_valid_tag("2024elections"));
  EXPECT_TRUE(is_valid_tag("foo·bar"));
  EXPECT_TRUE(is_valid_tag(std::string(100, 'a')));
}

TEST(IsValidTagTest, RejectsNonTags) {
  EXPECT_FALSE(is_valid_tag(""));
  EXPECT_FALSE(is_valid_tag("123"));
  EXPECT_FALSE(is_valid_tag("_"));
  EXPECT_FALSE(is_valid_tag("#foo"));
  EXPECT_FALSE(is_valid_tag("foo bar"));
  EXPECT_FALSE(is_valid_tag("foo-bar"));
  EXPECT_FALSE(is_valid_tag("foo·"));
  EXPECT_FALSE(is_valid_tag("foo\xff"));
  EXPECT_FALSE(is_valid_tag(std::string(101, 'a')));
}

}  // namespace
}  // namespace publius::domain
