// Needle scanning for the shield's tests: a secret (a "needle": a client
// address, a user agent, an e-mail address, a deleted post's text) must not be
// found in any file, log line or backup, neither as written nor under any
// encoding a careless server might store it in: hex, base64 at every byte
// alignment, URL encoding, or an MD5/SHA-1/SHA-256 digest (hex, base64 or raw).
//
// Header-only: the test target builds only tests/**/*_test.cc files. Uses
// OpenSSL's libcrypto for the digests (linked into the tests only).
#pragma once

#include <openssl/evp.h>
#include <sodium.h>

#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace publius::shield_test {

// One way a needle can appear: a name for the report and the bytes to look for.
struct Encoding {
  std::string name;
  std::string bytes;
};

inline std::string hex(std::string_view bytes, bool upper) {
  static constexpr char kLower[] = "0123456789abcdef";
  static constexpr char kUpper[] = "0123456789ABCDEF";
  const char* digits = upper ? kUpper : kLower;
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

inline std::string base64(std::string_view bytes, int variant) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  out.resize(std::strlen(out.c_str()));
  return out;
}

// The base64 text every encoding of `needle` contains when the needle starts
// `offset` (0..2) bytes into a 3-byte group: the characters that depend only on
// the needle's own bits, without the edge characters mixed with its neighbours'.
inline std::string base64_core(std::string_view needle, size_t offset, int variant) {
  std::string padded(offset, '\0');
  padded += needle;
  padded.resize(padded.size() / 3 * 3);  // a partial last group mixes with what follows
  const std::string text = base64(padded, variant);
  const size_t skip = offset == 0 ? 0 : offset == 1 ? 2 : 3;  // chars touching the pad bytes
  return text.size() > skip ? text.substr(skip) : "";
}

inline std::string digest(std::string_view data, const EVP_MD* md) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), out, &size, md, nullptr);
  return std::string(reinterpret_cast<const char*>(out), size);
}

inline std::string url_encode(std::string_view s, bool plus_for_space, bool upper) {
  std::string out;
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ' && plus_for_space) {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 15]);
    }
  }
  return out;
}

// Every encoding of `needle` the scan looks for (duplicates removed).
inline std::vector<Encoding> encodings_of(std::string_view needle) {
  std::vector<Encoding> out;
  auto add = [&](std::string name, std::string bytes) {
    if (bytes.empty()) return;
    for (const auto& e : out)
      if (e.bytes == bytes) return;
    out.push_back({std::move(name), std::move(bytes)});
  };
  std::string lower(needle), upper(needle);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  add("plain", std::string(needle));
  add("lower-case", lower);
  add("upper-case", upper);
  add("hex", hex(needle, false));
  add("HEX", hex(needle, true));
  for (size_t offset = 0; offset < 3; ++offset) {
    add("base64@" + std::to_string(offset),
        base64_core(needle, offset, sodium_base64_VARIANT_ORIGINAL));
    add("base64url@" + std::to_string(offset),
        base64_core(needle, offset, sodium_base64_VARIANT_URLSAFE));
  }
  add("url-encoded", url_encode(needle, false, true));
  add("url-encoded (lower hex)", url_encode(needle, false, false));
  add("form-encoded", url_encode(needle, true, true));
  const std::pair<const char*, const EVP_MD*> digests[] = {
      {"md5", EVP_md5()}, {"sha1", EVP_sha1()}, {"sha256", EVP_sha256()}};
  for (const auto& [name, md] : digests) {
    const std::string raw = digest(needle, md);
    add(std::string(name) + " raw", raw);
    add(std::string(name) + " hex", hex(raw, false));
    add(std::string(name) + " HEX", hex(raw, true));
    add(std::string(name) + " base64", base64(raw, sodium_base64_VARIANT_ORIGINAL_NO_PADDING));
    add(std::string(name) + " base64url", base64(raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING));
  }
  return out;
}

// A place a needle was found.
struct Hit {
  std::string needle;
  std::string encoding;
  std::string where;  // file path or log name
};

// The needles and their encodings, built once, searched in many haystacks.
class NeedleScanner {
 public:
  void add(const std::string& needle) {
    for (auto& e : encodings_of(needle)) entries_.push_back({needle, std::move(e)});
  }

  // Every needle encoding found in `haystack`, reported as found in `where`.
  std::vector<Hit> scan(std::string_view haystack, const std::string& where) const {
    std::vector<Hit> hits;
    for (const auto& [needle, encoding] : entries_)
      if (haystack.find(encoding.bytes) != std::string_view::npos)
        hits.push_back({needle, encoding.name, where});
    return hits;
  }

  // scan() of every regular file under `dir` (or of `dir` itself when it is a file).
  std::vector<Hit> scan_path(const std::filesystem::path& path) const {
    std::vector<Hit> hits;
    auto scan_file = [&](const std::filesystem::path& file) {
      std::ifstream in(file, std::ios::binary);
      std::stringstream bytes;
      bytes << in.rdbuf();
      for (auto& h : scan(bytes.str(), file.string())) hits.push_back(std::move(h));
    };
    if (std::filesystem::is_regular_file(path)) {
      scan_file(path);
      return hits;
    }
    for (const auto& entry : std::filesystem::recursive_directory_iterator(path))
      if (entry.is_regular_file()) scan_file(entry.path());
    return hits;
  }

  size_t encodings() const { return entries_.size(); }

 private:
  struct Entry {
    std::string needle;
    Encoding encoding;
  };
  std::vector<Entry> entries_;
};

inline std::string describe(const std::vector<Hit>& hits) {
  std::string out;
  for (const auto& h : hits)
    out += "  '" + h.needle + "' as " + h.encoding + " in " + h.where + "\n";
  return out;
}

}  // namespace publius::shield_test
