#!/usr/bin/env bash
# Installs drover's build dependencies (Debian 12 packages only) and builds
# everything into ./build. Run as root or with sudo available. tools/start.sh
# and tools/test.sh (the README's two commands) both begin with it.
set -euo pipefail
cd "$(dirname "$0")/.."

# python3 and nodejs: the reference worker libraries (workers/) and their
# examples run under the tests, as users' workers would.
# librapidcheck-dev: the seeded property tests (tests/property/) generate
# their cases with it.
# libssl-dev: CAF's OpenSSL module (mutual TLS between nodes) links it, and
# drover checks certificates and makes test ones (drover certs init) with it.
# help2man and dpkg-dev: the Debian package (cmake --build build --target
# package) gets its man page from --help and its Depends from dpkg-shlibdeps.
# postgresql-15 and libpq-dev: the PostgreSQL store (--store=postgres://...)
# links libpq, and its tests and bench start a real PostgreSQL 15 of their own.
# gnuplot-nox: bench/curves.sh draws the PNG curves of bench/README.md with it
# (no X11: it writes files only).
packages=(g++ cmake make ccache libcaf-dev libyaml-cpp-dev libfmt-dev doctest-dev
          libsqlite3-dev libcpp-httplib-dev nlohmann-json3-dev libcli11-dev sqlite3
          libboost-dev libssl-dev openssl curl python3 nodejs librapidcheck-dev
          help2man dpkg-dev postgresql-15 libpq-dev gnuplot-nox)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j "$(nproc)"

# The dashboard's browser test (web/test/run.sh): Debian's Chromium,
# and playwright-core from the npm registry at the version in
# web/test/package-lock.json (it drives /usr/bin/chromium, downloads no browser).
# Without them CTest reports that one test as skipped.
web_missing=()
dpkg -s chromium >/dev/null 2>&1 || web_missing+=(chromium)
command -v npm >/dev/null 2>&1 || web_missing+=(nodejs npm)
if [ ${#web_missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${web_missing[@]}"
fi
npm ci --prefix web/test --no-audit --no-fund
