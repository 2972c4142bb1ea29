# Shared by start.sh and stop.sh: the daemons' pid files, and a liveness check that counts a zombie as
# dead (PID 1 is not an init here, so a dead daemon lingers as a zombie for a second or two).
PID_MUNGED=/run/munge/munged.pid
PID_MARIADB=/run/mysqld/mysqld.pid
PID_SLURMDBD=/run/slurm/slurmdbd.pid
PID_SLURMCTLD=/run/slurm/slurmctld.pid
PID_SLURMD=/run/slurm/slurmd.pid

pid_alive() { # pid: true when the process exists and is not a zombie
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

alive() { # pidfile
  local pid
  [ -s "$1" ] || return 1
  pid="$(tr -dc 0-9 <"$1")"
  [ -n "$pid" ] && pid_alive "$pid"
}

wait_for() { # what seconds command...: retries the command every 0.25 s
  local what="$1" secs="$2"; shift 2
  local tries=$(( secs * 4 ))
  while ! "$@" >/dev/null 2>&1; do
    tries=$(( tries - 1 ))
    if [ "$tries" -le 0 ]; then echo "slurm: $what did not come up within ${secs}s (see /var/log/slurm/)" >&2; return 1; fi
    sleep 0.25
  done
}

stop_daemon() { # name pidfile: TERM, then KILL after 30 s; waits until it is gone
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
