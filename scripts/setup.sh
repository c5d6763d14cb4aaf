#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks for Saker, then builds it. Idempotent and quiet
# when everything is already there: `npm start`, `npm test` and .ci/run all call it first.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the build needs. The native capture module (native/build.sh): clang for the BPF
# object, bpftool for vmlinux.h and the skeleton, libbpf/libelf/zlib to link, make/g++/python3 for
# node-gyp.
apt_packages=(ca-certificates clang libbpf-dev bpftool libelf-dev zlib1g-dev make g++ python3)
# Tools the tests drive as real actions or real peers (e2e suites, TLS certificates, syslog; the
# soak's log rotation).
apt_packages+=(strace gdb curl passwd openssl bsdutils iproute2 logrotate)
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

# Docker, for the container tests (test/container/): Debian's engine started by hand (no systemd
# here) with the options this VM allows, and a busybox image made locally by `docker import` (no
# registry is needed). Only as root. Outside CI a Docker that cannot work is reported, not fatal;
# under CI=true it must work.
docker_unavailable() {
  if [ "${CI:-}" = true ]; then echo "setup: Docker is required under CI=true: $1" >&2; exit 1; fi
  echo "setup: no Docker for the container tests: $1" >&2
}
setup_docker() {
  if [ "$(id -u)" != 0 ]; then docker_unavailable "not root"; return 0; fi
  local need=()
  command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
  [ -x /bin/busybox ] || need+=(busybox-static)
  if [ ${#need[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${need[*]}" >&2
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; }; then
      docker_unavailable "apt-get install ${need[*]} failed"; return 0
    fi
  fi
  if ! docker info >/dev/null 2>&1; then
    # A dockerd that is still starting has written its pid file; do not start a second one.
    if ! { [ -s /var/run/docker.pid ] && kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; }; then
      mkdir -p build
      echo "setup: starting dockerd (log: build/dockerd.log)" >&2
      nohup dockerd --iptables=false --bridge=none >>build/dockerd.log 2>&1 </dev/null &
    fi
    local i
    for i in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
    if ! docker info >/dev/null 2>&1; then
      docker_unavailable "dockerd did not answer on /var/run/docker.sock (see build/dockerd.log: $(tail -n 1 build/dockerd.log 2>/dev/null))"
      return 0
    fi
  fi
  if ! docker image inspect saker-test/busybox:1 >/dev/null 2>&1; then
    echo "setup: importing image saker-test/busybox:1 from busybox-static" >&2
    local root
    root=$(mktemp -d)
    mkdir -p "$root"/{bin,etc,tmp,proc,sys,dev,root}
    cp /bin/busybox "$root/bin/busybox"
    local applet
    for applet in $("$root/bin/busybox" --list); do [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"; done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
    printf 'root:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n' > "$root/etc/shadow"
    chmod 640 "$root/etc/shadow"
    chmod 1777 "$root/tmp"
    if ! tar -C "$root" -c . | docker import - saker-test/busybox:1 >/dev/null; then
      rm -rf "$root"; docker_unavailable "docker import of saker-test/busybox:1 failed"; return 0
    fi
    rm -rf "$root"
  fi
}
setup_docker
