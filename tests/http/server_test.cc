// The Beast front end writes every header a handler adds, repeated names
// included: a response may set several cookies, each on its own Set-Cookie line.
#include "http/server.h"

#include <gtest/gtest.h>

#include <thread>

#include "integration/server_harness.h"

namespace publius::http {
namespace {

TEST(ServerTest, RepeatedHeadersAreEachSent) {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.threads = 1;
  options.handle_signals = false;
  options.access_log = false;
  Server server(options, [](Request&) {
    return Response::html("ok")
        .with_header("Set-Cookie", "session=a; Path=/; HttpOnly")
        .with_header("Set-Cookie", "csrf=b; Path=/");
  });
  ASSERT_TRUE(server.bind().ok());
  std::thread runner([&] { server.run(); });

  integration::Connection connection;
  ASSERT_TRUE(connection.open(server.port())) << connection.error();
  const auto deadline = integration::Clock::now() + std::chrono::seconds(10);
  integration::HttpRequest request;
  ASSERT_TRUE(connection.send(request.serialize(), deadline));
  const auto response = connection.read_response(deadline);
  server.stop();
  runner.join();

  ASSERT_EQ(response.status, 200) << response;
  std::vector<std::string> cookies;
  for (const auto& [name, value] : response.headers)
    if (name == "set-cookie") cookies.push_back(value);
  EXPECT_EQ(cookies, (std::vector<std::string>{"session=a; Path=/; HttpOnly", "csrf=b; Path=/"}));
}

}  // namespace
}  // namespace publius::http
