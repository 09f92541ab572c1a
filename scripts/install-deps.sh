#!/bin/sh
# Install Cinder's build and test dependencies from Debian's packages.
set -e
PKGS="build-essential liblz4-dev libzstd-dev libedit-dev zlib1g-dev nodejs npm"
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $PKGS
