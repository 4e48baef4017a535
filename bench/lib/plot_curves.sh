#!/usr/bin/env bash
# Draws bench/curves.sh's rows (DAT) as PNGs in OUT: per sweep (consumers,
# payload, queued) tasks/s on the left and p99 submit -> done on the right,
# one line per store and mode found in DAT. Failed runs (ok = 0) are left out.
#   bash bench/lib/plot_curves.sh DAT OUT
set -euo pipefail
DAT=$1 OUT=$2
title=$(sed -n '1s/^# drover simulate curves, //p' "$DAT" | cut -d';' -f1-2)
PARTS=$(mktemp -d /tmp/drover-plot-XXXXXX)
trap 'rm -rf "$PARTS"' EXIT

# plot_sweep SWEEP XCOL XLABEL FILE: XCOL is the column of the x value
plot_sweep() {
  local sweep=$1 xcol=$2 xlabel=$3 file=$4 lines=() plots_t=() plots_p=()
  mapfile -t lines < <(awk -v s="$sweep" '$1 == s && $11 == 1 {print $2 " " $3}' "$DAT" | sort -u)
  ((${#lines[@]})) || return 0
  for l in "${lines[@]}"; do
    read -r store mode <<<"$l"
    local part="$PARTS/$sweep.$store.$mode" name=$store
    awk -v s="$sweep" -v st="$store" -v m="$mode" '$1 == s && $2 == st && $3 == m && $11 == 1' \
      "$DAT" | sort -n -k"$xcol" >"$part"
    [[ $mode == one-process ]] || name="$store, $mode"
    plots_t+=("'$part' using $xcol:(\$8/1000) with linespoints title '$name'")
    plots_p+=("'$part' using $xcol:10 with linespoints title '$name'")
  done
  local IFS=,
  gnuplot <<EOF
set terminal pngcairo size 1100,420 font "sans,10"
set output "$OUT/$file"
set multiplot layout 1,2 title "drover simulate: $xlabel ($title)"
set logscale x 10
set format x "%.0s%c"
set grid
set key top right
set xlabel "$xlabel"
set ylabel "tasks/s (thousands)"
set yrange [0:*]
plot ${plots_t[*]}
set ylabel "p99 submit -> done (ms)"
set logscale y 10
set yrange [*:*]
plot ${plots_p[*]}
unset multiplot
EOF
}

plot_sweep consumers 4 "consumers" consumers.png
plot_sweep payload 5 "payload bytes per task" payload.png
# queue depth: 0 has no logarithm, so x is depth + 1
awk '$1 == "queued" {$5 = $6 + 1; $1 = "queued1"} 1' "$DAT" >"$PARTS/queued.dat"
DAT=$PARTS/queued.dat plot_sweep queued1 5 "tasks queued before the consumers join, + 1" queued.png
