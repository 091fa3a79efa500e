#!/usr/bin/env bash
# Installs the Debian 12 packages hypernodes needs to build, test and run its examples.
# Safe to run again: it only calls apt-get when something is missing.
set -euo pipefail

packages=(
  # build
  gcc meson ninja-build pkg-config gettext
  libglib2.0-dev gobject-introspection libgirepository1.0-dev gir1.2-glib-2.0
  valac
  # the hn command: JSON values (--json, --items)
  libjson-glib-dev
  # tests, bindings and docs
  gi-docgen
  # pictures of pipelines (hn graph, Pipeline.visualize) and their tests; groff checks the man page
  graphviz groff-base
  python3 python3-gi python3-pytest gjs valgrind
  # the fuzz suite: clang, and compiler-rt for -fsanitize=fuzzer,address,undefined
  # (a Recommends of clang that --no-install-recommends leaves out)
  clang libclang-rt-14-dev
  # the Python bridge and the Python face: cloudpickle ships Python objects to other processes;
  # the Python tests pass numpy arrays and Pydantic models through pipelines
  python3-dev python-gi-dev python3-venv python3-cloudpickle python3-numpy python3-pydantic
  # PyGObject built from source in a plain virtualenv (pip install into a venv made without
  # --system-site-packages, as the install tests do): cairo's development files for pycairo
  # (libgirepository1.0-dev and pkg-config are above)
  libcairo2-dev
  # the Ray tests run in a loopback-only network namespace
  iproute2 util-linux
  # the translation tests run in German (de_DE.UTF-8, generated below); git for the sdist test
  locales git
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep "install ok installed" >/dev/null; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "Run this as root (or with sudo) to install the packages above." >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The translation tests need a German locale: glibc ignores $LANGUAGE in the C locale.
if ! locale -a 2>/dev/null | grep -i '^de_DE\.utf-\?8$' >/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Run this as root (or with sudo) to generate the de_DE.UTF-8 locale." >&2
    exit 1
  fi
  echo "Generating the de_DE.UTF-8 locale"
  if grep -q '^# *de_DE.UTF-8 UTF-8' /etc/locale.gen; then
    sed -i 's/^# *\(de_DE.UTF-8 UTF-8\)/\1/' /etc/locale.gen
  elif ! grep -q '^de_DE.UTF-8 UTF-8' /etc/locale.gen; then
    echo 'de_DE.UTF-8 UTF-8' >> /etc/locale.gen
  fi
  locale-gen >/dev/null
fi
