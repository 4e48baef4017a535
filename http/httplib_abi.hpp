// The one way drover includes cpp-httplib. Debian's libcpp-httplib.so is
// built with OpenSSL, zlib and brotli (see cpp-httplib.pc), and those switches
// change the layout of httplib::Request and the client classes: a file that
// includes <httplib.h> without them disagrees with the library about where
// each member lives. Include this header instead of <httplib.h>.
#pragma once

#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_OPENSSL_SUPPORT
#endif
#ifndef CPPHTTPLIB_ZLIB_SUPPORT
#define CPPHTTPLIB_ZLIB_SUPPORT
#endif
#ifndef CPPHTTPLIB_BROTLI_SUPPORT
#define CPPHTTPLIB_BROTLI_SUPPORT
#endif

#include <httplib.h>
