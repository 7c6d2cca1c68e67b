#!/bin/sh
# fetch-maven DEST_DIR GROUP:ARTIFACT:VERSION[:TYPE]...: downloads artifacts from Maven Central
# into DEST_DIR under the file names `mvn dependency:copy` gives them (what `etl setup` does
# natively), each checked against the SHA-1 Maven Central publishes beside it.
set -eu
repo="${MAVEN_REPOSITORY:-https://repo1.maven.org/maven2}"
dest="$1"
shift
mkdir -p "$dest"
for coordinates in "$@"; do
  IFS=: read -r group artifact version type <<END
$coordinates
END
  file="$artifact-$version.${type:-jar}"
  url="$repo/$(printf %s "$group" | tr . /)/$artifact/$version/$file"
  curl -fsSL --retry 3 -o "$dest/$file" "$url"
  expected="$(curl -fsSL --retry 3 "$url.sha1" | cut -c1-40)"
  echo "$expected  $dest/$file" | sha1sum -c --quiet - || { echo "checksum mismatch: $url" >&2; exit 1; }
done
