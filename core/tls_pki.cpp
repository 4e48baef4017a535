// make_test_pki (`drover certs init DIR`): a CA and node certificates for a
// test cluster, written with libssl (no openssl command needed).
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <regex>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/tls_files.hpp"

namespace drover {

namespace {

using x509_ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

error ssl_failed(const std::string& what) {
  unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  char buf[256] = "unknown reason";
  if (code != 0)
    ERR_error_string_n(code, buf, sizeof buf);
  return {ec::bad_input, "certs init: " + what + " failed (" + buf + ")"};
}

pkey_ptr new_key() {
  return pkey_ptr{EVP_RSA_gen(2048), EVP_PKEY_free};
}

bool add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext)
    return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

/// A certificate for `key` named `cn`, signed by `issuer_key` (self-signed
/// when `issuer` is null: the CA).
x509_ptr new_cert(const std::string& cn, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
                  int days) {
  x509_ptr cert{X509_new(), X509_free};
  if (!cert)
    return cert;
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f; // a positive number
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn{BN_bin2bn(serial, sizeof serial, nullptr),
                                                 BN_free};
  X509_set_version(cert.get(), 2);
  BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300); // some clock skew between nodes
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * days);
  X509_set_pubkey(cert.get(), key);
  auto* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  X509* signer = issuer ? issuer : cert.get();
  bool ok = issuer ? add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE")
                       && add_ext(cert.get(), signer, NID_ext_key_usage, "serverAuth,clientAuth")
                   : add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE")
                       && add_ext(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  ok = ok && add_ext(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (!ok || X509_sign(cert.get(), issuer_key, EVP_sha256()) == 0)
    cert.reset();
  return cert;
}

error write_pem(const std::string& path, bool secret,
                const std::function<int(FILE*)>& write) {
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_EXCL; // never over a key in use
  int fd = ::open(path.c_str(), flags, secret ? 0600 : 0644);
  if (fd < 0)
    return {ec::bad_input, "certs init: cannot write '" + path + "': " + std::strerror(errno)
                             + (errno == EEXIST ? " (remove it, or pick another node name)" : "")};
  FILE* f = ::fdopen(fd, "w");
  if (!f) {
    ::close(fd);
    return {ec::bad_input, "certs init: cannot write '" + path + "'"};
  }
  int ok = write(f);
  bool closed = std::fclose(f) == 0;
  if (ok != 1 || !closed)
    return ssl_failed("writing '" + path + "'");
  return {};
}

error load_ca(const std::string& dir, x509_ptr& ca, pkey_ptr& key) {
  std::unique_ptr<FILE, int (*)(FILE*)> c{std::fopen((dir + "/ca.pem").c_str(), "r"), std::fclose};
  std::unique_ptr<FILE, int (*)(FILE*)> k{std::fopen((dir + "/ca.key").c_str(), "r"), std::fclose};
  if (!c || !k)
    return {ec::bad_input, "certs init: '" + dir + "' has ca.pem or ca.key but not both; "
                             "remove the one left, or use another directory"};
  ca.reset(PEM_read_X509(c.get(), nullptr, nullptr, nullptr));
  key.reset(PEM_read_PrivateKey(k.get(), nullptr, nullptr, const_cast<char*>("")));
  if (!ca || !key)
    return ssl_failed("reading the CA in '" + dir + "'");
  return {};
}

} // namespace

error make_test_pki(const std::string& dir, const std::vector<std::string>& nodes,
                    int valid_days) {
  static const std::regex node_name{"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"};
  for (auto& n : nodes)
    if (!std::regex_match(n, node_name) || n == "ca")
      return {ec::bad_input, "certs init: node name '" + n
                               + "' must be 1-64 letters, digits, '.', '_' or '-' (not 'ca')"};
  if (valid_days < 1)
    return {ec::bad_input, "certs init: --days must be at least 1"};
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    return {ec::bad_input, "certs init: cannot create '" + dir + "': " + std::strerror(errno)};
  x509_ptr ca{nullptr, X509_free};
  pkey_ptr ca_key{nullptr, EVP_PKEY_free};
  bool have_ca = ::access((dir + "/ca.pem").c_str(), F_OK) == 0
                 || ::access((dir + "/ca.key").c_str(), F_OK) == 0;
  if (have_ca) {
    if (auto err = load_ca(dir, ca, ca_key))
      return err;
  } else {
    ca_key = new_key();
    if (!ca_key)
      return ssl_failed("making the CA key");
    ca = new_cert("drover test CA", ca_key.get(), nullptr, ca_key.get(), valid_days);
    if (!ca)
      return ssl_failed("signing the CA certificate");
    auto* k = ca_key.get();
    auto* c = ca.get();
    if (auto err = write_pem(dir + "/ca.key", true, [k](FILE* f) {
          return PEM_write_PrivateKey(f, k, nullptr, nullptr, 0, nullptr, nullptr);
        }))
      return err;
    if (auto err = write_pem(dir + "/ca.pem", false,
                             [c](FILE* f) { return PEM_write_X509(f, c); }))
      return err;
  }
  for (auto& n : nodes) {
    auto key = new_key();
    if (!key)
      return ssl_failed("making the key of " + n);
    auto cert = new_cert(n, key.get(), ca.get(), ca_key.get(), valid_days);
    if (!cert)
      return ssl_failed("signing the certificate of " + n);
    auto* k = key.get();
    auto* c = cert.get();
    if (auto err = write_pem(dir + "/" + n + ".key", true, [k](FILE* f) {
          return PEM_write_PrivateKey(f, k, nullptr, nullptr, 0, nullptr, nullptr);
        }))
      return err;
    if (auto err = write_pem(dir + "/" + n + ".pem", false,
                             [c](FILE* f) { return PEM_write_X509(f, c); }))
      return err;
  }
  return {};
}

} // namespace drover
