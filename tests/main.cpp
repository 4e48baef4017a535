// The doctest main of drover_tests (actors, the binary, processes). Actor
// tests run on CAF's deterministic scheduler via tests/support/actor_fixture,
// so no caf/test/* engine is needed.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
