#!/usr/bin/env bash
# One entry point for a fresh machine: finds Python >= 3.12, makes .venv, installs alignsim, and
# runs the demo or the test suite. Usage: ./dev.sh demo | test | setup | bench
set -euo pipefail
cd "$(dirname "$0")"

VENV=.venv

find_python() {
  local c v
  # A python3.12/3.13 on PATH first (an ordinary machine), then pyenv's installed versions
  # (their shims answer only when selected), then a plain python3 that happens to be new enough.
  for c in python3.13 python3.12 python3; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$c"; return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9])(\.[0-9]+)?$' | sort -rV); do
      c="$(pyenv root)/versions/$v/bin/python3"
      if [ -x "$c" ] && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
        echo "$c"; return 0
      fi
    done
  fi
  return 1
}

setup() {
  if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
    :
  else
    local py
    if ! py=$(find_python); then
      echo "alignsim needs Python 3.12 or newer and found none (looked for python3.13, python3.12," >&2
      echo "python3 and pyenv versions). Install one, e.g. 'apt install python3.12 python3.12-venv'" >&2
      echo "or 'pyenv install 3.12', then run this again." >&2
      exit 1
    fi
    echo "setting up $VENV with $py ($("$py" --version))"
    rm -rf "$VENV"
    "$py" -m venv "$VENV"
  fi
  # Reinstall only when the project's declared dependencies changed since the last install.
  local stamp="$VENV/.installed-$(cksum < pyproject.toml | cut -d' ' -f1)"
  if [ ! -f "$stamp" ]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[dev]"
    rm -f "$VENV"/.installed-*
    touch "$stamp"
  fi
}

cmd="${1:-demo}"
shift || true
case "$cmd" in
  setup) setup ;;
  demo)
    setup
    "$VENV/bin/alignsim" compare undefined aligned --out results/demo "$@"
    ;;
  test)
    setup
    set +e
    "$VENV/bin/python" -m pytest -q "$@"
    rc=$?
    set -e
    if [ "$rc" -eq 5 ]; then
      echo "pytest collected no tests: that is a failure, not a pass" >&2
      exit 1
    fi
    exit "$rc"
    ;;
  bench)
    setup
    "$VENV/bin/python" benchmarks/bench_run.py "$@"
    ;;
  *)
    echo "usage: ./dev.sh demo|test|setup|bench [args...]" >&2
    exit 2
    ;;
esac
