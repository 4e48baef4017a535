// rapidcheck has no doctest integration: a case calls rc::check and fails
// when the property does (rapidcheck has printed the counterexample).
#pragma once

#include <doctest/doctest.h>
#include <rapidcheck.h>

#define DROVER_PROPERTY(description, ...) CHECK(rc::check(description, __VA_ARGS__))
