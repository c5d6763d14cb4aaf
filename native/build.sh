#!/usr/bin/env bash
# Builds the capture module: vmlinux.h from the running kernel's BTF, the BPF object (clang, CO-RE),
# its libbpf skeleton, then the Node-API addon with node-gyp. Everything lands in native/build/.
set -euo pipefail
cd "$(dirname "$0")"
out=build/gen
mkdir -p "$out"

if [ ! -r /sys/kernel/btf/vmlinux ]; then
  # Without kernel BTF there is nothing to build against; the native tests say so and skip
  # (under CI=true they fail instead, and so does this build).
  echo "native: /sys/kernel/btf/vmlinux is missing: the capture addon is not built" >&2
  [ "${CI:-}" = "true" ] && exit 1
  exit 0
fi

if [ ! -s "$out/vmlinux.h" ] || [ /sys/kernel/btf/vmlinux -nt "$out/vmlinux.h" ]; then
  bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$out/vmlinux.h.tmp"
  mv "$out/vmlinux.h.tmp" "$out/vmlinux.h"
fi

# Rebuild the BPF object and skeleton when a kernel-side source is newer.
obj="$out/capture.bpf.o"
if [ ! -s "$obj" ] || [ capture.bpf.c -nt "$obj" ] || [ capture.h -nt "$obj" ] || [ event_ids.h -nt "$obj" ] || [ compat.bpf.h -nt "$obj" ]; then
  clang -target bpf -D__TARGET_ARCH_x86 -g -O2 -Wall -Wno-unused-function \
    -I"$out" -I. -c capture.bpf.c -o "$obj.tmp"
  mv "$obj.tmp" "$obj"
  bpftool gen skeleton "$obj" name capture_bpf > "$out/capture.skel.h.tmp"
  mv "$out/capture.skel.h.tmp" "$out/capture.skel.h"
fi

# node-gyp: the project's own if installed, else the one bundled with the system's npm (found from
# the npm executable, since node_modules/.bin may put another node first on PATH). Headers come from
# /usr (Debian's nodejs), nothing is downloaded; the Node-API build runs on every Node version.
gyp=""
npm_cli=$(readlink -f "$(command -v npm 2>/dev/null || echo /usr/bin/npm)" 2>/dev/null || true)
for candidate in \
  ../node_modules/node-gyp/bin/node-gyp.js \
  "$(dirname "$npm_cli")/../node_modules/node-gyp/bin/node-gyp.js" \
  /usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js \
  /usr/share/nodejs/node-gyp/bin/node-gyp.js; do
  if [ -f "$candidate" ]; then gyp=$candidate; break; fi
done
if [ -z "$gyp" ]; then
  echo "native: node-gyp not found (looked in node_modules and next to npm)" >&2
  exit 1
fi
nodedir=${SAKER_NODEDIR:-/usr}
if [ ! -f build/Makefile ] || [ binding.gyp -nt build/Makefile ]; then
  node "$gyp" configure --nodedir="$nodedir" --loglevel=warn >/dev/null
fi
node "$gyp" build --nodedir="$nodedir" --loglevel=warn -j max >/dev/null
