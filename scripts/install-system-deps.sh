#!/usr/bin/env bash
# Debian packages the tests and benchmarks use: Chromium drives the real VS
# Code in the extension tests (libkrb5-dev: headers a native module of the VS
# Code server builds against), Neovim is the second LSP client, jq is a
# benchmark peer. Installs only what is missing.
set -euo pipefail
packages=(chromium libkrb5-dev neovim jq)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
