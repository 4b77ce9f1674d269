#!/usr/bin/env bash
# Builds the stand-in images used where nginx:latest, ubuntu:latest or the rsyslog
# project's image cannot be pulled (no Docker Hub here). All come from Debian
# bookworm packages via debootstrap and are tagged under localhost/ -- never as
# docker.io/..., so nobody mistakes them for the official images.
#
#   scripts/standin/build.sh nginx|ubuntu|rsyslog TAG
#   STANDIN_BASE=<ubuntu stand-in> UUTILS_COREUTILS=<binary> scripts/standin/build.sh ubuntu-uutils TAG
#   VICTORIA_LOGS=<binary> scripts/standin/build.sh victorialogs TAG
#   VMALERT=<binary> scripts/standin/build.sh vmalert TAG
#   VMAUTH=<binary> scripts/standin/build.sh vmauth TAG
#   RSYSLOG_TESTING_ROOT=<root> scripts/standin/build.sh rsyslog-testing TAG
#
# ubuntu-uutils is the ubuntu stand-in with Ubuntu 26.04's userland (today's ubuntu:latest): uutils
# coreutils (scripts/tools.sh builds it) as a multicall binary in /usr/lib/cargo/bin/coreutils/ with
# a hard link per utility, and /usr/bin/<utility> a symlink to it -- but cp, mv and rm, which stay
# GNU there.
#
# victorialogs is victoriametrics/victoria-logs's layout: the static binary (scripts/tools.sh builds it
# from its Go module) as /victoria-logs-prod, the entrypoint, and nothing else.
#
# vmalert is victoriametrics/vmalert's layout: the static binary (scripts/tools.sh builds it from
# VictoriaMetrics' Go module) as /vmalert-prod, the entrypoint; vmauth likewise, as /vmauth-prod.
#
# rsyslog-testing is the root scripts/tools.sh rsyslog-testing makes (Debian testing's rsyslog 8.2606+
# with RELP, the OpenSSL drivers and the openssl CLI): the agent image RELP with TLS needs, where
# rsyslog/rsyslog-collector:2026-08 cannot be pulled.
#
# Cached: an image that already exists in podman's store is not rebuilt (the caller puts a
# hash of this folder in TAG, so a change here builds anew).
# Needs root (debootstrap), debootstrap and podman.
set -euo pipefail
kind=$1 tag=$2
here=$(cd "$(dirname "$0")" && pwd)
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if podman image exists "$tag"; then
  echo "stand-in $tag: cached"
  exit 0
fi

work=$(mktemp -d /var/tmp/standin-XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
start=$(date +%s)

case $kind in
  nginx)
    echo "stand-in $tag: debootstrap bookworm + nginx-light, curl (a few minutes, once)"
    debootstrap --variant=minbase --include=nginx-light,curl bookworm "$root" "$mirror" \
      > "$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
    # The official image's user (uid/gid 101), config, pages and layout.
    chroot "$root" groupadd --system --gid 101 nginx
    chroot "$root" useradd --system --uid 101 --gid 101 --no-create-home \
      --home-dir /nonexistent --shell /bin/false nginx
    rm -f "$root/etc/nginx/sites-enabled/default"
    install -m 0644 "$here/nginx.conf" "$root/etc/nginx/nginx.conf"
    mkdir -p "$root/etc/nginx/conf.d" "$root/usr/share/nginx/html"
    install -m 0644 "$here/default.conf" "$root/etc/nginx/conf.d/default.conf"
    printf '<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head>\n<body><h1>Welcome to nginx!</h1><p>Stand-in image built from Debian nginx-light.</p></body></html>\n' \
      > "$root/usr/share/nginx/html/index.html"
    printf '<!DOCTYPE html>\n<html><body><h1>An error occurred.</h1></body></html>\n' \
      > "$root/usr/share/nginx/html/50x.html"
    # As in the official image: logs go to stdout/stderr unless a volume is mounted over them.
    rm -rf "$root/var/log/nginx" && mkdir -p "$root/var/log/nginx"
    ln -sf /dev/stdout "$root/var/log/nginx/access.log"
    ln -sf /dev/stderr "$root/var/log/nginx/error.log"
    change=(--change 'CMD ["nginx", "-g", "daemon off;"]' --change 'EXPOSE 80/tcp' --change 'STOPSIGNAL SIGQUIT')
    ;;
  ubuntu)
    echo "stand-in $tag: debootstrap bookworm minbase (sh, coreutils; a few minutes, once)"
    debootstrap --variant=minbase bookworm "$root" "$mirror" \
      > "$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
    change=(--change 'CMD ["/bin/bash"]')
    ;;
  rsyslog)
    # For the log agent (rsyslog/rsyslog-collector's role) and the test's receiver: rsyslogd with
    # imfile, omrelp, imrelp, omelasticsearch and the OpenSSL driver (as the collector image), plus bash, coreutils and util-linux (fallocate) for agent.sh.
    echo "stand-in $tag: debootstrap bookworm + rsyslog, rsyslog-relp, rsyslog-elasticsearch, rsyslog-openssl (a few minutes, once)"
    debootstrap --variant=minbase --include=rsyslog,rsyslog-relp,rsyslog-elasticsearch,rsyslog-openssl bookworm "$root" "$mirror" \
      > "$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
    change=(--change 'CMD ["rsyslogd", "-n", "-iNONE"]')
    ;;
  ubuntu-uutils)
    : "${STANDIN_BASE:?the ubuntu stand-in to start from}" "${UUTILS_COREUTILS:?uutils coreutils binary}"
    echo "stand-in $tag: $STANDIN_BASE with uutils coreutils ($("$UUTILS_COREUTILS" --version 2>/dev/null | head -n 1))"
    mkdir -p "$root"
    cid=$(podman create "$STANDIN_BASE" true)
    podman export "$cid" | tar -C "$root" -x
    podman rm "$cid" > /dev/null
    farm=$root/usr/lib/cargo/bin/coreutils
    mkdir -p "$farm"
    install -m 0755 "$UUTILS_COREUTILS" "$farm/coreutils"
    for u in $("$UUTILS_COREUTILS" --list); do
      case $u in cp | mv | rm | '[') continue ;; esac
      ln -f "$farm/coreutils" "$farm/$u"
      if [ -e "$root/usr/bin/$u" ]; then ln -sf "/usr/lib/cargo/bin/coreutils/$u" "$root/usr/bin/$u"; fi
    done
    change=(--change 'CMD ["/bin/bash"]')
    ;;
  victorialogs)
    : "${VICTORIA_LOGS:?the victoria-logs binary}"
    echo "stand-in $tag: $("$VICTORIA_LOGS" -version 2>/dev/null | head -n 1) as /victoria-logs-prod"
    mkdir -p "$root/tmp"
    chmod 1777 "$root/tmp"
    install -m 0755 "$VICTORIA_LOGS" "$root/victoria-logs-prod"
    change=(--change 'ENTRYPOINT ["/victoria-logs-prod"]' --change 'EXPOSE 9428/tcp')
    ;;
  vmalert)
    : "${VMALERT:?the vmalert binary}"
    echo "stand-in $tag: $("$VMALERT" -version 2>/dev/null | head -n 1) as /vmalert-prod"
    mkdir -p "$root/tmp"
    chmod 1777 "$root/tmp"
    install -m 0755 "$VMALERT" "$root/vmalert-prod"
    change=(--change 'ENTRYPOINT ["/vmalert-prod"]' --change 'EXPOSE 8880/tcp')
    ;;
  vmauth)
    : "${VMAUTH:?the vmauth binary}"
    echo "stand-in $tag: $("$VMAUTH" -version 2>/dev/null | head -n 1) as /vmauth-prod"
    mkdir -p "$root/tmp"
    chmod 1777 "$root/tmp"
    install -m 0755 "$VMAUTH" "$root/vmauth-prod"
    change=(--change 'ENTRYPOINT ["/vmauth-prod"]' --change 'EXPOSE 8427/tcp')
    ;;
  rsyslog-testing)
    : "${RSYSLOG_TESTING_ROOT:?the root scripts/tools.sh rsyslog-testing made}"
    echo "stand-in $tag: Debian testing's root ($(cat "$RSYSLOG_TESTING_ROOT/../versions" 2>/dev/null))"
    mkdir -p "$root"
    cp -a "$RSYSLOG_TESTING_ROOT/." "$root/"
    change=(--change 'CMD ["rsyslogd", "-n", "-iNONE"]')
    ;;
  *) echo "usage: $0 nginx|ubuntu|rsyslog|ubuntu-uutils|victorialogs|vmalert|vmauth|rsyslog-testing TAG" >&2; exit 2 ;;
esac

# Slim the layer: apt lists and caches are not needed at run time.
rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"* "$root/usr/share/doc" "$root/usr/share/man"
# podman import sets no environment; give both images the PATH the official ones have.
change+=(--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin')
tar -C "$root" -c . | podman import "${change[@]}" - "$tag" > /dev/null
echo "stand-in $tag: built in $(( $(date +%s) - start ))s"
