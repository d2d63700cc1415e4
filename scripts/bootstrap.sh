#!/usr/bin/env bash
# Installs what the build and the tests need on a fresh Debian machine: libzmq and GNU MPFR (with pkg-config),
# and a project-local Python venv (.venv) with the pinned Jupyter stack and the papermill plugin.
# Safe to run again.
# With --test it also installs what only the tests use: Chromium and its driver (JupyterLab in a
# real browser), tmux (jupyter console driven at its prompt).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
packages=(libzmq3-dev libmpfr-dev pkg-config python3-venv)
[ "${1:-}" = "--test" ] && packages+=(chromium chromium-driver tmux)
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || need_apt+=("$package")
done
if ((${#need_apt[@]})); then
  echo "== installing ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ] || ! cmp -s requirements.txt .venv/.requirements.installed; then
  echo "== preparing .venv with the pinned Jupyter stack"
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
  cp requirements.txt .venv/.requirements.installed
fi

# papermill's parameter translator for the calculus language (python/calculus-papermill): papermill
# finds translators only in its own registry, which this plugin joins when papermill starts.
plugin_stamp=$(cat python/calculus-papermill/pyproject.toml python/calculus-papermill/calculus_papermill/*.py | cksum)
if [ "$plugin_stamp" != "$(cat .venv/.papermill-plugin.installed 2>/dev/null)" ]; then
  echo "== installing the papermill plugin into .venv"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check ./python/calculus-papermill
  echo "$plugin_stamp" > .venv/.papermill-plugin.installed
fi
