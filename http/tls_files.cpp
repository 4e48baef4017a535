// check_tls_files (http/tls_files.hpp), with OpenSSL's PEM readers.
#include "http/tls_files.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace drover {

namespace {

struct bio_free { void operator()(BIO* b) const { BIO_free(b); } };
struct x509_free { void operator()(X509* x) const { X509_free(x); } };
struct pkey_free { void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); } };

error read_file(const std::string& path, const char* flag, std::string& out) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return {ec::bad_input, std::string{flag} + ": cannot read '" + path + "': "
                             + std::strerror(errno)};
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  if (out.size() > (std::size_t{1} << 20))
    return {ec::bad_input, std::string{flag} + ": '" + path + "' is over 1 MiB; is it a PEM file?"};
  return {};
}

std::unique_ptr<BIO, bio_free> memory_bio(const std::string& text) {
  return std::unique_ptr<BIO, bio_free>{BIO_new_mem_buf(text.data(), static_cast<int>(text.size()))};
}

} // namespace

error check_tls_files(const std::string& cert_path, const std::string& key_path) {
  if (cert_path.empty() != key_path.empty())
    return {ec::bad_input, cert_path.empty()
                             ? "--http-tls-key needs --http-tls-cert (the certificate it belongs to)"
                             : "--http-tls-cert needs --http-tls-key (the certificate's private key)"};
  std::string cert_text, key_text;
  if (auto err = read_file(cert_path, "--http-tls-cert", cert_text))
    return err;
  if (auto err = read_file(key_path, "--http-tls-key", key_text))
    return err;
  auto cb = memory_bio(cert_text);
  std::unique_ptr<X509, x509_free> cert{PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr)};
  if (!cert)
    return {ec::bad_input, "--http-tls-cert: '" + cert_path
                             + "' holds no PEM certificate (-----BEGIN CERTIFICATE-----)"};
  if (key_text.find("ENCRYPTED") != std::string::npos)
    return {ec::bad_input, "--http-tls-key: '" + key_path + "' is encrypted; give an unencrypted"
                             " key (openssl pkey -in KEY -out PLAIN.key) and protect the file"};
  auto kb = memory_bio(key_text);
  // A null password callback with an empty string: never prompts on a tty.
  std::unique_ptr<EVP_PKEY, pkey_free> key{
    PEM_read_bio_PrivateKey(kb.get(), nullptr, nullptr, const_cast<char*>(""))};
  if (!key)
    return {ec::bad_input, "--http-tls-key: '" + key_path
                             + "' holds no PEM private key (-----BEGIN PRIVATE KEY-----)"};
  if (X509_check_private_key(cert.get(), key.get()) != 1)
    return {ec::bad_input, "--http-tls-key: '" + key_path + "' is not the key of the certificate in '"
                             + cert_path + "'; give the pair made together"};
  if (X509_cmp_current_time(X509_get0_notAfter(cert.get())) < 0)
    return {ec::bad_input, "--http-tls-cert: the certificate in '" + cert_path
                             + "' has expired; make a new one"};
  return {};
}

} // namespace drover
