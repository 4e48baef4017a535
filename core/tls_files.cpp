// check_tls_files and make_test_pki: see core/tls_files.hpp.
#include "core/tls_files.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace drover {

namespace {

struct file_closer {
  void operator()(FILE* f) const { std::fclose(f); }
};
using file_ptr = std::unique_ptr<FILE, file_closer>;
using x509_ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

/// The last OpenSSL error as text ("" if none), clearing the queue.
std::string ssl_reason() {
  unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0)
    return {};
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  return buf;
}

error bad(const char* flag, const std::string& path, const std::string& what) {
  return {ec::bad_input, std::string{flag} + ": '" + path + "' " + what};
}

error open_file(const char* flag, const std::string& path, file_ptr& out) {
  struct stat sb {};
  if (::stat(path.c_str(), &sb) == 0 && S_ISDIR(sb.st_mode))
    return bad(flag, path, "is a directory; give the PEM file");
  out.reset(std::fopen(path.c_str(), "r"));
  if (!out)
    return bad(flag, path, std::string{"cannot be read: "} + std::strerror(errno));
  return {};
}

error read_cert(const char* flag, const std::string& path, x509_ptr& out) {
  file_ptr f;
  if (auto err = open_file(flag, path, f))
    return err;
  out.reset(PEM_read_X509(f.get(), nullptr, nullptr, nullptr));
  if (!out)
    return bad(flag, path, "holds no PEM certificate (-----BEGIN CERTIFICATE-----); "
                           "make one with `drover certs init DIR`");
  return {};
}

error read_key(const std::string& path, pkey_ptr& out) {
  file_ptr f;
  if (auto err = open_file("--tls-key", path, f))
    return err;
  // An empty passphrase: an encrypted key fails here instead of prompting.
  out.reset(PEM_read_PrivateKey(f.get(), nullptr, nullptr, const_cast<char*>("")));
  if (!out)
    return bad("--tls-key", path, "holds no unencrypted PEM private key (" + ssl_reason()
                                    + "); give the key made with the certificate");
  return {};
}

error check_signed_by(const tls_files& files, X509* cert, X509* ca) {
  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store{X509_STORE_new(),
                                                                X509_STORE_free};
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx{X509_STORE_CTX_new(),
                                                                      X509_STORE_CTX_free};
  if (!store || !ctx || X509_STORE_add_cert(store.get(), ca) != 1
      || X509_STORE_CTX_init(ctx.get(), store.get(), cert, nullptr) != 1)
    return {ec::bad_input, "--tls-ca: cannot set up the check of '" + files.cert
                             + "' (" + ssl_reason() + ")"};
  if (X509_verify_cert(ctx.get()) == 1)
    return {};
  auto why = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
  ERR_clear_error();
  return {ec::bad_input, "--tls-cert: '" + files.cert + "' is not accepted by the CA in '"
                           + files.ca + "' (" + why
                           + "); sign it with that CA, or give the CA that signed it"};
}

} // namespace

error check_tls_files(const tls_files& files) {
  if (!files.any())
    return {};
  for (auto [flag, value] : {std::pair{"--tls-cert", &files.cert},
                             std::pair{"--tls-key", &files.key}, std::pair{"--tls-ca", &files.ca}})
    if (value->empty())
      return {ec::bad_input, std::string{flag}
                               + " is missing: TLS needs --tls-cert, --tls-key and --tls-ca "
                                 "together (make them with `drover certs init DIR`)"};
  x509_ptr cert{nullptr, X509_free}, ca{nullptr, X509_free};
  pkey_ptr key{nullptr, EVP_PKEY_free};
  if (auto err = read_cert("--tls-cert", files.cert, cert))
    return err;
  if (auto err = read_key(files.key, key))
    return err;
  if (auto err = read_cert("--tls-ca", files.ca, ca))
    return err;
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return {ec::bad_input, "--tls-key: '" + files.key + "' does not belong to the certificate '"
                             + files.cert + "'; give the key made with it"};
  }
  return check_signed_by(files, cert.get(), ca.get());
}

bool same_secret(const std::string& given, const std::string& expected) {
  // The SHA-256 digests are compared, so neither how much of a guess was
  // right nor the secret's length shows in the time taken.
  unsigned char a[SHA256_DIGEST_LENGTH], b[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(given.data()), given.size(), a);
  SHA256(reinterpret_cast<const unsigned char*>(expected.data()), expected.size(), b);
  return CRYPTO_memcmp(a, b, sizeof a) == 0;
}

} // namespace drover
