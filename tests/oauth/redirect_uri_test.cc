// Which redirect URIs an app may register: custom schemes and the out-of-band
// URN as in Mastodon, never a scheme that runs script or reads local data.
#include "oauth/redirect_uri.h"

#include <gtest/gtest.h>

#include <string>

namespace publius::oauth {
namespace {

std::string refusal(std::string_view uri) {
  auto checked = check_redirect_uri(uri);
  if (checked.ok()) return "";
  EXPECT_EQ(checked.error().code, ErrorCode::kUnprocessable) << uri;
  return checked.error().message;
}

TEST(RedirectUri, AllowsWebCallbacksNativeAppSchemesAndOutOfBand) {
  for (std::string_view uri :
       {"urn:ietf:wg:oauth:2.0:oob", "https://client.example/callback?x=1",
        "http://127.0.0.1:8000/cb", "myapp://oauth", "com.example.app:/callback",
        "tuba://auth_code", "x-app+v2.sub-scheme://done"})
    EXPECT_EQ(refusal(uri), "") << uri;
}

TEST(RedirectUri, RefusesSchemesThatRunScriptOrReadLocalData) {
  for (std::string_view uri :
       {"javascript:alert(document.cookie)", "JavaScript:alert(1)", "JAVASCRIPT://%0aalert(1)",
        "vbscript:msgbox(1)", "livescript:x", "data:text/html,<p>", "data:text/html;base64,PHA+",
        "blob:https://client.example/0b1c", "filesystem:https://client.example/temporary/x",
        "about:blank", "file:///etc/passwd", "FILE://host/share", "jar:file:///a.jar!/x",
        "view-source:https://client.example/", "mhtml:file://c:/x.mht"})
    EXPECT_EQ(refusal(uri), "Validation failed: Redirect URI is forbidden by the server") << uri;
}

TEST(RedirectUri, RefusesWhatIsNotAnAbsoluteUri) {
  for (std::string_view uri :
       {"", "callback", "/relative/path", ":nothing", "1app://x", "ja vascript:alert(1)",
        "java\tscript:alert(1)", "java\nscript:alert(1)", " javascript:alert(1)",
        "\x01javascript:alert(1)", "https://client.example/#fragment",
        "https://client.example/\"><script>", "https://client.example/\x7f"})
    EXPECT_EQ(refusal(uri), "Validation failed: Redirect URI must be an absolute URI") << uri;
  EXPECT_NE(refusal("https://client.example/" + std::string(2000, 'a')), "");
}

}  // namespace
}  // namespace publius::oauth
