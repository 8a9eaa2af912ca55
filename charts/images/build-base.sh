#!/usr/bin/env bash
# An offline Java 17 base image for Jib, built from Debian packages, without Docker or a registry.
#
#   charts/images/build-base.sh [--rebuild] [--or-placeholder] [OUTPUT]
#
# Bootstraps this machine's Debian release (debootstrap --variant=minbase), installs openjdk-17-jre-headless with
# the release's updates and security fixes, removes apt's caches and lists, the logs and the documentation (copyright
# files stay), and packs the tree as a `docker save` tarball: manifest.json, a config JSON and one uncompressed
# layer tar whose sha256 is the config's rootfs.diff_ids[0]. Jib takes it as -Dimage.base=tar://OUTPUT (and
# `docker load -i OUTPUT` loads it). Production images use a real registry base (eclipse-temurin:17-jre); this
# one exists so that images can be built and run on machines that reach only Debian's mirrors.
#
# OUTPUT defaults to ~/.cache/tokenplane/base/tokenplane-base.tar (TOKENPLANE_CACHE moves ~/.cache/tokenplane).
# The tarball is cached: when OUTPUT exists and was built from the same inputs (release, architecture, mirrors,
# packages, this script), the script returns at once, without network. --rebuild builds it again (for newer
# security fixes). Downloaded packages are kept next to OUTPUT, so a rebuild downloads only what changed.
#
# Needs root, debootstrap (apt-get install -y debootstrap), unshare and chroot (util-linux, coreutils), and the
# mirror. Without one of them the script fails, naming what is missing; with --or-placeholder it instead writes a
# base with no layers and the label dev.tokenplane.base.unavailable=<reason> and succeeds, so that a Maven build
# goes on and the tests that would run the images skip with that reason.
#
# Environment: DEBIAN_SUITE (default: this machine's VERSION_CODENAME), DEBIAN_MIRROR (http://deb.debian.org/debian),
# DEBIAN_SECURITY_MIRROR (http://deb.debian.org/debian-security), TOKENPLANE_CACHE.
set -euo pipefail

rebuild=false
placeholder=false
output=""
for arg in "$@"; do
  case "$arg" in
    --rebuild) rebuild=true ;;
    --or-placeholder) placeholder=true ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "build-base.sh: unknown option $arg" >&2; exit 2 ;;
    *) output="$arg" ;;
  esac
done

cache="${TOKENPLANE_CACHE:-$HOME/.cache/tokenplane}"
output="${output:-$cache/base/tokenplane-base.tar}"
case "$output" in /*) ;; *) output="$PWD/$output" ;; esac
dir="$(dirname "$output")"
mkdir -p "$dir"

jre=openjdk-17-jre-headless
suite="${DEBIAN_SUITE:-$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
arch="$(dpkg --print-architecture 2>/dev/null || uname -m)"
inputs="suite=$suite arch=$arch mirror=$mirror security=$security packages=$jre script=$(sha256sum "$0" | cut -c1-64)"

log() { echo "build-base: $*" >&2; }

# A JSON string from one of our own values: escape backslashes and quotes (no control characters occur).
json() {
  local s="${1//\\/\\\\}"
  printf '"%s"' "${s//\"/\\\"}"
}

# One build at a time per OUTPUT (other builds on the machine may share the cache).
exec 9>"$output.lock"
flock 9

if [[ "$rebuild" == false && -f "$output" && "$(cat "$output.inputs" 2>/dev/null)" == "$inputs" ]]; then
  log "up to date: $output"
  exit 0
fi

# A base that has no layers and says why: Jib can build on it, nothing can run it.
write_placeholder() {
  local tmp config
  tmp="$(mktemp -d)"
  printf '{"architecture":%s,"os":"linux","config":{"Labels":{"dev.tokenplane.base.unavailable":%s}},%s}\n' \
    "$(json "$arch")" "$(json "$1")" '"rootfs":{"type":"layers","diff_ids":[]}' > "$tmp/config.json"
  config="$(sha256sum "$tmp/config.json" | cut -c1-64)"
  mv "$tmp/config.json" "$tmp/$config.json"
  printf '[{"Config":"%s.json","RepoTags":["tokenplane/base-unavailable:latest"],"Layers":[]}]\n' "$config" \
    > "$tmp/manifest.json"
  tar --create --file "$output.tmp" --directory "$tmp" manifest.json "$config.json"
  mv "$output.tmp" "$output"
  rm -rf "$tmp"
  # never "up to date": the next run checks again
  rm -f "$output.inputs"
}

unavailable() {
  log "cannot build the base image: $1"
  if [[ "$placeholder" == true ]]; then
    log "writing a placeholder without layers to $output; images built on it cannot run"
    write_placeholder "$1"
    exit 0
  fi
  exit 1
}

[[ "$(id -u)" == 0 ]] || unavailable "debootstrap and chroot need root (running as uid $(id -u))"
command -v debootstrap >/dev/null || unavailable "debootstrap is not installed (apt-get install -y debootstrap)"
{ command -v unshare && command -v chroot; } >/dev/null || unavailable "unshare or chroot is missing"
[[ -n "$suite" ]] || unavailable "no Debian release to bootstrap: set DEBIAN_SUITE (this machine has no VERSION_CODENAME)"
unshare --mount true 2>/dev/null || unavailable "unshare --mount is not permitted here (no CAP_SYS_ADMIN)"
wget -q --spider --tries=1 --timeout=20 "$mirror/dists/$suite/Release" \
  || unavailable "the mirror $mirror does not answer for $suite (no network?)"

started=$SECONDS
work="$dir/work"
rootfs="$work/rootfs"
rm -rf "$work"
mkdir -p "$work/image" "$dir/debs" "$dir/apt-archives/partial"

# Mounts made here (debootstrap's /proc and /sys, ours below) live in a private mount namespace: they vanish with
# it, even when a step fails half-way.
log "debootstrap --variant=minbase $suite ($arch) from $mirror"
unshare --mount --propagation private \
  debootstrap --variant=minbase --arch="$arch" --cache-dir="$dir/debs" "$suite" "$rootfs" "$mirror" \
  > "$work/debootstrap.log" 2>&1 || { tail -n 30 "$work/debootstrap.log" >&2; log "debootstrap failed"; exit 1; }

{
  echo "deb $mirror $suite main"
  case "$suite" in
    sid|unstable) ;;
    *) echo "deb $mirror $suite-updates main"
       echo "deb $security $suite-security main" ;;
  esac
} > "$rootfs/etc/apt/sources.list"
# What Debian's slim images leave out; copyright files stay. The JRE's alternatives want man1 to exist.
printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
  'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' 'path-exclude /usr/share/lintian/*' \
  'path-exclude /usr/share/locale/*' > "$rootfs/etc/dpkg/dpkg.cfg.d/01-tokenplane-slim"
mkdir -p "$rootfs/usr/share/man/man1"
cat /etc/resolv.conf > "$rootfs/etc/resolv.conf"

log "installing $jre (with $suite-updates and $suite-security)"
# ca-certificates-java runs java in its postinst, which wants /proc. The package cache is bind-mounted from the
# cache folder, so that a rebuild downloads only what changed.
unshare --mount --propagation private sh -ec '
  mount -t proc proc "$1/proc"
  mount --bind "$2" "$1/var/cache/apt/archives"
  chroot "$1" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 sh -ec "
      apt-get -q update
      apt-get -q -y upgrade
      apt-get -q -y install --no-install-recommends $3
      java -version"
' sh "$rootfs" "$dir/apt-archives" "$jre" > "$work/install.log" 2>&1 \
  || { tail -n 30 "$work/install.log" >&2; log "installing $jre failed"; exit 1; }

java_home="$(dirname "$(dirname "$(readlink -f "$rootfs/usr/bin/java")")")"
java_home="${java_home#"$rootfs"}"
jre_version="$(chroot "$rootfs" dpkg-query -W -f='${Version}' "$jre")"
log "installed $jre $jre_version (JAVA_HOME $java_home)"

# Clean: what apt and dpkg keep, logs, documentation that minbase brought before the excludes, and the files a
# container runtime provides (resolv.conf, hostname, hosts).
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/* \
  "$rootfs"/var/cache/debconf/*-old "$rootfs"/var/lib/dpkg/*-old "$rootfs"/tmp/* "$rootfs"/var/tmp/* \
  "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/lintian/* "$rootfs"/usr/share/locale/*
mkdir -p "$rootfs/var/cache/apt/archives/partial"
find "$rootfs/var/log" -type f -delete
find "$rootfs/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
: > "$rootfs/etc/resolv.conf"
chmod 644 "$rootfs/etc/resolv.conf"
rm -f "$rootfs/etc/hostname"
printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' > "$rootfs/etc/hosts"

# The layer: the whole tree, with /dev, /proc and /sys empty (a runtime mounts them), owners as numbers.
log "packing the layer"
(cd "$rootfs" && ls -A) > "$work/top"
tar --create --file "$work/layer.tar" --directory "$rootfs" --numeric-owner --sort=name \
  --anchored --exclude='dev/*' --exclude='proc/*' --exclude='sys/*' --files-from "$work/top"
diff_id="$(sha256sum "$work/layer.tar" | cut -c1-64)"
mkdir -p "$work/image/$diff_id"
mv "$work/layer.tar" "$work/image/$diff_id/layer.tar"

created="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
{
  printf '{"architecture":%s,"os":"linux","created":%s,' "$(json "$arch")" "$(json "$created")"
  printf '"config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",%s,"LANG=C.UTF-8"],' \
    "$(json "JAVA_HOME=$java_home")"
  printf '"Cmd":["/bin/bash"],"Labels":{"org.opencontainers.image.description":%s,"dev.tokenplane.base.jre":%s}},' \
    "$(json "tokenplane offline base: Debian $suite minbase + $jre $jre_version")" "$(json "$jre=$jre_version")"
  printf '"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},' "$diff_id"
  printf '"history":[{"created":%s,"created_by":%s}]}\n' "$(json "$created")" \
    "$(json "charts/images/build-base.sh: debootstrap --variant=minbase $suite, apt-get install $jre")"
} > "$work/config.json"
config="$(sha256sum "$work/config.json" | cut -c1-64)"
mv "$work/config.json" "$work/image/$config.json"
printf '[{"Config":"%s.json","RepoTags":[%s],"Layers":["%s/layer.tar"]}]\n' \
  "$config" "$(json "tokenplane/base:$suite-jre17")" "$diff_id" > "$work/image/manifest.json"

tar --create --file "$output.tmp" --directory "$work/image" manifest.json "$config.json" "$diff_id/layer.tar"
mv "$output.tmp" "$output"
echo "$inputs" > "$output.inputs"
rm -rf "$work"
log "wrote $output ($(du -h "$output" | cut -f1), layer sha256:$diff_id) in $((SECONDS - started)) s"
