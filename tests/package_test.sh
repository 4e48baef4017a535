#!/usr/bin/env bash
# The Debian package: built with CPack from the build tree (as `cmake
# --build build --target package` does), unpacked with `dpkg -x` into a
# scratch root, and its drover run from there. Usage: package_test.sh BUILD_DIR
set -euo pipefail
build=$1
tmp=$(mktemp -d /tmp/drover-package-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cpack --config "$build/CPackConfig.cmake" -B "$tmp/out" >"$tmp/cpack.log" 2>&1 \
  || { cat "$tmp/cpack.log" >&2; fail "cpack"; }
deb=$(ls "$tmp"/out/drover_*.deb)
dpkg -x "$deb" "$tmp/root"
root=$tmp/root

version=$("$root/usr/bin/drover" --version)
echo "$version"
[[ $version =~ ^drover\ [0-9]+\.[0-9]+\.[0-9]+\ \(commit\ ([0-9a-f]{12}|unknown),\ CAF\ 0\.17\.[0-9]+\)$ ]] \
  || fail "unexpected --version: $version"
[ "$version" = "$("$build/drover" --version)" ] || fail "the packaged binary is not the built one"

for f in usr/lib/systemd/system/drover-manager.service usr/lib/systemd/system/drover-consumer.service \
         etc/drover/drover.yaml usr/share/doc/drover/drover.yaml.example \
         usr/share/bash-completion/completions/drover usr/share/man/man1/drover.1; do
  [ -s "$root/$f" ] || fail "missing $f"
done
grep -qF -- '\-\-grace' "$root/usr/share/man/man1/drover.1" || fail "the man page lacks run's flags"
grep -q '^Type=notify' "$root/usr/lib/systemd/system/drover-manager.service" || fail "not Type=notify"

control=$(dpkg-deb -I "$deb")
grep -q '^ Depends:.*libcaf' <<<"$control" || fail "no Depends on libcaf: $control"
dpkg-deb -e "$deb" "$tmp/control"
grep -qx '/etc/drover/drover.yaml' "$tmp/control/conffiles" || fail "the config is no conffile"
[ -x "$tmp/control/postinst" ] || fail "no postinst"

# The packaged example config is valid as it stands (read as the system config).
DROVER_SYSTEM_CONFIG="$root/etc/drover/drover.yaml" "$root/usr/bin/drover" run --role=registry \
  --listen=127.0.0.1:0 --ready-file="$tmp/ready" --log-level=warn &
pid=$!
for _ in $(seq 100); do [ -s "$tmp/ready" ] && break; sleep 0.1; done
[ -s "$tmp/ready" ] || { kill "$pid" 2>/dev/null; fail "drover run with the packaged config never got ready"; }
kill -TERM "$pid"; wait "$pid" || fail "drover run exited non-zero"

# bash completion from the packaged files: subcommands, then run's flags.
complete_words() {
  PATH="$root/usr/bin:$PATH" bash -c '
    source "$1/usr/share/bash-completion/completions/drover"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _drover; echo "${COMPREPLY[*]}"' _ "$root" "$@"
}
[ "$(complete_words drover subm)" = "submit" ] || fail "completion of 'subm': $(complete_words drover subm)"
[[ " $(complete_words drover run --gr) " == *" --grace "* ]] || fail "completion of run --gr"
[[ " $(complete_words drover rules "") " == *" apply "* ]] || fail "completion of rules"

if command -v systemd-analyze >/dev/null; then
  for u in drover-manager drover-consumer; do
    out=$(systemd-analyze verify "$root/usr/lib/systemd/system/$u.service" 2>&1 || true)
    # Only problems in the unit itself count: the binary is not installed at /usr/bin here.
    if grep -v -e 'drover: Command /usr/bin/drover' -e 'is not executable' -e 'No such file' -e "Command 'man " <<<"$out" \
       | grep -q "$u.service"; then
      fail "systemd-analyze verify $u: $out"
    fi
  done
fi
echo "package ok: $(basename "$deb")"
