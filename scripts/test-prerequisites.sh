#!/usr/bin/env bash
# Installs the Debian packages the test suite's outside checkers need, when missing:
# Mono for Relativity's RSMF validator (../shared/tools/rsmf-validate) and venv for
# Python checkers from PyPI (bagit, schemathesis, pyarrow), Chromium for the web UI
# tests (driven by playwright-core, dashboards/ui.integration.test.ts), and age for
# encrypted packages. Needs root and apt.
set -euo pipefail

mono_packages=(mono-runtime libmono-microsoft-csharp4.0-cil libmono-system-data4.0-cil libmono-system-io-compression4.0-cil libmono-system-runtime-serialization4.0-cil libmono-system-xml-linq4.0-cil)
missing=()
command -v mono >/dev/null 2>&1 || missing+=("${mono_packages[@]}")
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
# Info-ZIP's unzip -t checks the package ZIPs (reports/packages/zip-writer.test.ts).
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# age: the independent tool that decrypts packages encrypted by `custos package encrypt`.
command -v age >/dev/null 2>&1 || missing+=(age)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "test-prerequisites: missing ${missing[*]}; install them (Debian: apt-get install ${missing[*]}) or run this script as root" >&2
  exit 1
fi
echo "test-prerequisites: installing ${missing[*]}" >&2
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2 \
  || { echo "test-prerequisites: apt-get could not install ${missing[*]}" >&2; exit 1; }
