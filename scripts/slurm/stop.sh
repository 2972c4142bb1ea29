#!/usr/bin/env bash
# Stops what scripts/slurm/start.sh started (`npm run slurm:stop`), by the pid files, in reverse order,
# and waits until each is gone (a zombie counts as gone). Stopping what is not running is a no-op.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"

stop() { # name pidfile
  local pid tries=120
  alive "$2" || { rm -f "$2"; return 0; }
  pid="$(tr -dc 0-9 <"$2")"
  kill -TERM "$pid" 2>/dev/null || true
  while pid_alive "$pid"; do
    tries=$(( tries - 1 ))
    if [ "$tries" -le 0 ]; then kill -KILL "$pid" 2>/dev/null || true; sleep 0.5; break; fi
    sleep 0.25
  done
  rm -f "$2"
  echo "stopped $1 (pid $pid)"
}
stop slurmd "$PID_SLURMD"
stop slurmctld "$PID_SLURMCTLD"
stop slurmdbd "$PID_SLURMDBD"
stop mariadb "$PID_MARIADB"
stop munged "$PID_MUNGED"
