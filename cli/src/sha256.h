// SHA-256 for manifests (inputs, policies, outputs). OpenSSL's EVP interface.
#pragma once

#include <string>
#include <string_view>

namespace declass::app {

/// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

/// Incremental form for data that arrives in pieces.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view bytes);
  std::string hex();  ///< finishes; the object cannot be updated afterwards

 private:
  void* ctx_;
};

}  // namespace declass::app
