#!/bin/sh
# Runs a command in a network namespace of its own whose only interface is loopback, so that
# the servers it starts (a Ray cluster binds some of its services to every interface) can only
# be reached on 127.0.0.1. Needs root, or unprivileged user namespaces (unshare --map-root-user).
set -e
if [ "$(id -u)" -eq 0 ]; then
  exec unshare --net sh -c 'ip link set lo up && exec "$@"' sh "$@"
fi
exec unshare --net --map-root-user sh -c 'ip link set lo up && exec "$@"' sh "$@"
