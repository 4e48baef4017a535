# A bench script's scratch directory and the processes it started, cleaned
# up on exit: `bench_scratch NAME` sets TMP and PIDS (append every PID you
# start) and traps EXIT; KEEP=1 keeps the directory. Also `note` for
# progress lines on stderr with the seconds since the start.
bench_scratch() {
  TMP=$(mktemp -d "/tmp/drover-$1-XXXXXX")
  PIDS=()
  trap bench_cleanup EXIT
}
bench_cleanup() {
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  if ((${KEEP:-0})); then echo "kept $TMP"; else rm -rf "$TMP"; fi
}
note() { printf '[%3ds] %s\n' "$SECONDS" "$*" >&2; }
