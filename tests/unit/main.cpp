// The doctest main of drover_unit_tests: pure code only (core/, rules/,
// store/, config/), no actor system.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
