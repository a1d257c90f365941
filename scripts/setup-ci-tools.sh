#!/usr/bin/env bash
# Install and start what the matrix tests (tests/matrix/) need, idempotently, on a machine of this
# project's kind (Debian bookworm, root, only the package registries reachable).
#
#   bash scripts/setup-ci-tools.sh [start]   install what is missing, start the Docker engine,
#                                            load (or build once) the platform base images, write
#                                            the environment file the tests read; prints its path
#   bash scripts/setup-ci-tools.sh stop      stop the Docker engine this script started
#   bash scripts/setup-ci-tools.sh status    exit 0 when the Docker engine answers on its socket
#   bash scripts/setup-ci-tools.sh env       print the environment file (source it in a shell)
#   bash scripts/setup-ci-tools.sh freeze [airflow|feast]   re-resolve ci/<name>.in into
#                                            ci/constraints-<name>.txt
#
# What it does (each step is skipped when already done):
#   1. Debian packages: docker.io (dockerd), debootstrap, groovy (+ a JDK), postgresql.
#   2. Two virtualenvs under $CACHE/venvs, built with uv from ci/<name>.in pinned by
#      ci/constraints-<name>.txt: airflow (Airflow + the Kubernetes provider) and feast (Feast +
#      psycopg2). Rebuilt only when the constraints change.
#   3. dockerd on a unix socket in $RUN (no iptables, no bridge: containers run with --network none
#      or host), data root $RUN/docker-data.
#   4. The platform base images (platform.yml base_images, which cannot be pulled here): Debian
#      bookworm minbase + python3/venv/pip + the host's CA bundle, made with debootstrap and
#      `docker import`, tagged as the CPU and the GPU image names; saved as a tarball under $CACHE
#      and loaded from there on later runs.
#   5. $CACHE/ci.env: DOCKER_HOST, the venv pythons, PostgreSQL's bin dir, JAVA_HOME, caches.
# PostgreSQL is not started here: each pytest session starts its own server (tests/matrix/conftest.py).
#
# Environment: MLGOLDEN_CI_CACHE (default ~/.cache/mlgolden-ci: venvs, base image tarball, uv and
# pip caches), MLGOLDEN_CI_RUN (default /tmp/mlgolden-ci: docker socket, data root, logs),
# MLGOLDEN_CI_DEBIAN_MIRROR (debootstrap's mirror).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${MLGOLDEN_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mlgolden-ci}
RUN=${MLGOLDEN_CI_RUN:-/tmp/mlgolden-ci}
MIRROR=${MLGOLDEN_CI_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SOCK=$RUN/docker.sock
export DOCKER_HOST=unix://$SOCK
export UV_CACHE_DIR=$CACHE/uv
CPU_IMAGE=localhost:5000/mlplatform/python:3.11-bookworm
GPU_IMAGE=localhost:5000/mlplatform/python-cuda:3.11-cuda12
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
VENVS=(airflow feast)

log() { printf '[setup-ci-tools %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

APT_UPDATED=
apt_install() {
    [ "$(id -u)" = 0 ] || die "need root to apt-get install $*"
    if [ -z "$APT_UPDATED" ]; then
        log "apt-get update"
        apt-get update -qq
        APT_UPDATED=1
    fi
    log "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

pg_bindir() {
    local initdb
    initdb=$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n1 || true)
    [ -n "$initdb" ] && dirname "$(readlink -f "$initdb")"
}

java_home() {
    have java || return 0
    local java
    java=$(readlink -f "$(command -v java)")
    java=${java%/bin/java}
    # Prefer the JDK when `java` is a JRE inside it (Debian: .../java-17-openjdk-amd64/bin/java).
    echo "$java"
}

install_packages() {
    local pkgs=()
    have dockerd || pkgs+=(docker.io)
    have debootstrap || pkgs+=(debootstrap)
    have groovy || pkgs+=(groovy)
    have javac || pkgs+=(default-jdk-headless)
    [ -n "$(pg_bindir)" ] || pkgs+=(postgresql)
    have runuser || pkgs+=(util-linux)
    have make || pkgs+=(make)
    have git || pkgs+=(git)
    if [ ${#pkgs[@]} -gt 0 ]; then apt_install "${pkgs[@]}"; else log "Debian packages: all present"; fi
    have uv || python3 -m pip install -q uv
    have terraform || log "WARNING: terraform is not on PATH (the machine image provides it; the Terraform fmt test will skip or, with CI=true, fail)"
}

# --- virtualenvs -----------------------------------------------------------------------------
venv_key() {  # what a venv is built from: rebuild when it changes
    { echo compile-bytecode; cat "$ROOT/ci/$1.in" "$ROOT/ci/constraints-$1.txt"; } | sha256sum | cut -c1-16
    python3 -c 'import sys; print(sys.version)'
}

build_venv() {
    local name=$1 dir=$CACHE/venvs/$1 key
    key=$(venv_key "$name")
    if [ -x "$dir/bin/python" ] && [ "$(cat "$dir/.mlgolden-ci-key" 2>/dev/null)" = "$key" ]; then
        log "venv $name: up to date ($dir)"
        return
    fi
    log "venv $name: building $dir"
    rm -rf "$dir"
    mkdir -p "$CACHE/venvs"
    uv venv -q --python "$(command -v python3)" "$dir"
    uv pip install -q --compile-bytecode --python "$dir/bin/python" -r "$ROOT/ci/$name.in" -c "$ROOT/ci/constraints-$name.txt"
    echo "$key" > "$dir/.mlgolden-ci-key"
}

freeze() {  # re-resolve ci/<name>.in into ci/constraints-<name>.txt from a fresh venv
    local name tmp names=("$@")
    [ ${#names[@]} -gt 0 ] || names=("${VENVS[@]}")
    for name in "${names[@]}"; do
        tmp=$(mktemp -d)
        uv venv -q --python "$(command -v python3)" "$tmp/venv"
        uv pip install -q --python "$tmp/venv/bin/python" -r "$ROOT/ci/$name.in"
        {
            echo "# Pinned by \`bash scripts/setup-ci-tools.sh freeze\` from ci/$name.in ($(date -u +%F),"
            echo "# $("$tmp/venv/bin/python" -V), $(uname -m)). The matrix tests' $name venv is built from exactly this."
            uv pip freeze --python "$tmp/venv/bin/python" 2>/dev/null
        } > "$ROOT/ci/constraints-$name.txt"
        rm -rf "$tmp"
        log "wrote ci/constraints-$name.txt"
    done
}

# --- Docker engine ---------------------------------------------------------------------------
docker_up() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

start_dockerd() {
    mkdir -p "$RUN"
    if docker_up; then
        log "dockerd: already running on $SOCK"
        return
    fi
    [ "$(id -u)" = 0 ] || die "dockerd needs root"
    log "dockerd: starting on $SOCK (data root $RUN/docker-data, log $RUN/dockerd.log)"
    rm -f "$SOCK" "$RUN/dockerd.pid"
    setsid nohup dockerd --storage-driver overlay2 --iptables=false --ip6tables=false --bridge=none \
        --host "unix://$SOCK" --data-root "$RUN/docker-data" --exec-root "$RUN/docker-exec" \
        --pidfile "$RUN/dockerd.pid" >"$RUN/dockerd.log" 2>&1 </dev/null &
    local i
    for i in $(seq 1 60); do
        docker_up && { log "dockerd: up (pid $(cat "$RUN/dockerd.pid"))"; return; }
        sleep 0.5
    done
    tail -n 20 "$RUN/dockerd.log" >&2
    die "dockerd did not come up"
}

stop_dockerd() {
    local pid
    pid=$(cat "$RUN/dockerd.pid" 2>/dev/null || true)
    if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
        log "dockerd: not running (no live $RUN/dockerd.pid)"
        return
    fi
    log "dockerd: stopping pid $pid"
    docker ps -q | xargs -r docker rm -f >/dev/null 2>&1 || true
    kill -TERM "$pid"
    local i
    for i in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
        log "dockerd: pid $pid still running after 20 s"
        return
    fi
    # dockerd leaves its default network namespace bind-mounted: unmount it, so the run dir can go.
    umount "$RUN/docker-exec/netns/default" 2>/dev/null || true
}

# --- platform base images --------------------------------------------------------------------
BASE_RECIPE="debootstrap --variant=minbase --include=python3,python3-venv,python3-pip,ca-certificates bookworm; host CA bundle; ENV PIP_CERT REQUESTS_CA_BUNDLE SSL_CERT_FILE LANG; v1"

base_key() { { echo "$BASE_RECIPE"; cat "$CA_BUNDLE"; } | sha256sum | cut -c1-16; }

base_loaded() {
    local key=$1 image
    for image in "$CPU_IMAGE" "$GPU_IMAGE"; do
        [ "$(docker image inspect --format '{{index .Config.Labels "org.mlgolden.ci.base"}}' "$image" 2>/dev/null)" = "$key" ] || return 1
    done
}

build_base_tarball() {
    local tarball=$1 rootfs=$RUN/rootfs
    have debootstrap || die "debootstrap is missing"
    log "base image: debootstrap bookworm minbase into $rootfs (about a minute)"
    rm -rf "$rootfs"
    debootstrap --variant=minbase --include=python3,python3-venv,python3-pip,ca-certificates \
        bookworm "$rootfs" "$MIRROR" >"$RUN/debootstrap.log" 2>&1 \
        || { tail -n 20 "$RUN/debootstrap.log" >&2; die "debootstrap failed"; }
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    # HTTPS (pip during `docker build`) verifies only with the host's CA bundle here.
    cp "$CA_BUNDLE" "$rootfs/etc/ssl/certs/ca-certificates.crt"
    tar -C "$rootfs" -c . | docker import \
        --change "ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt" \
        --change "ENV REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt" \
        --change "ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt" \
        --change "ENV LANG=C.UTF-8" \
        --change "LABEL org.mlgolden.ci.base=$(base_key)" \
        --change 'CMD ["python3"]' - "$CPU_IMAGE" >/dev/null
    docker tag "$CPU_IMAGE" "$GPU_IMAGE"
    rm -rf "$rootfs"
    mkdir -p "$(dirname "$tarball")"
    docker save "$CPU_IMAGE" "$GPU_IMAGE" | gzip -1 > "$tarball.tmp"
    mv "$tarball.tmp" "$tarball"
    log "base image: saved $tarball ($(du -h "$tarball" | cut -f1))"
}

base_images() {
    local key tarball
    key=$(base_key)
    tarball=$CACHE/images/mlplatform-base-$key.tar.gz
    if base_loaded "$key"; then
        log "base images: loaded ($CPU_IMAGE, $GPU_IMAGE)"
        return
    fi
    if [ -s "$tarball" ]; then
        log "base images: docker load $tarball"
        docker load -q -i "$tarball" >/dev/null
    else
        build_base_tarball "$tarball"
    fi
    base_loaded "$key" || die "base images missing after loading $tarball"
}

write_env() {
    local envfile=$CACHE/ci.env
    mkdir -p "$CACHE/pip"
    {
        echo "# Written by scripts/setup-ci-tools.sh; read by tests/matrix/conftest.py (or: source it)."
        echo "export DOCKER_HOST=$(printf %q "$DOCKER_HOST")"
        echo "export MLGOLDEN_CI_AIRFLOW_PYTHON=$(printf %q "$CACHE/venvs/airflow/bin/python")"
        echo "export MLGOLDEN_CI_FEAST_PYTHON=$(printf %q "$CACHE/venvs/feast/bin/python")"
        echo "export MLGOLDEN_CI_PG_BIN=$(printf %q "$(pg_bindir)")"
        echo "export MLGOLDEN_CI_UV_CACHE=$(printf %q "$UV_CACHE_DIR")"
        echo "export MLGOLDEN_CI_PIP_CACHE=$(printf %q "$CACHE/pip")"
        echo "export JAVA_HOME=$(printf %q "$(java_home)")"
    } > "$envfile.tmp"
    mv "$envfile.tmp" "$envfile"
    echo "$envfile"
}

main() {
    local cmd=${1:-start}
    case $cmd in
        start)
            local t0=$SECONDS
            install_packages
            local name
            for name in "${VENVS[@]}"; do build_venv "$name"; done
            start_dockerd
            base_images
            # Dangling images and stopped containers of earlier runs, older than 2 h (a build running
            # now keeps its intermediate images; tagged images stay: they are the layer cache).
            docker container prune -f --filter until=2h >/dev/null 2>&1 || true
            docker image prune -f --filter until=2h >/dev/null 2>&1 || true
            write_env
            log "ready in $((SECONDS - t0)) s"
            ;;
        stop) stop_dockerd ;;
        status) docker_up ;;
        env) cat "$CACHE/ci.env" ;;
        freeze) shift; freeze "$@" ;;
        *) die "unknown command $cmd (start|stop|status|env|freeze)" ;;
    esac
}

main "$@"
