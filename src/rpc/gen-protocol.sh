#!/bin/sh
# gen-protocol.sh RPCGEN -h|-c INPUT.x OUTPUT: run rpcgen on a copy of
# INPUT.x so the generated #include names the header by its basename
# (rpcgen copies the input path into it).  Each mode uses its own scratch
# directory: the two runs may go in parallel.
set -eu
rpcgen=$1 mode=$2 input=$3 output=$4
scratch=$(dirname "$output")/.rpcgen$mode
rm -rf "$scratch"
mkdir -p "$scratch"
cp "$input" "$scratch/"
out=$(cd "$(dirname "$output")" && pwd)/$(basename "$output")
rm -f "$out"
cd "$scratch"
"$rpcgen" -i 0 "$mode" -o "$out" "$(basename "$input")"
