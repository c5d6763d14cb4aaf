#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks for Saker, then builds it. Idempotent and quiet
# when everything is already there: `npm start`, `npm test` and .ci/run all call it first.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the build needs. The native capture module (native/build.sh): clang for the BPF
# object, bpftool for vmlinux.h and the skeleton, libbpf/libelf/zlib to link, make/g++/python3 for
# node-gyp.
apt_packages=(ca-certificates clang libbpf-dev bpftool libelf-dev zlib1g-dev make g++ python3)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci only when the lock file changed since the last install (the stamp lives in node_modules).
stamp=node_modules/.saker-setup-stamp
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || [ ! -x node_modules/.bin/node ]; then
  echo "setup: npm ci" >&2
  npm ci --no-fund --no-audit --loglevel=error
  echo "$want" > "$stamp"
fi

# Everything below runs on the Node 24 that node@24 put into node_modules/.bin.
export PATH="$PWD/node_modules/.bin:$PATH"
tsc -p tsconfig.json

# The capture addon (incremental: only what changed is rebuilt).
bash native/build.sh
