// HTTP Signatures (draft-cavage-http-signatures-12, as Mastodon uses them): the draft's own
// test vector, signing then verifying, and each tampering refused by the check it breaks.
#include "federation/http_signature.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <map>
#include <memory>
#include <thread>

namespace publius::federation {
namespace {

// draft-cavage-http-signatures-12 Appendix C: the public test key (RSA-1024) and its request.
constexpr std::string_view kDraftPrivateKey = R"(-----BEGIN RSA PRIVATE KEY-----
MIICXgIBAAKBgQDCFENGw33yGihy92pDjZQhl0C36rPJj+CvfSC8+q28hxA161QF
NUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6Z4UMR7EOcpfdUE9Hf3m/hs+F
UR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJwoYi+1hqp1fIekaxsyQIDAQAB
AoGBAJR8ZkCUvx5kzv+utdl7T5MnordT1TvoXXJGXK7ZZ+UuvMNUCdN2QPc4sBiA
QWvLw1cSKt5DsKZ8UETpYPy8pPYnnDEz2dDYiaew9+xEpubyeW2oH4Zx71wqBtOK
kqwrXa/pzdpiucRRjk6vE6YY7EBBs/g7uanVpGibOVAEsqH1AkEA7DkjVH28WDUg
f1nqvfn2Kj6CT7nIcE3jGJsZZ7zlZmBmHFDONMLUrXR/Zm3pR5m0tCmBqa5RK95u
412jt1dPIwJBANJT3v8pnkth48bQo/fKel6uEYyboRtA5/uHuHkZ6FQF7OUkGogc
mSJluOdc5t6hI1VsLn0QZEjQZMEOWr+wKSMCQQCC4kXJEsHAve77oP6HtG/IiEn7
kpyUXRNvFsDE0czpJJBvL/aRFUJxuRK91jhjC68sA7NsKMGg5OXb5I5Jj36xAkEA
gIT7aFOYBFwGgQAQkWNKLvySgKbAZRTeLBacpHMuQdl1DfdntvAyqpAZ0lY0RKmW
G6aFKaqQfOXKCyWoUiVknQJAXrlgySFci/2ueKlIE1QqIiLSZ8V8OlpFLRnb1pzI
7U1yQXnTAEFYM560yJlzUpOb1V4cScGd365tiSMvxLOvTA==
-----END RSA PRIVATE KEY-----
)";
constexpr std::string_view kDraftPublicKey = R"(-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDCFENGw33yGihy92pDjZQhl0C3
6rPJj+CvfSC8+q28hxA161QFNUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6
Z4UMR7EOcpfdUE9Hf3m/hs+FUR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJw
oYi+1hqp1fIekaxsyQIDAQAB
-----END PUBLIC KEY-----
)";
constexpr std::string_view kDraftDate = "Sun, 05 Jan 2014 21:31:40 GMT";
constexpr std::string_view kDraftBody = R"({"hello": "world"})";
// C.2, the Basic Test: headers="(request-target) host date".
constexpr std::string_view kDraftBasicSignature =
    "keyId=\"Test\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date\","
    "signature=\"qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7"
    "ndmw2iicw3HMbe8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2O"
    "s0=\"";

// A received request whose headers live in a map (names lowercase).
struct Received {
  std::string method = "POST";
  std::string target = "/users/alice/inbox";
  std::map<std::string, std::string> headers;
  std::string body;

  IncomingRequest view() const {
    return {method, target,
            [this](std::string_view name) -> std::optional<std::string_view> {
              auto it = headers.find(std::string(name));
              if (it == headers.end()) return std::nullopt;
              return std::string_view(it->second);
            },
            body};
  }
  Status verify(std::string_view public_key, int64_t now) const {
    auto parsed = parse_signature_header(headers.at("signature"));
    if (!parsed.ok()) return parsed.error();
    return verify_request(view(), *parsed, public_key, {.now_unix_s = now});
  }
};

int64_t draft_now() { return *parse_http_date(kDraftDate); }

Received draft_request() {
  Received r;
  r.target = "/foo?param=value&pet=dog";
  r.headers = {{"host", "example.com"},
               {"date", std::string(kDraftDate)},
               {"content-type", "application/json"},
               {"digest", "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="},
               {"content-length", "18"}};
  r.body = kDraftBody;
  return r;
}

// The error message of a failed status, or "ok".
std::string failure(const Status& s) { return s.ok() ? "ok" : s.error().message; }

TEST(HttpSignature, DraftDigestAndDateVectors) {
  EXPECT_EQ(body_digest(kDraftBody), "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=");
  EXPECT_EQ(format_http_date(draft_now()), kDraftDate);
  EXPECT_EQ(draft_now(), 1388957500);
  EXPECT_FALSE(parse_http_date("Sun, 05 Jan 2014 21:31:40 UTC"));
  EXPECT_FALSE(parse_http_date("2014-01-05T21:31:40Z"));
  EXPECT_FALSE(parse_http_date("Sun, 05 Foo 2014 21:31:40 GMT"));
}

TEST(HttpSignature, DraftBasicTestSignatureVerifies) {
  Received r = draft_request();
  r.body.clear();  // the basic test covers no digest
  r.headers["signature"] = kDraftBasicSignature;
  auto parsed = parse_signature_header(kDraftBasicSignature);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->key_id, "Test");
  auto text = signing_string(r.view(), parsed->headers);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text,
            "(request-target): post /foo?param=value&pet=dog\nhost: example.com\n"
            "date: Sun, 05 Jan 2014 21:31:40 GMT");
  EXPECT_EQ(failure(r.verify(kDraftPublicKey, draft_now())), "ok");
}

TEST(HttpSignature, SigningTheDraftRequestGivesTheDraftSignature) {
  // RSASSA-PKCS1-v1_5 is deterministic: signing C.2's request must give C.2's header.
  auto headers = sign_request({"POST", "/foo?param=value&pet=dog", "example.com", ""}, "Test",
                              kDraftPrivateKey, draft_now());
  ASSERT_TRUE(headers.ok()) << headers.error().message;
  EXPECT_EQ(headers->date, kDraftDate);
  EXPECT_EQ(headers->digest, "") << "no body, no digest";
  EXPECT_EQ(headers->signature, kDraftBasicSignature);
}

TEST(HttpSignature, AKeyReadOnceSignsAsItsPemFromSeveralThreads) {
  // The delivery worker signs with a key read once; its signatures are the PEM's, also
  // when several threads sign with it at once (RSASSA-PKCS1-v1_5 is deterministic).
  auto key = SigningKey::from_pem(kDraftPrivateKey);
  ASSERT_TRUE(key.ok()) << key.error().message;
  std::vector<std::string> signatures(8);
  {
    std::vector<std::jthread> threads;
    for (auto& out : signatures)
      threads.emplace_back([&key, &out] {
        for (int i = 0; i < 20; ++i) {
          auto headers = sign_request({"POST", "/foo?param=value&pet=dog", "example.com", ""},
                                      "Test", *key, draft_now());
          out = headers.ok() ? headers->signature : headers.error().message;
        }
      });
  }
  for (const auto& signature : signatures) EXPECT_EQ(signature, kDraftBasicSignature);

  auto unreadable = SigningKey::from_pem("-----BEGIN PRIVATE KEY-----\nnot a key\n");
  ASSERT_FALSE(unreadable.ok());
  EXPECT_EQ(unreadable.error().code, ErrorCode::kInternal);
}

TEST(HttpSignatureTest, ProductionActorKeysHave2048Bits) {
  auto keys = generate_rsa_key_pair(kProductionWorkFactors.rsa_bits);
  ASSERT_TRUE(keys.ok());
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(keys->public_pem.data(), static_cast<int>(keys->public_pem.size())),
      &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(EVP_PKEY_get_bits(key.get()), 2048);
}

// A POST signed the way this server sends them, with its own fresh key.
struct Signed {
  RsaKeyPair keys;
  Received request;
};

Signed signed_post(int64_t now) {
  auto keys = generate_rsa_key_pair();
  EXPECT_TRUE(keys.ok());
  Signed s{*keys, {}};
  s.request.body = R"({"type":"Follow"})";
  auto headers = sign_request({"POST", s.request.target, "social.example", s.request.body},
                              "https://here.example/users/bob#main-key", keys->private_pem, now);
  EXPECT_TRUE(headers.ok());
  s.request.headers = {{"host", "social.example"},
                       {"date", headers->date},
                       {"digest", headers->digest},
                       {"signature", headers->signature}};
  return s;
}

constexpr int64_t kNow = 1'800'000'000;

TEST(HttpSignature, SignedPostVerifies) {
  Signed s = signed_post(kNow);
  EXPECT_TRUE(s.keys.public_pem.starts_with("-----BEGIN PUBLIC KEY-----"));
  EXPECT_TRUE(s.keys.private_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
  auto parsed = parse_signature_header(s.request.headers.at("signature"));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->key_id, "https://here.example/users/bob#main-key");
  EXPECT_EQ(parsed->algorithm, "rsa-sha256");
  EXPECT_EQ(parsed->headers,
            (std::vector<std::string>{"(request-target)", "host", "date", "digest"}));
  EXPECT_EQ(failure(s.request.verify(s.keys.public_pem, kNow)), "ok");
  // Within the 12-hour window either way.
  EXPECT_EQ(failure(s.request.verify(s.keys.public_pem, kNow + 12 * 3600)), "ok");
  EXPECT_EQ(failure(s.request.verify(s.keys.public_pem, kNow - 12 * 3600)), "ok");
}

TEST(HttpSignature, TamperedBodyIsRefusedByTheDigest) {
  Signed s = signed_post(kNow);
  s.request.body = R"({"type":"Block"})";
  EXPECT_EQ(failure(s.request.verify(s.keys.public_pem, kNow)), signature_error::kDigest);
}

TEST(HttpSignature, DigestReplacedToMatchATamperedBodyIsRefusedBySignature) {
  Signed s = signed_post(kNow);
  s.request.body = R"({"type":"Block"})";
  s.request.headers["digest"] = body_digest(s.request.body);
  EXPECT_EQ(failure(s.request.verify(s.keys.public_pem, kNow)), signature_error::kSignature);
}

TEST(HttpSignature, TamperedHeaderOrTargetIsRefused) {
  Signed host = signed_post(kNow);
  host.request.headers["host"] = "other.example";
  EXPECT_EQ(failure(host.request.verify(host.keys.public_pem, kNow)), signature_error::kSignature);
  Signed target = signed_post(kNow);
  target.request.target = "/inbox";
  EXPECT_EQ(failure(target.request.verify(target.keys.public_pem, kNow)),
            signature_error::kSignature);
  Signed missing = signed_post(kNow);
  missing.request.headers.erase("host");
  EXPECT_EQ(failure(missing.request.verify(missing.keys.public_pem, kNow)),
            signature_error::kHeaderMissing);
}

TEST(HttpSignature, DateOutsideTheWindowOrChangedIsRefused) {
  Signed s = signed_post(kNow);
  EXPECT_EQ(failure(s.request.verify(s.keys.public_pem, kNow + 12 * 3600 + 1)),
            signature_error::kDate);
  EXPECT_EQ(failure(s.request.verify(s.keys.public_pem, kNow - 12 * 3600 - 1)),
            signature_error::kDate);
  Signed changed = signed_post(kNow);
  changed.request.headers["date"] = format_http_date(kNow + 60);
  EXPECT_EQ(failure(changed.request.verify(changed.keys.public_pem, kNow)),
            signature_error::kSignature);
  Signed garbled = signed_post(kNow);
  garbled.request.headers["date"] = "yesterday";
  EXPECT_EQ(failure(garbled.request.verify(garbled.keys.public_pem, kNow)), signature_error::kDate);
}

TEST(HttpSignature, TamperedSignatureOrOtherKeyIsRefused) {
  Signed s = signed_post(kNow);
  std::string& header = s.request.headers["signature"];
  const size_t at = header.find("signature=\"") + 11;
  header[at] = header[at] == 'A' ? 'B' : 'A';
  EXPECT_EQ(failure(s.request.verify(s.keys.public_pem, kNow)), signature_error::kSignature);
  Signed other = signed_post(kNow);
  EXPECT_EQ(failure(other.request.verify(signed_post(kNow).keys.public_pem, kNow)),
            signature_error::kSignature);
  EXPECT_EQ(failure(other.request.verify("not a key", kNow)), signature_error::kKey);
}

TEST(HttpSignature, SignatureMustCoverDigestForABody) {
  // The draft's C.2 signature is valid but covers no digest: with a body it proves nothing.
  Received r = draft_request();
  r.headers["signature"] = kDraftBasicSignature;
  EXPECT_EQ(failure(r.verify(kDraftPublicKey, draft_now())), signature_error::kHeadersNotCovered);
  Received no_date = draft_request();
  no_date.body.clear();
  no_date.headers["signature"] =
      "keyId=\"Test\",headers=\"(request-target) host\",signature=\"AAAA\"";
  EXPECT_EQ(failure(no_date.verify(kDraftPublicKey, draft_now())),
            signature_error::kHeadersNotCovered);
}

TEST(HttpSignature, MalformedHeadersAreRefusedWithoutEchoingThem) {
  for (std::string_view bad :
       {"", "keyId=Test,signature=\"AAAA\"", "keyId=\"Test\"", "signature=\"AAAA\"",
        "keyId=\"Test\",signature=\"not base64!\"", "keyId=\"Test\",signature=\"AAAA",
        "keyId=\"Test\" signature=\"AAAA\"",
        "keyId=\"secret-value\",headers=\"\",signature=\"AAAA\""}) {
    auto parsed = parse_signature_header(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::kUnauthorized);
    EXPECT_EQ(parsed.error().message, signature_error::kMalformed);
  }
  Received r = draft_request();
  r.headers["signature"] =
      "keyId=\"Test\",algorithm=\"hmac-sha256\",headers=\"(request-target) host date digest\","
      "signature=\"AAAA\"";
  EXPECT_EQ(failure(r.verify(kDraftPublicKey, draft_now())), signature_error::kAlgorithm);
}

TEST(HttpSignature, DigestWithoutSha256IsRefused) {
  Signed s = signed_post(kNow);
  s.request.headers["digest"] = "SHA-512=AAAA";
  EXPECT_EQ(failure(s.request.verify(s.keys.public_pem, kNow)), signature_error::kDigest);
}

}  // namespace
}  // namespace publius::federation
