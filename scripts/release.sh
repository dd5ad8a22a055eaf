#!/usr/bin/env bash
# Builds Depot's release artifacts for linux-x64, into target/release unless --out says otherwise:
#
#   depot-VERSION-linux-x64.tar.gz  self-contained: a Java runtime made by jlink, the bin/depot
#                                   launcher, the jar and a class cache trained for both
#   depot_VERSION_amd64.deb         the same under /usr/lib/depot, a `depot` system user,
#                                   /etc/depot/depot.conf, data in /var/lib/depot, a hardened unit
#   depot-VERSION-oci.tar           an OCI image (an oci-archive), written from files: no container
#                                   engine is needed to build it
#
# Usage: scripts/release.sh [--jar JAR] [--out DIR]
#   --jar  release this jar instead of building target/depot.jar with ./mvnw package
# Needs a JDK >= 25 (jlink, and the ahead-of-time class cache of JEP 483), dpkg-deb, curl, unzip.
# SOURCE_DATE_EPOCH (default: the last commit's time) dates every file and the image, so no
# artifact carries the time it was made. The class cache comes from a training run and differs
# from run to run, so the artifacts are not bit-for-bit reproducible.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/target/release"
jar=""
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar="$(readlink -f "$2")"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "release: unknown argument $1" >&2; exit 2 ;;
  esac
done

# shellcheck source=scripts/java-home.sh
. "$root/scripts/java-home.sh"
major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JAVA_HOME/release")
if [ "${major:-0}" -lt 25 ] || [ ! -x "$JAVA_HOME/bin/jlink" ]; then
  echo "release: needs a JDK >= 25 with jlink (JAVA_HOME=$JAVA_HOME is $major)" >&2
  exit 1
fi
for tool in dpkg-deb tar gzip sha256sum ldd unzip curl; do
  command -v "$tool" >/dev/null || { echo "release: $tool is missing" >&2; exit 1; }
done

version=$(sed -n '0,/<artifactId>depot<\/artifactId>/d; s/.*<version>\(.*\)<\/version>.*/\1/p' "$root/pom.xml" | head -1)
# Debian orders 0.2.0~snapshot before 0.2.0
deb_version=$(echo "$version" | sed 's/-SNAPSHOT$/~snapshot/')
epoch="${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}"
if [ -z "$jar" ]; then
  echo "release: building target/depot.jar" >&2
  (cd "$root" && ./mvnw -q -B package -Dmaven.test.skip=true)
  jar="$root/target/depot.jar"
fi

mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/depot-release.XXXXXX")"
trap 'rm -rf "$work"' EXIT
name="depot-$version"
home="$work/$name"

# --- the runtime: the JDK modules Depot and its libraries use (jdeps over the dependency jars),
# and jcmd for thread and heap dumps; no debug symbols, man pages or headers
echo "release: jlink" >&2
"$JAVA_HOME/bin/jlink" --output "$home/runtime" --strip-debug --no-man-pages --no-header-files \
  --compress zip-6 --generate-cds-archive \
  --add-modules java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.rmi,java.security.jgss,java.sql,java.xml,jdk.charsets,jdk.httpserver,jdk.jcmd,jdk.jfr,jdk.management,jdk.net,jdk.unsupported,jdk.zipfs \
  >/dev/null

mkdir -p "$home/bin" "$home/lib"
cp "$jar" "$home/lib/depot.jar"
cp "$root/README.md" "$root/CHANGELOG.md" "$home/"

# The JVM options ./depot uses (scripts/jvm-opts.sh), fixed for this runtime, one per line.
# shellcheck source=scripts/jvm-opts.sh
. "$root/scripts/jvm-opts.sh"
JAVA_HOME="$home/runtime" DEPOT_CLASS_CACHE=off depot_jvm_opts "$home/lib/depot.jar" serve
{
  echo "# Options of every Depot command in this release (java @file); JDK_JAVA_OPTIONS adds more."
  printf '%s\n' "${DEPOT_JVM_OPTS[@]}" -Djava.awt.headless=true
} > "$home/lib/jvm.options"

cat > "$home/bin/depot" <<'EOF'
#!/bin/sh
# Depot, as released: this directory's own Java runtime, the jar and the class cache made for both.
# No JDK is needed on the machine. JDK_JAVA_OPTIONS adds JVM options (e.g. -Xmx2g).
home=$(dirname "$(dirname "$(readlink -f "$0")")")
exec "$home/runtime/bin/java" "@$home/lib/jvm.options" "-XX:AOTCache=$home/lib/depot.aot" -jar "$home/lib/depot.jar" "$@"
EOF
chmod 0755 "$home/bin/depot"
find "$home" -exec touch -h -d "@$epoch" {} +

# --- the class cache: one training server of this jar on this runtime, asked what a start is
# asked, writes the classes it loaded and linked, with their profiles, as it stops (JEP 483/515).
# The cache records the jar's size and time, kept the same in every form below.
echo "release: training the class cache" >&2
train="$work/train"
# train: start the training server; sets pid and url (empty when it did not start within 60 s)
train() {
  rm -rf "$train" && mkdir -p "$train"
  DEPOT_DATA="$train/data" DEPOT_PORT=0 DEPOT_HOST=127.0.0.1 \
    "$home/runtime/bin/java" "@$home/lib/jvm.options" "-XX:AOTCacheOutput=$home/lib/depot.aot" \
    -jar "$home/lib/depot.jar" serve > "$train/log" 2>&1 &
  pid=$!
  url=""
  for _ in $(seq 1 600); do
    url=$(sed -n 's/.* serving on \(http:[^ ]*\) .*/\1/p' "$train/log" | head -1)
    [ -n "$url" ] && return 0
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
}
for attempt in 1 2; do
  train
  [ -n "$url" ] && break
  cat "$train/log"
  if kill -0 "$pid" 2>/dev/null; then
    # once seen in CI and not since: the server's threads say where it waits
    echo "release: the training server has not said where it serves after 60 s (attempt $attempt); its threads:"
    "$home/runtime/bin/jcmd" "$pid" Thread.print 2>&1 || true
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
  fi
  if [ "$attempt" = 2 ]; then
    echo "release: the training server did not start" >&2
    exit 1
  fi
done
for path in /healthz /readyz / /metrics /openapi.json /api/v1/none/nightly/0 /fdroid/none/repo/index-v1.json; do
  for _ in 1 2 3; do
    curl -s -o /dev/null --max-time 10 "$url$path" || true
  done
done
kill -TERM "$pid"
wait "$pid" || true
if [ ! -s "$home/lib/depot.aot" ]; then
  cat "$train/log" >&2
  echo "release: the class cache was not written" >&2
  exit 1
fi
rm -f "$home/lib/depot.aot.config"  # a killed attempt's leftovers
touch -d "@$epoch" "$home/lib/depot.aot"
chmod 0644 "$home/lib/depot.aot"
# the training server's own data directory (with its generated keys) must not ship anywhere
rm -rf "$train"

# --- the archive
echo "release: archive" >&2
archive="$out/$name-linux-x64.tar.gz"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -C "$work" -cf - "$name" | gzip -n -6 > "$archive"

# --- the Debian package
echo "release: Debian package" >&2
deb="$work/deb"
mkdir -p "$deb/usr/lib" "$deb/usr/bin" "$deb/usr/share/doc/depot" "$deb/etc/depot" "$deb/lib/systemd/system" "$deb/DEBIAN"
cp -a "$home" "$deb/usr/lib/depot"
rm "$deb/usr/lib/depot/README.md" "$deb/usr/lib/depot/CHANGELOG.md"
cp "$root/README.md" "$root/CHANGELOG.md" "$root/docs/configuration.md" "$root/docs/deployment.md" \
  "$root/docs/operations.md" "$deb/usr/share/doc/depot/"
ln -s ../lib/depot/bin/depot "$deb/usr/bin/depot"
cp "$root/deploy/debian/depot.conf" "$deb/etc/depot/depot.conf"
cp "$root/deploy/debian/depot.service" "$deb/lib/systemd/system/depot.service"
for f in postinst prerm postrm; do
  install -m 0755 "$root/deploy/debian/$f" "$deb/DEBIAN/$f"
done
echo /etc/depot/depot.conf > "$deb/DEBIAN/conffiles"
size_kb=$(du -sk --exclude=DEBIAN "$deb" | cut -f1)
sed -e "s/@VERSION@/$deb_version/" -e "s/@SIZE@/$size_kb/" "$root/deploy/debian/control" > "$deb/DEBIAN/control"
find "$deb" -path "$deb/DEBIAN" -prune -o -exec touch -h -d "@$epoch" {} +
chmod -R u+rwX,go+rX,go-w "$deb/usr" "$deb/lib" "$deb/etc"
SOURCE_DATE_EPOCH="$epoch" dpkg-deb --root-owner-group -Zgzip -z6 --build "$deb" "$out/depot_${deb_version}_amd64.deb" >/dev/null

# --- the OCI image: three layers (the C library and /etc, the runtime, the application), so an
# upgrade of Depot alone pulls only the last; runs as depot (10001) with /data as its volume
echo "release: OCI image" >&2
fs="$work/rootfs"
mkdir -p "$fs/base/etc" "$fs/base/tmp" "$fs/base/data" "$fs/runtime/opt/depot" "$fs/app/opt/depot/lib"
# The shared libraries the runtime and SQLite's JNI library load, as this machine's C library has
# them; AWT's window system and sound libraries are left out (Depot runs headless).
sqlite_so="$work/libsqlitejdbc.so"
unzip -p "$jar" org/sqlite/native/Linux/x86_64/libsqlitejdbc.so > "$sqlite_so"
libs=$( { find "$home/runtime" -name '*.so' ! -name 'libawt_xawt.so' ! -name 'libjawt.so' \
            ! -name 'libsplashscreen.so' ! -name 'libjsound.so'; echo "$home/runtime/bin/java"; echo "$sqlite_so"; } \
        | xargs -n1 ldd 2>/dev/null | grep -oE '/[^ ]+\.so[.0-9]*' | grep -v "^$work" | sort -u)
# glibc loads libgcc_s when a thread is cancelled or unwound
libs="$libs $(ldconfig -p | sed -n 's/.*libgcc_s.so.1 (libc6,x86-64) => //p' | head -1)"
for lib in $libs; do
  mkdir -p "$fs/base$(dirname "$lib")"
  cp -L "$lib" "$fs/base$lib"
done
printf 'root:x:0:0:root:/root:/sbin/nologin\ndepot:x:10001:10001:Depot:/data:/sbin/nologin\n' > "$fs/base/etc/passwd"
printf 'root:x:0:\ndepot:x:10001:\n' > "$fs/base/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$fs/base/etc/nsswitch.conf"
cp -a "$home/runtime" "$fs/runtime/opt/depot/runtime"
cp -a "$home/lib/." "$fs/app/opt/depot/lib/"
chmod -R u+rwX,go+rX,go-w "$fs"
chmod 1777 "$fs/base/tmp"
chmod 0750 "$fs/base/data"
find "$fs" -exec touch -h -d "@$epoch" {} +

blobs="$work/oci/blobs/sha256"
mkdir -p "$blobs"
layer_json=""
diff_ids=""
layer() {  # layer NAME: tar the staged directory, gzip it, add it to the image as a blob
  local dir="$fs/$1" tarball="$work/$1.tar" diff digest size
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" --exclude=./data -C "$dir" -cf "$tarball" .
  if [ -d "$dir/data" ]; then
    tar --owner=10001 --group=10001 --numeric-owner --mtime="@$epoch" --no-recursion -C "$dir" -rf "$tarball" ./data
  fi
  diff=$(sha256sum "$tarball" | cut -d' ' -f1)
  gzip -n -6 < "$tarball" > "$work/$1.tar.gz"
  digest=$(sha256sum "$work/$1.tar.gz" | cut -d' ' -f1)
  size=$(stat -c %s "$work/$1.tar.gz")
  mv "$work/$1.tar.gz" "$blobs/$digest"
  rm "$tarball"
  layer_json="$layer_json${layer_json:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$digest\",\"size\":$size}"
  diff_ids="$diff_ids${diff_ids:+,}\"sha256:$diff\""
}
layer base
layer runtime
layer app
created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)
java=/opt/depot/runtime/bin/java
config="{\"created\":\"$created\",\"architecture\":\"amd64\",\"os\":\"linux\",\
\"config\":{\"User\":\"10001:10001\",\"ExposedPorts\":{\"8080/tcp\":{}},\
\"Env\":[\"PATH=/opt/depot/runtime/bin\",\"DEPOT_DATA=/data\",\"DEPOT_HOST=0.0.0.0\",\"DEPOT_PORT=8080\"],\
\"Entrypoint\":[\"$java\",\"@/opt/depot/lib/jvm.options\",\"-XX:AOTCache=/opt/depot/lib/depot.aot\",\"-jar\",\"/opt/depot/lib/depot.jar\"],\
\"Cmd\":[\"serve\"],\"Volumes\":{\"/data\":{}},\"WorkingDir\":\"/data\",\"StopSignal\":\"SIGTERM\",\
\"Healthcheck\":{\"Test\":[\"CMD\",\"$java\",\"-Xshare:auto\",\"-XX:TieredStopAtLevel=1\",\"-Xmx16m\",\"-cp\",\"/opt/depot/lib/depot.jar\",\"dev.depot.server.HealthProbe\"],\
\"Interval\":30000000000,\"Timeout\":10000000000,\"StartPeriod\":30000000000,\"Retries\":3},\
\"Labels\":{\"org.opencontainers.image.title\":\"depot\",\"org.opencontainers.image.version\":\"$version\",\
\"org.opencontainers.image.description\":\"Self-hosted distribution server for Android apps and OTA builds\"}},\
\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[$diff_ids]},\
\"history\":[{\"created\":\"$created\",\"created_by\":\"scripts/release.sh: C library and /etc\"},\
{\"created\":\"$created\",\"created_by\":\"scripts/release.sh: jlink runtime\"},\
{\"created\":\"$created\",\"created_by\":\"scripts/release.sh: depot.jar and its class cache\"}]}"
blob() {  # blob TEXT: store TEXT as a blob; prints its digest and size
  local digest
  digest=$(printf '%s' "$1" | sha256sum | cut -d' ' -f1)
  printf '%s' "$1" > "$blobs/$digest"
  echo "sha256:$digest $(printf '%s' "$1" | wc -c)"
}
read -r config_digest config_size <<< "$(blob "$config")"
manifest="{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\
\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"$config_digest\",\"size\":$config_size},\
\"layers\":[$layer_json],\"annotations\":{\"org.opencontainers.image.version\":\"$version\",\"org.opencontainers.image.created\":\"$created\"}}"
read -r manifest_digest manifest_size <<< "$(blob "$manifest")"
printf '{"imageLayoutVersion":"1.0.0"}' > "$work/oci/oci-layout"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"},"platform":{"architecture":"amd64","os":"linux"}}]}' \
  "$manifest_digest" "$manifest_size" "$version" > "$work/oci/index.json"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -C "$work/oci" -cf "$out/$name-oci.tar" .

echo "release: done" >&2
(cd "$out" && ls -l "$name-linux-x64.tar.gz" "depot_${deb_version}_amd64.deb" "$name-oci.tar" | awk '{printf "%-40s %6.1f MB\n", $9, $5 / 1048576}')
echo "image: oci-archive:$out/$name-oci.tar:$version (uncompressed $(du -sm "$fs" | cut -f1) MB)"
