#!/usr/bin/env bash
# Builds and runs the attach-method cost probe (root, real kernel). Output: JSON lines.
set -euo pipefail
cd "$(dirname "$0")"
gen=../build/gen
out=../build/bench
mkdir -p "$out"
[ -s "$gen/vmlinux.h" ] || bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$gen/vmlinux.h"
clang -target bpf -D__TARGET_ARCH_x86 -g -O2 -I"$gen" -c attach_cost.bpf.c -o "$out/attach_cost.bpf.o"
bpftool gen skeleton "$out/attach_cost.bpf.o" name attach_cost_bpf > "$out/attach_cost.skel.h"
cc -O2 -I"$out" attach_cost.c -o "$out/attach_cost" -lbpf -lelf -lz
exec "$out/attach_cost"
