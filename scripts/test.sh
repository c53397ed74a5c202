#!/bin/sh
# Install the project with its test extras, make sure Debian's chromium is there for the browser
# tests (tests/browser), then run the test suite. Arguments go to pytest.
set -eu
cd "$(dirname "$0")/.."

# pip < 24 cannot resolve trafilatura's and readability-lxml's lxml extras together (pyproject.toml)
python3 -m pip install -q --upgrade 'pip>=24'
python3 -m pip install -q -e '.[test]'

if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        as_root=""
    elif command -v sudo >/dev/null 2>&1; then
        as_root="sudo -n"
    else
        as_root="none"
    fi
    if [ "$as_root" = none ]; then
        echo "scripts/test.sh: not root and no sudo: cannot install chromium; the browser tests will skip" >&2
    else
        echo "scripts/test.sh: installing Debian's chromium for the browser tests" >&2
        export DEBIAN_FRONTEND=noninteractive
        $as_root apt-get update -qq >/dev/null
        $as_root apt-get install -y -qq chromium >/dev/null \
            || echo "scripts/test.sh: apt-get install chromium failed; the browser tests will skip" >&2
    fi
fi

# Two workers (pytest-xdist): the Spark tests spend much of their time waiting on the JVM's
# schedulers, and the other worker runs other tests meanwhile (a clean clone on 2 cores: 10.6
# minutes on one machine, 5.9 on a faster one, 2026-12-07; tests/conftest.py keeps the JVMs'
# JIT to its quick compiler).
# -p no:benchmark: pytest-benchmark, where some other package installed it, refuses xdist.
exec python3 -m pytest -q -n "${NEWSDEDUP_TEST_WORKERS:-2}" -p no:benchmark "$@"
