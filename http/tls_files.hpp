// The certificate and key of HTTPS (--http-tls-cert, --http-tls-key),
// checked before anything binds, so a wrong file is one clear line at
// start instead of failed handshakes later.
#pragma once

#include <string>

#include "core/errors.hpp"

namespace drover {

/// ec::bad_input naming the flag and what to fix when: either file cannot
/// be read, the certificate file holds no PEM certificate, the key file no
/// PEM private key (or an encrypted one), the key does not belong to the
/// certificate, or the certificate has expired.
error check_tls_files(const std::string& cert_path, const std::string& key_path);

} // namespace drover
