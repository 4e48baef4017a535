#!/bin/sh
# Writes a job body (POST /v1/jobs, `drover submit FILE.json`) that runs an
# existing program, factor(1), N times with different arguments:
#   examples/many/make-job.sh 10000 > /tmp/factor-10k.json
#   ./build/drover submit /tmp/factor-10k.json --wait
set -eu
n="${1:-10000}"
seq 1 "$n" | awk 'BEGIN { printf "{\"name\":\"factor-%s\",\"tasks\":[", ARGV[1]; ARGV[1] = "" }
  { printf "%s{\"type\":\"factor\",\"payload\":\"%d\",\"max_attempts\":2}", (NR > 1 ? "," : ""), 1000000000 + $1 }
  END { print "]}" }' "$n"
