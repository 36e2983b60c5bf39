// Integration-test harness: runs the real `publius` binary (PUBLIUS_BINARY) on a
// loopback port with a temporary data directory and talks HTTP/1.1 to it over
// plain POSIX sockets, so every test exercises the whole server: Beast front end,
// router, API, domain and SQLite store.
//
// Header-only on purpose: the test target builds only tests/**/*_test.cc files.
//
// Pieces:
//   ServerProcess       starts `publius serve`, reads the bound port from its
//                       stdout, stops it with SIGTERM and reports the exit status.
//   Connection          one TCP connection; sends raw bytes, reads one response.
//   HttpRequest/Response a tiny HTTP/1.1 client (Content-Length bodies only; the
//                       server never sends chunked responses).
//   run_command         runs the binary as a CLI (admin commands) and captures output.
//   ApiIntegrationTest  gtest fixture: one server per test suite, shared app and
//                       app token, helpers for the common Mastodon calls.
//
// Nothing here sleeps for synchronization: every wait is a poll() or waitpid()
// loop with a deadline.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "http/params.h"

extern char** environ;

namespace publius::integration {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// ---------------------------------------------------------------------------
// Small utilities

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

inline bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

inline bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

inline int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A fresh private directory under $TMPDIR (or /tmp).
inline std::string make_temp_dir(std::string_view prefix = "publius-it-") {
  const char* base = std::getenv("TMPDIR");
  std::string templ =
      std::string(base && *base ? base : "/tmp") + "/" + std::string(prefix) + "XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) {
    ADD_FAILURE() << "mkdtemp failed: " << std::strerror(errno);
    return {};
  }
  return std::string(buf.data());
}

// application/x-www-form-urlencoded body (or query string) from pairs, in order.
inline std::string form(std::initializer_list<std::pair<std::string_view, std::string_view>> kv) {
  std::string out;
  for (const auto& [k, v] : kv) {
    if (!out.empty()) out.push_back('&');
    out += http::url_encode(k);
    out.push_back('=');
    out += http::url_encode(v);
  }
  return out;
}

inline std::string enc(std::string_view s) { return http::url_encode(s); }

// Base64url without padding of SHA-256(verifier): the PKCE S256 code challenge.
inline std::string pkce_challenge(std::string_view verifier) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(verifier.data()),
                     verifier.size());
  char encoded[sodium_base64_ENCODED_LEN(sizeof digest, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(encoded, sizeof encoded, digest, sizeof digest,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return encoded;
}

// A process-wide counter for unique names (usernames, tags, keys).
// One file of a multipart/form-data body; the defaults are an upload as a
// phone sends it, with a file name that must never be stored.
struct FilePart {
  std::string field = "file";
  std::string bytes;
  std::string content_type = "image/jpeg";
  std::string filename = "IMG_20260101_secret-name.jpg";
};

inline std::string multipart_body(const std::vector<std::pair<std::string, std::string>>& fields,
                                  const std::vector<FilePart>& files, const std::string& boundary) {
  std::string body;
  for (const auto& [name, value] : fields) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" +
            value + "\r\n";
  }
  for (const auto& f : files) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.field +
            "\"; filename=\"" + f.filename + "\"\r\nContent-Type: " + f.content_type + "\r\n\r\n" +
            f.bytes + "\r\n";
  }
  return body + "--" + boundary + "--\r\n";
}

inline std::string unique_suffix() {
  static std::atomic<int> counter{0};
  return std::to_string(getpid() % 100000) + "x" + std::to_string(++counter);
}

// ---------------------------------------------------------------------------
// JSON access with gtest-friendly failures instead of exceptions.

inline json::value parse_json(std::string_view text, bool* ok = nullptr) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ok) *ok = !ec;
  if (ec) return json::value();
  return v;
}

// Walks "a.b.0.c" (numeric segments index arrays). Reports and returns null when absent.
inline const json::value& at(const json::value& v, std::string_view path, bool report = true) {
  static const json::value kNull;
  const json::value* cur = &v;
  std::string_view rest = path;
  while (!rest.empty()) {
    const auto dot = rest.find('.');
    const std::string_view seg = rest.substr(0, dot);
    rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
    if (cur->is_object()) {
      const auto* next = cur->as_object().if_contains(seg);
      if (!next) {
        if (report)
          ADD_FAILURE() << "JSON has no member '" << path << "' in " << json::serialize(v);
        return kNull;
      }
      cur = next;
    } else if (cur->is_array()) {
      size_t index = 0;
      for (char c : seg) {
        if (c < '0' || c > '9') {
          if (report) ADD_FAILURE() << "bad array index in path '" << path << "'";
          return kNull;
        }
        index = index * 10 + static_cast<size_t>(c - '0');
      }
      if (seg.empty() || index >= cur->as_array().size()) {
        if (report)
          ADD_FAILURE() << "JSON array index out of range at '" << path << "' in "
                        << json::serialize(v);
        return kNull;
      }
      cur = &cur->as_array()[index];
    } else {
      if (report)
        ADD_FAILURE() << "JSON path '" << path << "' runs into a scalar in " << json::serialize(v);
      return kNull;
    }
  }
  return *cur;
}

// True when path names a member (of any value, null included).
inline bool has(const json::value& v, std::string_view path) {
  const auto dot = path.rfind('.');
  const json::value& parent = dot == std::string_view::npos ? v : at(v, path.substr(0, dot), false);
  const std::string_view last = dot == std::string_view::npos ? path : path.substr(dot + 1);
  return parent.is_object() && parent.as_object().contains(last);
}

inline std::string str(const json::value& v, std::string_view path = "") {
  const json::value& x = path.empty() ? v : at(v, path);
  if (!x.is_string()) {
    ADD_FAILURE() << "JSON '" << path << "' is not a string: " << json::serialize(x);
    return "<not a string>";
  }
  return std::string(x.as_string());
}

inline int64_t num(const json::value& v, std::string_view path = "") {
  const json::value& x = path.empty() ? v : at(v, path);
  if (x.is_int64()) return x.as_int64();
  if (x.is_uint64()) return static_cast<int64_t>(x.as_uint64());
  ADD_FAILURE() << "JSON '" << path << "' is not an integer: " << json::serialize(x);
  return -1;
}

inline bool boolean(const json::value& v, std::string_view path = "") {
  const json::value& x = path.empty() ? v : at(v, path);
  if (!x.is_bool()) {
    ADD_FAILURE() << "JSON '" << path << "' is not a boolean: " << json::serialize(x);
    return false;
  }
  return x.as_bool();
}

inline bool is_null(const json::value& v, std::string_view path) {
  const json::value& x = at(v, path);
  return x.is_null();
}

inline const json::array& arr(const json::value& v, std::string_view path = "") {
  static const json::array kEmpty;
  const json::value& x = path.empty() ? v : at(v, path);
  if (!x.is_array()) {
    ADD_FAILURE() << "JSON '" << path << "' is not an array: " << json::serialize(x);
    return kEmpty;
  }
  return x.as_array();
}

// The "id" members of an array of entities, in order.
inline std::vector<std::string> ids(const json::value& v) {
  std::vector<std::string> out;
  for (const auto& item : arr(v)) out.push_back(str(item, "id"));
  return out;
}

inline bool has_id(const json::value& v, const std::string& id) {
  for (const auto& item : arr(v))
    if (item.is_object() && item.as_object().contains("id") && item.at("id").is_string() &&
        item.at("id").as_string() == id)
      return true;
  return false;
}

// ---------------------------------------------------------------------------
// HTTP messages

struct HttpResponse {
  int status = 0;  // 0: no parseable response arrived
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string transport_error;  // why status is 0

  std::string header(std::string_view name) const {
    const std::string want = lower(name);
    for (const auto& [k, v] : headers)
      if (k == want) return v;
    return {};
  }
  bool has_header(std::string_view name) const {
    const std::string want = lower(name);
    for (const auto& [k, v] : headers)
      if (k == want) return true;
    return false;
  }
  json::value json() const {
    bool ok = false;
    json::value v = parse_json(body, &ok);
    if (!ok) ADD_FAILURE() << "response body is not JSON (status " << status << "): " << body;
    return v;
  }
  bool is_json() const { return starts_with(lower(header("content-type")), "application/json"); }
};

inline std::ostream& operator<<(std::ostream& os, const HttpResponse& r) {
  os << "HTTP " << r.status;
  if (!r.transport_error.empty()) os << " (" << r.transport_error << ")";
  return os << " " << r.body.substr(0, 2000);
}

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";
  std::string body;
  std::string content_type;
  std::string token;  // sent as "Authorization: Bearer <token>" when not empty
  std::string host = "127.0.0.1";
  std::string user_agent = "publius-integration-tests";
  // The loopback address the client connects from (127.0.0.2 ... 127.0.0.254); empty: the
  // kernel's choice. Lets a test see whether a client address reaches anything on disk.
  std::string source_address;
  std::vector<std::pair<std::string, std::string>> headers;
  bool close = true;

  std::string serialize() const {
    std::string out = method + " " + target + " HTTP/1.1\r\n";
    out += "Host: " + host + "\r\n";
    out += "User-Agent: " + user_agent + "\r\n";
    if (!token.empty()) out += "Authorization: Bearer " + token + "\r\n";
    if (!content_type.empty()) out += "Content-Type: " + content_type + "\r\n";
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
      out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    for (const auto& [k, v] : headers) out += k + ": " + v + "\r\n";
    if (close) out += "Connection: close\r\n";
    out += "\r\n";
    out += body;
    return out;
  }
};

// A multipart request carrying `files` and `fields` (media uploads, profile pictures).
inline HttpRequest upload_request(
    const std::string& token, const std::vector<FilePart>& files,
    const std::vector<std::pair<std::string, std::string>>& fields = {},
    const std::string& target = "/api/v2/media") {
  HttpRequest r;
  r.method = "POST";
  r.target = target;
  r.token = token;
  const std::string boundary = "publius-boundary-" + unique_suffix();
  r.content_type = "multipart/form-data; boundary=" + boundary;
  r.body = multipart_body(fields, files, boundary);
  return r;
}

// One client connection to 127.0.0.1:port (or a Unix socket).
class Connection {
 public:
  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() { close(); }

  bool open(int port, const std::string& source_address = "") {
    close();
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return fail("socket");
    if (!source_address.empty()) {
      sockaddr_in source{};
      source.sin_family = AF_INET;
      if (::inet_pton(AF_INET, source_address.c_str(), &source.sin_addr) != 1 ||
          ::bind(fd_, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0)
        return fail("bind to the source address");
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      return fail("connect");
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return true;
  }

  bool open_unix(const std::string& path) {
    close();
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return fail("socket");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) return fail("unix socket path too long");
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      return fail("connect");
    return true;
  }

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool is_open() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }

  // Sends every byte; false if the peer closed or reset first (the caller may still read).
  bool send(std::string_view bytes, Clock::time_point deadline) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      pollfd p{fd_, POLLOUT, 0};
      const int ready = ::poll(&p, 1, remaining_ms(deadline));
      if (ready <= 0) return fail("send timed out");
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        return fail("send");
      }
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  // Reads one response. For HEAD, the body is not read whatever Content-Length says.
  HttpResponse read_response(Clock::time_point deadline, bool head = false) {
    HttpResponse r;
    size_t header_end = std::string::npos;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill(deadline)) {
        r.transport_error = "connection ended before the response headers: " + error_;
        return r;
      }
    }
    const std::string head_text = buffer_.substr(0, header_end);
    buffer_.erase(0, header_end + 4);
    std::istringstream lines(head_text);
    std::string line;
    std::getline(lines, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // "HTTP/1.1 200 OK"
    const auto sp1 = line.find(' ');
    if (sp1 == std::string::npos || !starts_with(line, "HTTP/1.")) {
      r.transport_error = "malformed status line: " + line;
      return r;
    }
    const auto sp2 = line.find(' ', sp1 + 1);
    r.status = std::atoi(line.substr(sp1 + 1, sp2 - sp1 - 1).c_str());
    if (sp2 != std::string::npos) r.reason = line.substr(sp2 + 1);
    while (std::getline(lines, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      while (!value.empty() && value.back() == ' ') value.pop_back();
      r.headers.emplace_back(lower(line.substr(0, colon)), value);
    }
    if (lower(r.header("transfer-encoding")) == "chunked") {
      r.transport_error = "chunked responses are not expected from this server";
      r.status = 0;
      return r;
    }
    // HEAD answers, interim (1xx), 204 and 304 responses have no body.
    if (head || (r.status >= 100 && r.status < 200) || r.status == 204 || r.status == 304) return r;
    if (r.has_header("content-length")) {
      const size_t length = std::strtoull(r.header("content-length").c_str(), nullptr, 10);
      while (buffer_.size() < length) {
        if (!fill(deadline)) {
          r.transport_error = "connection ended inside the body: " + error_;
          r.status = 0;
          return r;
        }
      }
      r.body = buffer_.substr(0, length);
      buffer_.erase(0, length);
    } else {
      while (fill(deadline)) {
      }
      r.body = std::move(buffer_);
      buffer_.clear();
    }
    return r;
  }

  // The bytes received up to and including the first `marker`, taken off what is buffered;
  // empty when the connection ends or the deadline passes first. For streamed answers
  // (server-sent events) that read_response() does not take.
  std::string read_until(std::string_view marker, Clock::time_point deadline) {
    size_t at;
    while ((at = buffer_.find(marker)) == std::string::npos) {
      if (!fill(deadline)) return {};
    }
    std::string out = buffer_.substr(0, at + marker.size());
    buffer_.erase(0, at + marker.size());
    return out;
  }

  // The next `count` bytes received, taken off what is buffered; empty when the connection
  // ends or the deadline passes first. For framed streams (a WebSocket's frames).
  std::string read_bytes(size_t count, Clock::time_point deadline) {
    while (buffer_.size() < count) {
      if (!fill(deadline)) return {};
    }
    std::string out = buffer_.substr(0, count);
    buffer_.erase(0, count);
    return out;
  }

  // True once the server has closed the connection (EOF or reset) before the deadline.
  bool wait_closed(Clock::time_point deadline) {
    for (;;) {
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, remaining_ms(deadline));
      if (ready <= 0) return false;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0) return true;
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        return true;
      }
      buffer_.append(buf, static_cast<size_t>(n));
    }
  }

 private:
  bool fail(const char* what) {
    error_ = std::string(what) + ": " + std::strerror(errno);
    return false;
  }
  // Appends whatever arrives next; false on EOF, error or timeout.
  bool fill(Clock::time_point deadline) {
    for (;;) {
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, remaining_ms(deadline));
      if (ready == 0) {
        error_ = "timed out";
        return false;
      }
      if (ready < 0) {
        if (errno == EINTR) continue;
        return fail("poll");
      }
      char buf[16384];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0) {
        error_ = "end of stream";
        return false;
      }
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        return fail("recv");
      }
      buffer_.append(buf, static_cast<size_t>(n));
      return true;
    }
  }

  int fd_ = -1;
  std::string buffer_;
  std::string error_;
};

// Sends raw bytes on a fresh connection and reads one response.
inline HttpResponse send_raw(int port, std::string_view bytes, bool head = false,
                             std::chrono::milliseconds timeout = 15s,
                             const std::string& source_address = "") {
  const auto deadline = Clock::now() + timeout;
  Connection c;
  HttpResponse r;
  if (!c.open(port, source_address)) {
    r.transport_error = c.error();
    return r;
  }
  // A server that answers early (413, 431) may stop reading; the response still counts.
  (void)c.send(bytes, deadline);
  return c.read_response(deadline, head);
}

inline HttpResponse send_request(int port, const HttpRequest& req) {
  return send_raw(port, req.serialize(), req.method == "HEAD", 15s, req.source_address);
}

// ---------------------------------------------------------------------------
// Running the binary

struct CommandResult {
  int exit_code = -1;  // -1: killed by a signal or timed out
  std::string out;
  std::string err;
};

// Environment for child processes: the test's own, minus every PUBLIUS_* setting, so a
// developer's shell cannot change what the server under test does. The one kept is the
// suite's cheap crypto (PUBLIUS_INSECURE_TEST_CRYPTO, set by ctest), so that the server and
// the test agree on it.
inline std::vector<std::string> clean_environment() {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    const std::string_view entry(*e);
    if (entry.substr(0, 8) == "PUBLIUS_" && entry.substr(0, 29) != "PUBLIUS_INSECURE_TEST_CRYPTO=")
      continue;
    env.emplace_back(*e);
  }
  return env;
}

inline std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Waits for pid until the deadline; returns the exit code, -1 for a signal, nullopt on timeout.
inline std::optional<int> wait_exit(pid_t pid, Clock::time_point deadline,
                                    int* raw_status = nullptr) {
  for (;;) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      if (raw_status) *raw_status = status;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    if (done < 0 && errno != EINTR) return -1;
    if (Clock::now() >= deadline) return std::nullopt;
    // Poll on nothing for a few milliseconds: a bounded wait step, not a synchronization sleep.
    ::poll(nullptr, 0, 5);
  }
}

// Runs PUBLIUS_BINARY with args; stdin from `input` (may be empty), output captured.
inline CommandResult run_command(const std::vector<std::string>& args,
                                 const std::string& input = "",
                                 std::chrono::milliseconds timeout = 30s) {
  CommandResult result;
  const std::string dir = make_temp_dir("publius-cmd-");
  const std::string out_path = dir + "/out", err_path = dir + "/err", in_path = dir + "/in";
  {
    std::ofstream in(in_path, std::ios::binary);
    in << input;
  }
  std::vector<std::string> argv_s = {PUBLIUS_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  auto argv = c_strings(argv_s);
  auto env_s = clean_environment();
  auto envp = c_strings(env_s);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, PUBLIUS_BINARY, &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    ADD_FAILURE() << "cannot start " << PUBLIUS_BINARY << ": " << std::strerror(rc);
    std::filesystem::remove_all(dir);
    return result;
  }
  auto code = wait_exit(pid, Clock::now() + timeout);
  if (!code) {
    ::kill(pid, SIGKILL);
    wait_exit(pid, Clock::now() + 5s);
    ADD_FAILURE() << "command timed out";
  } else {
    result.exit_code = *code;
  }
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return result;
}

// Creates an account with `publius admin create-account`; returns its access token.
inline std::string create_account_with_cli(const std::string& data_dir, const std::string& name,
                                           const std::string& role = "user") {
  auto r = run_command(
      {"admin", "create-account", "--data-dir", data_dir, "--username", name, "--role", role});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto at = r.out.find("access token: ");
  if (at == std::string::npos) return "";
  const auto start = at + std::strlen("access token: ");
  return r.out.substr(start, r.out.find('\n', start) - start);
}

// `publius serve` as a child process.
class ServerProcess {
 public:
  ServerProcess() = default;
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  ~ServerProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      wait_exit(pid_, Clock::now() + 5s);
    }
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
    if (!log_dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(log_dir_, ec);
    }
  }

  // Set before start(): where to listen, the server's name and public URL, and whether
  // to keep the access log on.
  std::string listen = "127.0.0.1:0";
  std::string domain = "localhost";
  std::string public_url = "http://127.0.0.1";
  std::string rate_limit = "100000";
  bool access_log = false;

  // The flags every test server gets; start() appends `extra`, which must not repeat them
  // (CLI11 refuses a single-value option given twice).
  std::vector<std::string> default_args(const std::string& data_dir) const {
    std::vector<std::string> args = {
        "serve",        "--data-dir", data_dir,       "--listen", listen,      "--domain", domain,
        "--public-url", public_url,   "--rate-limit", rate_limit, "--threads", "2"};
    if (!access_log) args.push_back("--no-access-log");
    return args;
  }

  // Starts the server and waits for "listening on port N". With wait_for_port false (Unix
  // sockets print no port), returns once the process is started.
  bool start(const std::string& data_dir, const std::vector<std::string>& extra = {},
             bool wait_for_port = true, std::chrono::milliseconds timeout = 20s) {
    data_dir_ = data_dir;
    if (log_dir_.empty()) log_dir_ = make_temp_dir("publius-log-");
    log_path_ = log_dir_ + "/server.log";
    std::vector<std::string> argv_s = {PUBLIUS_BINARY};
    for (auto& a : default_args(data_dir)) argv_s.push_back(a);
    argv_s.insert(argv_s.end(), extra.begin(), extra.end());
    auto argv = c_strings(argv_s);
    auto env_s = clean_environment();
    auto envp = c_strings(env_s);
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      ADD_FAILURE() << "pipe2: " << std::strerror(errno);
      return false;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0600);
    const int rc = posix_spawn(&pid_, PUBLIUS_BINARY, &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (rc != 0) {
      ::close(fds[0]);
      pid_ = -1;
      ADD_FAILURE() << "cannot start " << PUBLIUS_BINARY << ": " << std::strerror(rc);
      return false;
    }
    stdout_fd_ = fds[0];
    if (!wait_for_port) return true;
    const auto deadline = Clock::now() + timeout;
    std::string out;
    for (;;) {
      const auto pos = out.find("listening on port ");
      if (pos != std::string::npos && out.find('\n', pos) != std::string::npos) {
        port_ = std::atoi(out.c_str() + pos + std::strlen("listening on port "));
        if (port_ > 0) return true;
        ADD_FAILURE() << "bad port line: " << out;
        return false;
      }
      pollfd p{stdout_fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, remaining_ms(deadline));
      if (ready <= 0) {
        ADD_FAILURE() << "server did not report its port in time; log:\n" << log();
        return false;
      }
      char buf[512];
      const ssize_t n = ::read(stdout_fd_, buf, sizeof buf);
      if (n <= 0) {
        auto code = wait_exit(pid_, Clock::now() + 5s);
        ADD_FAILURE() << "server exited before listening (exit "
                      << (code ? std::to_string(*code) : "?") << "); log:\n"
                      << log();
        pid_ = -1;
        return false;
      }
      out.append(buf, static_cast<size_t>(n));
      stdout_.append(buf, static_cast<size_t>(n));
    }
  }

  // Sends SIGTERM and waits; the exit code, -1 for death by signal, nullopt on timeout (the
  // process is then killed). What the server wrote to stdout is kept (output()).
  std::optional<int> stop(std::chrono::milliseconds timeout = 10s, int signal = SIGTERM) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, signal);
    auto code = wait_exit(pid_, Clock::now() + timeout, &raw_status_);
    if (!code) {
      ::kill(pid_, SIGKILL);
      wait_exit(pid_, Clock::now() + 5s);
    }
    pid_ = -1;
    if (stdout_fd_ >= 0) {
      // The process is gone, so the pipe ends: read it to its end.
      char buf[4096];
      ssize_t n;
      while ((n = ::read(stdout_fd_, buf, sizeof buf)) > 0)
        stdout_.append(buf, static_cast<size_t>(n));
      ::close(stdout_fd_);
    }
    stdout_fd_ = -1;
    return code;
  }

  // True while the process has not exited.
  bool alive() {
    if (pid_ <= 0) return false;
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      raw_status_ = status;
      pid_ = -1;
      return false;
    }
    return true;
  }

  int port() const { return port_; }
  // The port of `--metrics-listen HOST:0`, which the server reports before its main port;
  // 0 when it reported none.
  int metrics_port() const {
    const auto pos = stdout_.find("metrics on port ");
    return pos == std::string::npos ? 0 : std::atoi(stdout_.c_str() + pos + 16);
  }
  pid_t pid() const { return pid_; }
  int raw_status() const { return raw_status_; }
  const std::string& data_dir() const { return data_dir_; }
  std::string log() const { return log_path_.empty() ? "" : read_file(log_path_); }
  // Everything the server wrote to stdout (complete once stop() returned).
  const std::string& output() const { return stdout_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  int stdout_fd_ = -1;
  int raw_status_ = 0;
  std::string stdout_;
  std::string data_dir_;
  std::string log_dir_;
  std::string log_path_;
};

// ---------------------------------------------------------------------------
// Mastodon API client over a running server

struct AppCredentials {
  std::string id;
  std::string client_id;
  std::string client_secret;
  std::string name;
};

struct User {
  std::string id;
  std::string username;
  std::string password;
  std::string token;
};

// Asserts a Mastodon-shaped error: the status, a JSON content type and {"error": "<text>"}.
// Returns the error text ("" if the shape is wrong) for further checks.
inline std::string expect_error(const HttpResponse& r, int status) {
  EXPECT_EQ(r.status, status) << r;
  EXPECT_TRUE(r.is_json()) << "error without a JSON content type: " << r.header("content-type")
                           << " " << r;
  bool ok = false;
  json::value v = parse_json(r.body, &ok);
  EXPECT_TRUE(ok) << "error body is not JSON: " << r;
  if (!ok || !v.is_object() || !v.as_object().contains("error") || !v.at("error").is_string()) {
    ADD_FAILURE() << "error body lacks an \"error\" string: " << r;
    return "";
  }
  const std::string text(v.at("error").as_string());
  EXPECT_FALSE(text.empty()) << r;
  return text;
}

class Api {
 public:
  explicit Api(int port) : port_(port) {}
  int port() const { return port_; }

  HttpResponse request(HttpRequest req) const { return send_request(port_, req); }

  HttpResponse get(const std::string& target, const std::string& token = "",
                   std::vector<std::pair<std::string, std::string>> headers = {}) const {
    HttpRequest r;
    r.target = target;
    r.token = token;
    r.headers = std::move(headers);
    return request(std::move(r));
  }
  HttpResponse send_form(const std::string& method, const std::string& target,
                         const std::string& body, const std::string& token = "",
                         std::vector<std::pair<std::string, std::string>> headers = {}) const {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = body;
    r.content_type = "application/x-www-form-urlencoded";
    r.token = token;
    r.headers = std::move(headers);
    return request(std::move(r));
  }
  HttpResponse post_form(const std::string& target, const std::string& body,
                         const std::string& token = "",
                         std::vector<std::pair<std::string, std::string>> headers = {}) const {
    return send_form("POST", target, body, token, std::move(headers));
  }
  HttpResponse send_json(const std::string& method, const std::string& target,
                         const json::value& body, const std::string& token = "",
                         std::vector<std::pair<std::string, std::string>> headers = {}) const {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = json::serialize(body);
    r.content_type = "application/json";
    r.token = token;
    r.headers = std::move(headers);
    return request(std::move(r));
  }
  HttpResponse post_json(const std::string& target, const json::value& body,
                         const std::string& token = "",
                         std::vector<std::pair<std::string, std::string>> headers = {}) const {
    return send_json("POST", target, body, token, std::move(headers));
  }
  // POST with no body (actions such as /favourite).
  HttpResponse post(const std::string& target, const std::string& token = "") const {
    HttpRequest r;
    r.method = "POST";
    r.target = target;
    r.token = token;
    return request(std::move(r));
  }
  HttpResponse del(const std::string& target, const std::string& token = "") const {
    HttpRequest r;
    r.method = "DELETE";
    r.target = target;
    r.token = token;
    return request(std::move(r));
  }

  // Expects 200 and JSON; returns the parsed body (null after reporting otherwise).
  static json::value ok_json(const HttpResponse& r) {
    EXPECT_EQ(r.status, 200) << r;
    EXPECT_TRUE(r.is_json()) << r.header("content-type");
    if (r.status != 200) return json::value();
    return r.json();
  }

  AppCredentials create_app(const std::string& scopes = "read write follow push",
                            const std::string& redirect_uris = "urn:ietf:wg:oauth:2.0:oob",
                            const std::string& name = "") const {
    const std::string app_name = name.empty() ? "Test App " + unique_suffix() : name;
    auto v = ok_json(post_form(
        "/api/v1/apps",
        form({{"client_name", app_name}, {"redirect_uris", redirect_uris}, {"scopes", scopes}})));
    if (!v.is_object()) return {};
    return {str(v, "id"), str(v, "client_id"), str(v, "client_secret"), app_name};
  }

  // A client_credentials token for app.
  std::string app_token(const AppCredentials& app,
                        const std::string& scope = "read write follow push") const {
    auto v = ok_json(post_form("/oauth/token", form({{"grant_type", "client_credentials"},
                                                     {"client_id", app.client_id},
                                                     {"client_secret", app.client_secret},
                                                     {"scope", scope}})));
    return v.is_object() ? str(v, "access_token") : "";
  }

  // A password-grant token for an existing user.
  std::string password_token(const AppCredentials& app, const User& user,
                             const std::string& scope = "read write follow push") const {
    auto v = ok_json(post_form("/oauth/token", form({{"grant_type", "password"},
                                                     {"client_id", app.client_id},
                                                     {"client_secret", app.client_secret},
                                                     {"username", user.username},
                                                     {"password", user.password},
                                                     {"scope", scope}})));
    return v.is_object() ? str(v, "access_token") : "";
  }

  // Registers a fresh account through POST /api/v1/accounts with app_token; fills in its id.
  User register_user(const std::string& app_token, const std::string& prefix = "u") const {
    User u;
    u.username = prefix + "_" + unique_suffix();
    if (u.username.size() > 30) u.username = u.username.substr(u.username.size() - 30);
    u.password = "correct horse battery staple";
    auto v = ok_json(post_form("/api/v1/accounts",
                               form({{"username", u.username},
                                     {"password", u.password},
                                     {"agreement", "true"},
                                     {"locale", "en"}}),
                               app_token));
    if (!v.is_object()) return u;
    u.token = str(v, "access_token");
    auto me = ok_json(get("/api/v1/accounts/verify_credentials", u.token));
    if (me.is_object()) u.id = str(me, "id");
    return u;
  }

  json::value post_status(
      const User& u, const std::string& text,
      std::initializer_list<std::pair<std::string_view, std::string_view>> extra = {}) const {
    std::string body = form({{"status", text}});
    for (const auto& [k, v] : extra) body += "&" + enc(k) + "=" + enc(v);
    return ok_json(post_form("/api/v1/statuses", body, u.token));
  }
  std::string post_id(
      const User& u, const std::string& text,
      std::initializer_list<std::pair<std::string_view, std::string_view>> extra = {}) const {
    auto v = post_status(u, text, extra);
    return v.is_object() ? str(v, "id") : "";
  }

  json::value follow(const User& from, const User& to) const {
    return ok_json(post("/api/v1/accounts/" + to.id + "/follow", from.token));
  }

  json::value account(const std::string& id, const std::string& token = "") const {
    return ok_json(get("/api/v1/accounts/" + id, token));
  }
  json::value status(const std::string& id, const std::string& token = "") const {
    return ok_json(get("/api/v1/statuses/" + id, token));
  }

 private:
  int port_;
};

// Uploads the default avatar (a PNG the server has at hand, so no image library is
// needed) as media of `token`'s account; returns the attachment's id ("" on failure).
inline std::string upload_default_avatar(const Api& api, const std::string& token) {
  HttpRequest r;
  r.method = "POST";
  r.target = "/api/v2/media";
  r.token = token;
  r.content_type = "multipart/form-data; boundary=AV";
  r.body =
      multipart_body({}, {FilePart{.bytes = api.get("/avatars/original/missing.png").body}}, "AV");
  auto uploaded = Api::ok_json(api.request(r));
  return uploaded.is_object() ? str(uploaded, "id") : "";
}

// The target (path and query) of a Link header entry with the given rel, with its origin
// removed when it starts with `origin`; "" when absent.
inline std::string link_url(const std::string& link, std::string_view rel) {
  const std::string want = "rel=\"" + std::string(rel) + "\"";
  size_t pos = 0;
  while (pos < link.size()) {
    const auto lt = link.find('<', pos);
    if (lt == std::string::npos) break;
    const auto gt = link.find('>', lt);
    if (gt == std::string::npos) break;
    const auto next = link.find('<', gt);
    const std::string params =
        link.substr(gt + 1, next == std::string::npos ? std::string::npos : next - gt - 1);
    if (contains(params, want)) return link.substr(lt + 1, gt - lt - 1);
    pos = gt + 1;
  }
  return "";
}

inline std::string strip_origin(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto slash = url.find('/', scheme + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

// The last path segment of a URL: a media file's name.
inline std::string file_name_of(const std::string& url) { return url.substr(url.rfind('/') + 1); }

// ---------------------------------------------------------------------------
// The fixture: one server per test suite.

class ApiIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { start_suite_server(); }

  // Starts the suite's server with `extra` serve flags (a suite whose server needs them
  // calls this from its own SetUpTestSuite), its app and app token.
  static void start_suite_server(const std::vector<std::string>& extra = {}) {
    server_ = new ServerProcess;
    data_dir_ = make_temp_dir();
    if (data_dir_.empty() || !server_->start(data_dir_, extra)) return;
    api_ = new Api(server_->port());
    app_ = api_->create_app("read write follow push", "urn:ietf:wg:oauth:2.0:oob",
                            "Integration Suite");
    app_token_ = api_->app_token(app_);
  }

  static void TearDownTestSuite() {
    if (server_) {
      const bool was_running = server_->alive();
      if (was_running) {
        auto code = server_->stop(5s);
        EXPECT_TRUE(code.has_value()) << "server did not exit within 5 s of SIGTERM; log:\n"
                                      << server_->log();
        if (code) {
          EXPECT_EQ(*code, 0) << "server exit status after SIGTERM; log:\n" << server_->log();
        }
      }
    }
    delete api_;
    api_ = nullptr;
    delete server_;
    server_ = nullptr;
    if (!data_dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(data_dir_, ec);
    }
    data_dir_.clear();
  }

  void SetUp() override {
    ASSERT_TRUE(server_ && api_ && server_->alive()) << "test server is not running";
    ASSERT_FALSE(app_token_.empty()) << "no app token for the suite";
  }

  void TearDown() override {
    // Whatever the test sent, the server must still be up.
    EXPECT_TRUE(server_ && server_->alive()) << "server died during the test (raw wait status "
                                             << (server_ ? server_->raw_status() : 0) << "); log:\n"
                                             << (server_ ? server_->log() : "");
  }

  static Api& api() { return *api_; }
  static int port() { return server_->port(); }
  static User new_user(const std::string& prefix = "u") {
    return api_->register_user(app_token_, prefix);
  }
  // Every file (hidden temporaries included) in the server's media directory.
  static std::vector<std::string> media_dir_files() {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(data_dir_ + "/media", ec))
      names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  // Whether the media file a URL names is in the media directory.
  static bool on_disk(const std::string& url) {
    return std::filesystem::exists(data_dir_ + "/media/" + file_name_of(url));
  }

  static inline ServerProcess* server_ = nullptr;
  static inline Api* api_ = nullptr;
  static inline std::string data_dir_;
  static inline AppCredentials app_;
  static inline std::string app_token_;
};

}  // namespace publius::integration
