#!/usr/bin/env bash
# The cost of mutual TLS on node links: W2 (noop throughput, registry+manager,
# 2 consumers and a producer as 4 processes, memory store) and W3 across
# processes (one task at a time, submit -> result, p50/p99, bench/latency_bench
# joined as a producer), each with TLS off and on, alternating in the same
# run. Certificates come from `drover certs init`. Prints a table of medians.
#
# Usage: bench/tls.sh [--build-dir=DIR] [--rounds=R] [--quick] [--keep]
#   sizes: N = 100k noop tasks (W2), 2000 one-at-a-time tasks (W3);
#   --quick: 20k / 300, one round. 127.0.0.1 only, OS-picked ports, every wait
#   bounded; only processes started here are signalled.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$PWD/build
ROUNDS=3
QUICK=0
KEEP=0
for arg in "$@"; do
  case $arg in
    --build-dir=*) BUILD=${arg#*=} ;;
    --rounds=*) ROUNDS=${arg#*=} ;;
    --quick) QUICK=1; ROUNDS=1 ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "tls.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "tls.sh: --rounds wants a positive number" >&2; exit 2; }
if ((QUICK)); then N_TP=20000; N_LAT=300; else N_TP=100000; N_LAT=2000; fi
BUILD=$(cd "$BUILD" 2>/dev/null && pwd) || { echo "tls.sh: no such directory: $BUILD" >&2; exit 2; }
DROVER=$BUILD/drover
LATENCY=$BUILD/latency_bench
for b in "$DROVER" "$LATENCY"; do
  [[ -x $b ]] || { echo "tls.sh: $b is missing; build first (cmake --build build)" >&2; exit 2; }
done

TMP=$(mktemp -d /tmp/drover-tls-bench-XXXXXX)
RES=$TMP/results
mkdir -p "$RES"
cd "$TMP" || exit 1 # consumers write files (exec-groups-NODE) into their working directory
PIDS=()
ours() { [[ -n $1 ]] && jobs -p -r | grep -qx -- "$1"; }
cleanup() {
  local p
  for p in "${PIDS[@]}"; do ours "$p" && { kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; }; done
  if ((KEEP)); then echo "scratch directory kept: $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
note() { printf '[%3ds] %s\n' "$SECONDS" "$*" >&2; }
spawn() { local out=$1 err=$2; shift 2; "$@" >"$out" 2>"$err" & SPAWNED=$!; PIDS+=("$SPAWNED"); }
stop() {
  local pid=$1 deadline=$((SECONDS + 10))
  ours "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null
  while ours "$pid" && ((SECONDS < deadline)); do sleep 0.02; done
  ours "$pid" && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}
wait_text() {
  local file=$1 text=$2 deadline=$((SECONDS + $3)) pid=${4:-}
  while ((SECONDS < deadline)); do
    grep -q -- "$text" "$file" 2>/dev/null && return 0
    [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null && { grep -q -- "$text" "$file" 2>/dev/null; return; }
    sleep 0.01
  done
  return 1
}
record() { echo "$2" >>"$RES/$1"; }
source "$HERE/lib/ready.sh" # wait_ready, ready_get

"$DROVER" certs init "$TMP/pki" --node=manager,c1,c2,producer,bench >/dev/null || exit 1
tls_of() { # tls_of MODE NODE: the flags of NODE in MODE (off: none)
  [[ $1 == on ]] && echo "--tls-cert=$TMP/pki/$2.pem --tls-key=$TMP/pki/$2.key --tls-ca=$TMP/pki/ca.pem"
}

# cluster MODE TAG: registry+manager and consumers c1, c2; sets MGR_EP, C1, C2.
cluster() {
  local mode=$1 tag=$2
  # shellcheck disable=SC2046
  spawn "$TMP/$tag.mgr.out" "$TMP/$tag.mgr.err" "$DROVER" run --http=off \
    --role=registry,manager --listen=127.0.0.1:0 --store=memory \
    --ready-file="$TMP/$tag.mgr.ready" $(tls_of "$mode" manager)
  MGR=$SPAWNED
  wait_ready "$TMP/$tag.mgr.ready" 60 "$MGR" || return 1
  MGR_EP=$(ready_get "$TMP/$tag.mgr.ready" registry)
  for c in c1 c2; do
    # shellcheck disable=SC2046
    spawn "$TMP/$tag.$c.out" "$TMP/$tag.$c.err" "$DROVER" run --role=consumer \
      --registry="$MGR_EP" --node="$c" --ready-file="$TMP/$tag.$c.ready" $(tls_of "$mode" "$c")
    eval "${c^^}=$SPAWNED"
    wait_ready "$TMP/$tag.$c.ready" 15 "$SPAWNED" || return 1
  done
}
uncluster() { stop "${C1:-}"; stop "${C2:-}"; stop "${MGR:-}"; C1=""; C2=""; MGR=""; }

w2() { # w2 MODE ROUND
  local tag=w2.$1.$2 t
  if cluster "$1" "$tag"; then
    # shellcheck disable=SC2046
    timeout -k 5 180 "$DROVER" run --role=producer --registry="$MGR_EP" --tasks="$N_TP" \
      --type=noop $(tls_of "$1" producer) >"$TMP/$tag.prod.out" 2>"$TMP/$tag.prod.err"
    t=$(grep -m1 -o '^throughput: [0-9]*' "$TMP/$tag.prod.out" | awk '{print $2}')
    [[ -n $t ]] && record "W2.$1" "$t" || note "W2 $1 round $2: no throughput (see $TMP/$tag.prod.err)"
  else
    note "W2 $1 round $2: cluster did not start"
  fi
  uncluster
}

w3() { # w3 MODE ROUND
  local tag=w3.$1.$2 line
  if cluster "$1" "$tag"; then
    # shellcheck disable=SC2046
    timeout -k 5 180 "$LATENCY" --registry="$MGR_EP" --tasks="$N_LAT" $(tls_of "$1" bench) \
      >"$TMP/$tag.lat" 2>&1
    line=$(grep -m1 '^latency:' "$TMP/$tag.lat")
    if [[ -n $line ]]; then
      record "W3.$1.p50" "$(awk '{print $3}' <<<"$line")"
      record "W3.$1.p99" "$(awk '{print $6}' <<<"$line")"
    else
      note "W3 $1 round $2: no latency line ($(tail -1 "$TMP/$tag.lat"))"
    fi
  else
    note "W3 $1 round $2: cluster did not start"
  fi
  uncluster
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
note "rounds $ROUNDS, N=$N_TP (W2), $N_LAT (W3); load $LOAD_START"
for ((r = 1; r <= ROUNDS; ++r)); do
  for mode in off on; do note "W2 round $r, TLS $mode"; w2 "$mode" "$r"; done
  for mode in off on; do note "W3 round $r, TLS $mode"; w3 "$mode" "$r"; done
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

median() {
  [[ -f $RES/$1 ]] || { echo "n/a"; return; }
  sort -g "$RES/$1" | awk '{v[NR]=$1} END { if (NR == 0) print "n/a";
    else if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2 }'
}
runs() { [[ -f $RES/$1 ]] && paste -sd' ' "$RES/$1" || echo "-"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a+0 > 0 && b+0 > 0) printf "%.2fx", a/b; else print "n/a" }'; }
echo "| workload | TLS off | TLS on | on/off | runs off / on |"
echo "|---|---|---|---|---|"
for k in W2 W3.p50 W3.p99; do
  base=${k%%.*}; sub=""
  [[ $k == *.* ]] && sub=.${k#*.}
  off_key=$base.off$sub; on_key=$base.on$sub
  case $k in
    W2) what="W2 noop tasks/s, 4 processes, N=$N_TP" ;;
    W3.p50) what="W3 latency p50 µs across processes, N=$N_LAT" ;;
    W3.p99) what="W3 latency p99 µs across processes" ;;
  esac
  off=$(median "$off_key"); on=$(median "$on_key")
  echo "| $what | $off | $on | $(ratio "$on" "$off") | $(runs "$off_key") / $(runs "$on_key") |"
done
echo
echo "load at start $LOAD_START, at end $LOAD_END; $(nproc) cores"
