#!/bin/sh
# Install Cinder's build and test dependencies from Debian's packages.
# (Node.js, for the DuckDB reference answers and bench/, is expected on the machine.)
set -e
PKGS="build-essential liblz4-dev libzstd-dev zlib1g-dev libedit-dev tzdata python3"
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $PKGS
