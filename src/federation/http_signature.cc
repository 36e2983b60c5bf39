#include "federation/http_signature.h"

#include <openssl/bio.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <memory>

#include "util/ascii.h"
#include "util/crypto.h"

namespace publius::federation {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct DecoderFree {
  void operator()(OSSL_DECODER_CTX* c) const { OSSL_DECODER_CTX_free(c); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Bio = std::unique_ptr<BIO, BioFree>;

Error refused(std::string_view check) { return unauthorized(std::string(check)); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string to_base64(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::optional<std::string> from_base64(std::string_view text) {
  std::string out(text.size(), '\0');
  size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0)
    return std::nullopt;
  out.resize(length);
  return out;
}

std::string pem_of(EVP_PKEY* key, bool private_key) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio) return {};
  const int written =
      private_key ? PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)
                  : PEM_write_bio_PUBKEY(bio.get(), key);
  if (written != 1) return {};
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

// An RSA public key from SubjectPublicKeyInfo or PKCS#1 PEM; null for anything else.
Pkey read_public_key(std::string_view pem) {
  EVP_PKEY* raw = nullptr;
  std::unique_ptr<OSSL_DECODER_CTX, DecoderFree> decoder(OSSL_DECODER_CTX_new_for_pkey(
      &raw, "PEM", nullptr, "RSA", EVP_PKEY_PUBLIC_KEY, nullptr, nullptr));
  auto data = reinterpret_cast<const unsigned char*>(pem.data());
  size_t size = pem.size();
  const bool decoded = decoder && OSSL_DECODER_from_data(decoder.get(), &data, &size) == 1;
  ERR_clear_error();  // a failed attempt leaves OpenSSL's error queue to this thread
  return decoded ? Pkey(raw) : nullptr;
}

bool covers(const std::vector<std::string>& headers, std::string_view name) {
  return std::find(headers.begin(), headers.end(), name) != headers.end();
}

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};

}  // namespace

Result<RsaKeyPair> generate_rsa_key_pair(int bits) {
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) != 1 ||
      EVP_PKEY_keygen(ctx.get(), &raw) != 1)
    return internal_error("RSA key generation failed");
  Pkey key(raw);
  RsaKeyPair pair{pem_of(key.get(), false), pem_of(key.get(), true)};
  if (pair.public_pem.empty() || pair.private_pem.empty())
    return internal_error("RSA key encoding failed");
  return pair;
}

std::string body_digest(std::string_view body) {
  return "SHA-256=" + sha256_base64(body, Base64::kStandard);
}

std::string format_http_date(int64_t unix_s) {
  const std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                kWeekdays[static_cast<size_t>(tm.tm_wday)].data(), tm.tm_mday,
                kMonths[static_cast<size_t>(tm.tm_mon)].data(), tm.tm_year + 1900, tm.tm_hour,
                tm.tm_min, tm.tm_sec);
  return buf;
}

std::optional<int64_t> parse_http_date(std::string_view text) {
  // "Sun, 06 Nov 1994 08:49:37 GMT": fixed width, 29 characters.
  if (text.size() != 29 || text.substr(3, 2) != ", " || text.substr(25) != " GMT") return {};
  const auto number = [&](size_t at, size_t width) -> std::optional<int> {
    int value = 0;
    for (size_t i = at; i < at + width; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  const auto month = std::find(kMonths.begin(), kMonths.end(), text.substr(8, 3));
  const auto day = number(5, 2), year = number(12, 4), hour = number(17, 2), minute = number(20, 2),
             second = number(23, 2);
  if (month == kMonths.end() || !day || !year || !hour || !minute || !second || text[7] != ' ' ||
      text[11] != ' ' || text[16] != ' ' || text[19] != ':' || text[22] != ':' || *day < 1 ||
      *day > 31 || *hour > 23 || *minute > 59 || *second > 60)
    return {};
  std::tm tm{};
  tm.tm_year = *year - 1900;
  tm.tm_mon = static_cast<int>(month - kMonths.begin());
  tm.tm_mday = *day;
  tm.tm_hour = *hour;
  tm.tm_min = *minute;
  tm.tm_sec = *second;
  return static_cast<int64_t>(timegm(&tm));
}

Result<SigningKey> SigningKey::from_pem(std::string_view private_key_pem) {
  Bio bio(BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())));
  EVP_PKEY* key = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!key) {
    ERR_clear_error();
    return internal_error("private key unreadable");
  }
  return SigningKey(std::shared_ptr<EVP_PKEY>(key, PkeyFree()));
}

Result<SignatureHeaders> sign_request(const OutgoingRequest& request, std::string_view key_id,
                                      std::string_view private_key_pem, int64_t now_unix_s) {
  PUBLIUS_ASSIGN_OR_RETURN(auto key, SigningKey::from_pem(private_key_pem));
  return sign_request(request, key_id, key, now_unix_s);
}

Result<SignatureHeaders> sign_request(const OutgoingRequest& request, std::string_view key_id,
                                      const SigningKey& key, int64_t now_unix_s) {
  SignatureHeaders out;
  out.date = format_http_date(now_unix_s);
  std::vector<std::string> covered = {"(request-target)", "host", "date"};
  if (!request.body.empty()) {
    out.digest = body_digest(request.body);
    covered.emplace_back("digest");
  }
  // The string is built as the verifier rebuilds it, from the headers the request will carry.
  const IncomingRequest as_sent{request.method, request.target,
                                [&](std::string_view name) -> std::optional<std::string_view> {
                                  if (name == "host") return request.host;
                                  if (name == "date") return out.date;
                                  return out.digest;
                                },
                                request.body};
  PUBLIUS_ASSIGN_OR_RETURN(auto text, signing_string(as_sent, covered));
  std::string covered_list;
  for (const auto& name : covered) covered_list += (covered_list.empty() ? "" : " ") + name;

  std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
  size_t size = 0;
  if (!md || EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(md.get(), nullptr, &size, reinterpret_cast<const unsigned char*>(text.data()),
                     text.size()) != 1)
    return internal_error("signing failed");
  std::string signature(size, '\0');
  if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                     reinterpret_cast<const unsigned char*>(text.data()), text.size()) != 1)
    return internal_error("signing failed");
  signature.resize(size);
  out.signature = "keyId=\"" + std::string(key_id) + "\",algorithm=\"rsa-sha256\",headers=\"" +
                  covered_list + "\",signature=\"" + to_base64(signature) + "\"";
  return out;
}

Result<ParsedSignature> parse_signature_header(std::string_view value) {
  ParsedSignature out;
  std::optional<std::string> headers, signature;
  bool has_key_id = false;
  while (true) {
    value = trim(value);
    if (value.empty()) break;
    const size_t eq = value.find('=');
    if (eq == std::string_view::npos) return refused(signature_error::kMalformed);
    const std::string name = ascii_lowercase(trim(value.substr(0, eq)));
    value.remove_prefix(eq + 1);
    if (value.empty() || value.front() != '"') return refused(signature_error::kMalformed);
    const size_t close = value.find('"', 1);
    if (close == std::string_view::npos) return refused(signature_error::kMalformed);
    const std::string_view param = value.substr(1, close - 1);
    value.remove_prefix(close + 1);
    value = trim(value);
    if (!value.empty()) {
      if (value.front() != ',') return refused(signature_error::kMalformed);
      value.remove_prefix(1);
    }
    if (name == "keyid") {
      out.key_id = param;
      has_key_id = true;
    } else if (name == "algorithm") {
      out.algorithm = ascii_lowercase(param);
    } else if (name == "headers") {
      headers = ascii_lowercase(param);
    } else if (name == "signature") {
      signature = std::string(param);
    }
  }
  if (!has_key_id || out.key_id.empty() || !signature) return refused(signature_error::kMalformed);
  auto raw = from_base64(*signature);
  if (!raw || raw->empty()) return refused(signature_error::kMalformed);
  out.signature = std::move(*raw);
  std::string_view list = headers ? std::string_view(*headers) : std::string_view("date");
  while (!list.empty()) {
    const size_t space = list.find(' ');
    const std::string_view name = list.substr(0, space);
    if (!name.empty()) out.headers.emplace_back(name);
    if (space == std::string_view::npos) break;
    list.remove_prefix(space + 1);
  }
  if (out.headers.empty()) return refused(signature_error::kMalformed);
  return out;
}

Result<std::string> signing_string(const IncomingRequest& request,
                                   const std::vector<std::string>& headers) {
  std::string text;
  for (const auto& name : headers) {
    if (!text.empty()) text += '\n';
    if (name == "(request-target)") {
      text += "(request-target): " + ascii_lowercase(request.method) + " " +
              std::string(request.target);
      continue;
    }
    auto value = request.header(name);
    if (!value) return refused(signature_error::kHeaderMissing);
    text += name + ": " + std::string(trim(*value));
  }
  return text;
}

Status verify_request(const IncomingRequest& request, const ParsedSignature& signature,
                      std::string_view public_key_pem, const VerifyOptions& options) {
  if (!signature.algorithm.empty() && signature.algorithm != "rsa-sha256" &&
      signature.algorithm != "hs2019")
    return refused(signature_error::kAlgorithm);
  const bool has_body = !request.body.empty();
  for (std::string_view required : {"(request-target)", "host", "date"})
    if (!covers(signature.headers, required)) return refused(signature_error::kHeadersNotCovered);
  if (has_body && !covers(signature.headers, "digest"))
    return refused(signature_error::kHeadersNotCovered);
  PUBLIUS_ASSIGN_OR_RETURN(auto text, signing_string(request, signature.headers));

  const auto date = request.header("date");
  const auto when = date ? parse_http_date(trim(*date)) : std::nullopt;
  if (!when || *when > options.now_unix_s + options.max_skew_s ||
      *when < options.now_unix_s - options.max_skew_s)
    return refused(signature_error::kDate);

  if (covers(signature.headers, "digest")) {
    // The header may list several digests ("SHA-256=..., SHA-512=..."): the SHA-256 one counts.
    std::optional<std::string_view> sha256;
    std::string_view list = request.header("digest").value_or("");
    while (!list.empty()) {
      const size_t comma = list.find(',');
      const std::string_view item = trim(list.substr(0, comma));
      const size_t eq = item.find('=');
      if (eq != std::string_view::npos && ascii_lowercase(item.substr(0, eq)) == "sha-256")
        sha256 = item.substr(eq + 1);
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
    const std::string expected = sha256_base64(request.body, Base64::kStandard);
    if (!sha256 || sha256->size() != expected.size() || !constant_time_equal(*sha256, expected))
      return refused(signature_error::kDigest);
  }

  Pkey key = read_public_key(public_key_pem);
  if (!key) return refused(signature_error::kKey);
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
  if (!md || EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1)
    return internal_error("signature verification failed to start");
  if (EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(signature.signature.data()),
                       signature.signature.size(),
                       reinterpret_cast<const unsigned char*>(text.data()), text.size()) != 1) {
    ERR_clear_error();
    return refused(signature_error::kSignature);
  }
  return ok_status();
}

}  // namespace publius::federation
