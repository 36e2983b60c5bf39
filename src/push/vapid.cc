#include "push/vapid.h"

#include <sodium.h>

#include <filesystem>
#include <fstream>

#include "util/crypto.h"
#include "util/durable_file.h"

namespace publius::push {

VapidKey::VapidKey(P256KeyPair pair)
    : pair_(std::move(pair)), public_base64url_(base64url(pair_.public_key)) {}

Result<VapidKey> VapidKey::open(const std::string& data_dir) {
  const std::string dir = data_dir + "/push";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return internal_error("cannot create " + dir + ": " + ec.message());
  const std::string path = dir + "/vapid.key";
  // The file holds the private scalar and the public point, in hex, on one line.
  constexpr size_t kBytes = kP256PrivateKeyBytes + kP256PublicKeyBytes;
  if (std::ifstream in(path); in) {
    std::string hex;
    in >> hex;
    std::string raw(kBytes, '\0');
    size_t length = 0;
    if (sodium_hex2bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), hex.data(),
                       hex.size(), nullptr, &length, nullptr) != 0 ||
        length != kBytes)
      return internal_error(path + " is damaged: expected " + std::to_string(kBytes * 2) +
                            " hex digits");
    P256KeyPair pair{raw.substr(0, kP256PrivateKeyBytes), raw.substr(kP256PrivateKeyBytes)};
    sodium_memzero(raw.data(), raw.size());
    if (!check_p256_key_pair(pair).ok())
      return internal_error(path + " is damaged: not a P-256 key pair");
    return VapidKey(std::move(pair));
  }
  PUBLIUS_ASSIGN_OR_RETURN(auto pair, generate_p256_key_pair());
  PUBLIUS_TRY(write_file_durably(path, to_hex(pair.private_key + pair.public_key) + "\n"));
  return VapidKey(std::move(pair));
}

Result<std::string> VapidKey::jwt_for(std::string_view endpoint, int64_t expires_at_s,
                                      std::string_view subject) const {
  return vapid_jwt(pair_, origin_of(endpoint), expires_at_s, subject);
}

std::string origin_of(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const auto path = url.find_first_of("/?#", scheme_end + 3);
  return std::string(url.substr(0, path));
}

}  // namespace publius::push
