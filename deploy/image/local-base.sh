#!/usr/bin/env bash
# Makes a Jib base image from this machine alone, for builds where no image registry can be reached:
# a Debian bookworm root filesystem of its essential packages (mmdebstrap) plus a Java runtime made
# with jlink from the JDK in $JAVA_HOME, laid out like eclipse-temurin's (/opt/java/openjdk, on PATH).
# Writes a `docker save`-format tarball, which Jib 3.5 reads as a base with -Djib.from.image=tar://OUT.
#
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 deploy/image/local-base.sh target/jib-base/base.tar
#
# Needs root (mmdebstrap's root mode), mmdebstrap, and the Debian mirror through apt's usual access.
set -euo pipefail

out=${1:?usage: local-base.sh OUT.tar}
[[ $(id -u) -eq 0 ]] || { echo "local-base.sh: mmdebstrap needs root here" >&2; exit 1; }
command -v mmdebstrap >/dev/null || { echo "local-base.sh: mmdebstrap missing: apt-get install mmdebstrap" >&2; exit 1; }
[[ -x ${JAVA_HOME:-}/bin/jlink ]] || { echo "local-base.sh: JAVA_HOME must be a JDK with jlink" >&2; exit 1; }
suite=${PATCHBAY_BASE_SUITE:-bookworm}
# The modules of a JRE the three processes need: java.se, Netty's jdk.unsupported, DNS, JFR, management.
modules=java.se,jdk.unsupported,jdk.naming.dns,jdk.crypto.ec,jdk.charsets,jdk.localedata,jdk.zipfs,jdk.net,jdk.jfr,jdk.management,jdk.management.jfr,jdk.management.agent,jdk.httpserver

work=$(mktemp -d "${TMPDIR:-/tmp}/patchbay-base.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/img" "$work/jre/opt/java"

# Layer 1: the root filesystem. No /dev nodes: the container runtime provides /dev.
mmdebstrap --quiet --mode=root --variant=essential --skip=output/dev --include=tzdata \
  "$suite" "$work/rootfs.tar"

# Layer 2: the runtime, owned by root, at the path eclipse-temurin uses.
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --output "$work/jre/opt/java/openjdk"
java_version=$("$work/jre/opt/java/openjdk/bin/java" -XshowSettings:properties -version 2>&1 \
  | sed -n 's/^ *java.runtime.version = //p')
tar --sort=name --numeric-owner --owner=0 --group=0 --mtime=@0 -C "$work/jre" -cf "$work/jre.tar" opt

layers=() diffs=()
for t in rootfs jre; do
  sum=$(sha256sum "$work/$t.tar" | cut -d' ' -f1)
  mkdir -p "$work/img/$sum"
  mv "$work/$t.tar" "$work/img/$sum/layer.tar"
  layers+=("\"$sum/layer.tar\"")
  diffs+=("\"sha256:$sum\"")
done
join() { local IFS=,; printf '%s' "$*"; }

cat >"$work/img/config.json" <<JSON
{"architecture":"amd64","os":"linux",
 "config":{"Env":["PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                  "JAVA_HOME=/opt/java/openjdk","JAVA_VERSION=$java_version","LANG=C.UTF-8"]},
 "rootfs":{"type":"layers","diff_ids":[$(join "${diffs[@]}")]},
 "history":[{"created_by":"mmdebstrap --variant=essential $suite"},{"created_by":"jlink $java_version: $modules"}]}
JSON
cfg=$(sha256sum "$work/img/config.json" | cut -d' ' -f1)
mv "$work/img/config.json" "$work/img/$cfg.json"
printf '[{"Config":"%s.json","RepoTags":["patchbay-local-base:%s-jre%s"],"Layers":[%s]}]\n' \
  "$cfg" "$suite" "${java_version%%+*}" "$(join "${layers[@]}")" >"$work/img/manifest.json"

mkdir -p "$(dirname "$out")"
# Entries named without "./": Jib refuses a tarball whose entries could point outside its destination.
(cd "$work/img" && tar --numeric-owner -cf "$out.part" manifest.json ./[0-9a-f]*.json ./[0-9a-f]*/ --transform 's,^\./,,')
mv -f "$out.part" "$out"
echo "local-base.sh: $out ($(du -h "$out" | cut -f1)): Debian $suite essential + jlink Java $java_version"
