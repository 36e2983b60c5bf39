// federation::sanitize_html: Mastodon's allowlist over what a browser would parse,
// against the usual ways of smuggling script into HTML.
#include "federation/html_sanitizer.h"

#include <gtest/gtest.h>

#include <thread>

namespace publius::federation {
namespace {

TEST(HtmlSanitizer, KeepsMastodonsElements) {
  const std::string html =
      "<p>Hello <strong>bold</strong> <em>em</em> <b>b</b> <i>i</i> <u>u</u> <del>del</del>"
      "<br><code>x</code></p><pre>pre</pre><blockquote>q</blockquote>"
      "<ul><li>one</li></ul><ol><li>two</li></ol>";
  EXPECT_EQ(sanitize_html(html),
            "<p>Hello <strong>bold</strong> <em>em</em> <b>b</b> <i>i</i> <u>u</u> <del>del</del>"
            "<br /><code>x</code></p><pre>pre</pre><blockquote>q</blockquote>"
            "<ul><li>one</li></ul><ol><li>two</li></ol>");
}

TEST(HtmlSanitizer, MastodonMentionAndHashtagMarkupSurvives) {
  const std::string html =
      "<p><span class=\"h-card\"><a href=\"https://b.example/@bob\" class=\"u-url mention\">"
      "@<span>bob</span></a></span> hi <a href=\"https://a.example/tags/cats\" "
      "class=\"mention hashtag\" rel=\"tag\">#<span>cats</span></a></p>";
  EXPECT_EQ(sanitize_html(html),
            "<p><span class=\"h-card\"><a href=\"https://b.example/@bob\" rel=\"nofollow "
            "noopener\" target=\"_blank\" class=\"u-url mention\">@<span>bob</span></a></span> hi "
            "<a href=\"https://a.example/tags/cats\" rel=\"nofollow noopener\" target=\"_blank\" "
            "class=\"mention hashtag\">#<span>cats</span></a></p>");
}

TEST(HtmlSanitizer, ClassesOtherThanMicroformatsAreDropped) {
  EXPECT_EQ(sanitize_html("<span class=\"evil ellipsis x-y invisible p-name\">a</span>"),
            "<span class=\"ellipsis invisible p-name\">a</span>");
  EXPECT_EQ(sanitize_html("<span class=\"evil\">a</span>"), "<span>a</span>");
  EXPECT_EQ(sanitize_html("<p class=\"h-entry\">a</p>"), "<p>a</p>") << "class only on span and a";
}

TEST(HtmlSanitizer, LinksOnlyToAllowedSchemes) {
  for (const std::string scheme : {"http", "https", "HTTPS", "gemini", "magnet", "xmpp", "ipfs"}) {
    const std::string out = sanitize_html("<a href=\"" + scheme + ":x\">t</a>");
    EXPECT_EQ(out,
              "<a href=\"" + scheme + ":x\" rel=\"nofollow noopener\" target=\"_blank\">t</a>");
  }
  for (const std::string href :
       {"javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
        "java&#x09;script:alert(1)", "jav&#x61;script:alert(1)", "java\nscript:alert(1)",
        "data:text/html,<script>alert(1)</script>", "vbscript:x", "/relative", "//evil.example/",
        "", "&#106;avascript:alert(1)", "https\t:x"}) {
    EXPECT_EQ(sanitize_html("<a href=\"" + href + "\">t</a>"), "t") << href;
  }
  EXPECT_EQ(sanitize_html("<a>t</a>"), "t") << "a link without href is unwrapped";
}

TEST(HtmlSanitizer, EventHandlersAndOtherAttributesAreDropped) {
  EXPECT_EQ(sanitize_html("<p onclick=\"alert(1)\" style=\"x\" id=\"y\">a</p>"), "<p>a</p>");
  EXPECT_EQ(sanitize_html("<a href=\"https://x.example\" onmouseover=\"alert(1)\" "
                          "rel=\"opener\" target=\"_self\">a</a>"),
            "<a href=\"https://x.example\" rel=\"nofollow noopener\" target=\"_blank\">a</a>");
  EXPECT_EQ(sanitize_html("<b/onclick=alert(1)>x</b>"), "<b>x</b>");
}

TEST(HtmlSanitizer, DangerousElementsGoWithTheirContents) {
  EXPECT_EQ(sanitize_html("a<script>alert(1)</script>b"), "ab");
  EXPECT_EQ(sanitize_html("a<style>body{}</style>b"), "ab");
  EXPECT_EQ(sanitize_html("<img src=x onerror=alert(1)>"), "");
  EXPECT_EQ(sanitize_html("<svg onload=alert(1)><script>alert(1)</script><text>t</text></svg>x"),
            "x");
  EXPECT_EQ(sanitize_html("<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>y"), "y");
  EXPECT_EQ(sanitize_html("<iframe src=\"https://evil.example\">inner</iframe>z"), "z");
  EXPECT_EQ(sanitize_html("<object data=x>o</object><embed src=x>e"), "e");
  EXPECT_EQ(sanitize_html("<template><script>x</script></template>t"), "t");
  EXPECT_EQ(sanitize_html("a<!-- <script>x</script> -->b"), "ab");
  EXPECT_EQ(sanitize_html("<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">"), "");
  EXPECT_EQ(sanitize_html("<textarea><script>x</script></textarea>t"), "t");
}

TEST(HtmlSanitizer, OtherElementsAreUnwrapped) {
  EXPECT_EQ(sanitize_html("<div><h1>Title</h1><marquee>m</marquee><s>s</s></div>"), "Titlems");
  EXPECT_EQ(sanitize_html("<table><tr><td>cell</td></tr></table>"), "cell");
  EXPECT_EQ(sanitize_html("<form action=x><input value=v><button>go</button></form>"), "go");
}

TEST(HtmlSanitizer, TextIsEscapedAndEntitiesAreReadOnce) {
  EXPECT_EQ(sanitize_html("1 &lt; 2 &amp;&amp; 3 &gt; 2 \"q\" 'a'"),
            "1 &lt; 2 &amp;&amp; 3 &gt; 2 &quot;q&quot; &#39;a&#39;");
  EXPECT_EQ(sanitize_html("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "&lt;script&gt;alert(1)&lt;/script&gt;");
  EXPECT_EQ(sanitize_html("&amp;lt;b&amp;gt;"), "&amp;lt;b&amp;gt;");
  EXPECT_EQ(sanitize_html("caf&eacute; &#x1F600;"), "caf\xC3\xA9 \xF0\x9F\x98\x80");
  EXPECT_EQ(sanitize_html("<a href=\"https://x.example/?a=1&amp;b=&quot;2\">l</a>"),
            "<a href=\"https://x.example/?a=1&amp;b=&quot;2\" rel=\"nofollow noopener\" "
            "target=\"_blank\">l</a>");
}

TEST(HtmlSanitizer, BrokenMarkupComesOutWellFormed) {
  EXPECT_EQ(sanitize_html("<p><b>unclosed"), "<p><b>unclosed</b></p>");
  EXPECT_EQ(sanitize_html("<b><i>misnested</b></i>"), "<b><i>misnested</i></b>");
  EXPECT_EQ(sanitize_html("</p></b>stray"), "<p></p>stray");
  EXPECT_EQ(sanitize_html("<p>one<p>two"), "<p>one</p><p>two</p>");
  // As a browser reads them: a tag named "scr<script", an attribute named "\"<script".
  EXPECT_EQ(sanitize_html("<scr<script>ipt>alert(1)</script>"), "ipt&gt;alert(1)");
  EXPECT_EQ(sanitize_html("<a href=\"https://x.example\"<script>"),
            "<a href=\"https://x.example\" rel=\"nofollow noopener\" target=\"_blank\"></a>");
  EXPECT_EQ(sanitize_html("<"), "&lt;");
  EXPECT_EQ(sanitize_html(""), "");
  EXPECT_EQ(sanitize_html(std::string("a\0b", 3)), "ab") << "NUL in text is dropped";
  EXPECT_EQ(sanitize_html("\xFF\xFEok"), "\xEF\xBF\xBD\xEF\xBF\xBDok") << "invalid UTF-8 replaced";
}

TEST(HtmlSanitizer, DeepInputOnASmallStack) {
  // As deep as is parsed, on a thread with a 256 KiB stack: neither the parse nor
  // freeing the tree recurses per level.
  std::string deep;
  for (size_t i = 0; i < kMaxSanitizedTags / 2; ++i) deep += "<ul><li>";
  deep += "x";
  std::string out;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  struct Work {
    const std::string* in;
    std::string* out;
  } work{&deep, &out};
  pthread_t thread;
  ASSERT_EQ(pthread_create(
                &thread, &attr,
                [](void* arg) -> void* {
                  auto* w = static_cast<Work*>(arg);
                  *w->out = sanitize_html(*w->in);
                  return nullptr;
                },
                &work),
            0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  EXPECT_NE(out.find("<ul><li>x</li></ul></li></ul>"), std::string::npos) << out.size();
  EXPECT_EQ(out.size(), deep.size() + kMaxSanitizedTags / 2 * 10);
}

TEST(HtmlSanitizer, InputWithTooManyTagsComesOutAsText) {
  // 256 KiB of nesting would cost seconds in the tree builder: it is read as text.
  std::string deep;
  for (int i = 0; i < 256 * 1024 / 5; ++i) deep += "<div>";
  deep += "a &amp; b<br>c<script>alert(1)</script>";
  EXPECT_EQ(sanitize_html(deep), "<p>a &amp; b<br />c</p>");
  std::string wide;
  for (size_t i = 0; i <= kMaxSanitizedTags; ++i) wide += "<p>x</p>";
  EXPECT_TRUE(sanitize_html(wide).starts_with("<p>x<br />x<br />x")) << sanitize_html(wide);
  EXPECT_EQ(sanitize_html(deep + "\xFF"), "") << "and must be UTF-8";
  std::string at_limit;
  for (size_t i = 0; i < kMaxSanitizedTags; ++i) at_limit += "<b>x</b>";
  EXPECT_EQ(sanitize_html(at_limit), at_limit) << "up to the limit, parsed";
}

}  // namespace
}  // namespace publius::federation
