// Boost.Asio and its SSL layer compiled once, here, instead of inline in
// every file that uses them (BOOST_ASIO_SEPARATE_COMPILATION, set for
// drover_http in CMakeLists.txt): the server files build faster.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
