#!/usr/bin/env bash
# Stops what scripts/slurm/start.sh started (`npm run slurm:stop`), by the pid files, in reverse order,
# and waits until each is gone (a zombie counts as gone). Stopping what is not running is a no-op.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"

stop_daemon slurmd "$PID_SLURMD"
stop_daemon slurmctld "$PID_SLURMCTLD"
stop_daemon slurmdbd "$PID_SLURMDBD"
stop_daemon mariadb "$PID_MARIADB"
stop_daemon munged "$PID_MUNGED"
