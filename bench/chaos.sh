#!/usr/bin/env bash
# The long chaos run (tests/chaos_test.cpp): many seeds of a bigger job
# against real processes, SIGKILL/SIGSTOP of consumers, SIGKILL of the
# manager and of producers. CI runs five seeds of 5,000 tasks; this runs
# SEEDS seeds (default 20) of TASKS tasks (default 20000) with FAULTS faults
# each (default 12) spread over WINDOW_MS (default 30000). A failing seed
# prints its number and fault schedule; replay it with
#   DROVER_CHAOS_SEED=N DROVER_CHAOS_TASKS=... build/drover_tests -tc='chaos seeds*'
# Usage: bench/chaos.sh [BUILD_DIR]   (default ./build)
set -eu
BUILD=${1:-build}
export DROVER_CHAOS_SEEDS=${SEEDS:-20}
export DROVER_CHAOS_TASKS=${TASKS:-20000}
export DROVER_CHAOS_FAULTS=${FAULTS:-12}
export DROVER_CHAOS_WINDOW_MS=${WINDOW_MS:-30000}
exec "$BUILD/drover_tests" -tc='chaos seeds from the environment'
