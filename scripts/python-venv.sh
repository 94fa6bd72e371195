#!/usr/bin/env bash
# Installs the pinned schemathesis (test/schemathesis/requirements.txt, with the
# transitive versions of constraints.txt) into .venv-fuzz/ at the project root, for
# the API fuzz test. Idempotent: returns at once when the venv already holds the
# pinned version, so every test run can call it. Needs only python3 with venv.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-fuzz"
req="$root/test/schemathesis/requirements.txt"
constraints="$root/test/schemathesis/constraints.txt"
want="$(sed -n 's/^schemathesis==\([^ ]*\).*/\1/p' "$req")"
[ -n "$want" ] || { echo "python-venv: $req pins no schemathesis version" >&2; exit 1; }

installed() {
  "$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null || true
}
if [ -x "$venv/bin/st" ] && [ "$(installed)" = "$want" ]; then
  exit 0
fi

command -v python3 >/dev/null 2>&1 || { echo "python-venv: python3 is not installed; the API fuzz test needs Python 3 with venv (README: Prerequisites)" >&2; exit 1; }
rm -rf "$venv"
if ! python3 -m venv "$venv" >/dev/null 2>"$root/.venv-fuzz.err"; then
  # Debian and Ubuntu ship venv's ensurepip in a separate package.
  echo "python-venv: 'python3 -m venv' failed ($(tail -n 1 "$root/.venv-fuzz.err")). On Debian/Ubuntu install the python3-venv package: apt-get install python3-venv" >&2
  rm -rf "$venv" "$root/.venv-fuzz.err"
  exit 1
fi
rm -f "$root/.venv-fuzz.err"
pip_args=(--quiet --disable-pip-version-check --no-input -r "$req")
[ -f "$constraints" ] && pip_args+=(-c "$constraints")
if ! "$venv/bin/python" -m pip install "${pip_args[@]}"; then
  rm -rf "$venv"
  echo "python-venv: could not install schemathesis==$want from PyPI into $venv" >&2
  exit 1
fi
echo "python-venv: schemathesis $want installed in $venv" >&2
