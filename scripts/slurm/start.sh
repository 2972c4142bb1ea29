#!/usr/bin/env bash
# Starts a single-node SLURM on this machine for the launcher=slurm tests and demos (`npm run slurm:start`):
# munged, MariaDB, slurmdbd (so `sacct` answers as on a real cluster), slurmctld and slurmd. Debian's
# packages (slurmctld slurmd slurm-client munge slurmdbd mariadb-server) must be installed; there is no
# systemd, so the daemons are started here. Idempotent: a daemon that is already alive is left alone.
# Needs root. Config written from the machine: hostname -s, nproc, 90% of MemTotal.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"

[ "$(id -u)" = 0 ] || { echo "slurm:start needs root (it writes /etc/slurm and starts daemons as slurm, munge and mysql)" >&2; exit 1; }
for bin in munged mariadbd slurmdbd slurmctld slurmd sinfo sacct; do
  command -v "$bin" >/dev/null || { echo "slurm:start: $bin not found; install it: apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge slurmdbd mariadb-server" >&2; exit 1; }
done

node_name="$(hostname -s)"
cpus="$(nproc)"
mem_mb=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) * 9 / 10 / 1024 ))
def_mem=$(( mem_mb / cpus ))

install -d -o munge -g munge -m 0755 /run/munge
install -d -o munge -g munge -m 0700 /var/log/munge /var/lib/munge
install -d -o slurm -g slurm -m 0755 /run/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
install -d -o mysql -g mysql -m 0755 /run/mysqld

changed=''
write_if_changed() { # path mode owner: stdin becomes the file, rewritten only when different
  local tmp; tmp="$(mktemp)"; cat >"$tmp"
  if ! cmp -s "$tmp" "$1"; then install -o "$3" -g "$3" -m "$2" "$tmp" "$1"; changed="$changed $1"; fi
  rm -f "$tmp"
}

write_if_changed /etc/slurm/slurm.conf 0644 root <<CONF
# written by scripts/slurm/start.sh (Ladder): a single-node SLURM for tests and demos
ClusterName=ladder
SlurmctldHost=${node_name}(127.0.0.1)
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# a requeued job waits cred_expire + 1 s before it may start again (default 120 s); short on this test node
AuthInfo=cred_expire=5
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$PID_SLURMCTLD
SlurmdPidFile=$PID_SLURMD
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
EnforcePartLimits=ALL
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
MinJobAge=300
KillWait=5
ReturnToService=2
MpiDefault=none
SwitchType=switch/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
JobCompType=jobcomp/none
NodeName=${node_name} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${mem_mb} State=UNKNOWN
PartitionName=debug Nodes=${node_name} Default=YES MaxTime=INFINITE DefMemPerCPU=${def_mem} State=UP
CONF

write_if_changed /etc/slurm/cgroup.conf 0644 root <<CONF
# proctrack/linuxproc and task/none: SLURM uses no cgroups here (no systemd to delegate them)
CgroupPlugin=autodetect
IgnoreSystemd=yes
CONF

write_if_changed /etc/slurm/slurmdbd.conf 0600 slurm <<CONF
# written by scripts/slurm/start.sh (Ladder); slurmdbd refuses it unless owned by slurm with mode 600
AuthType=auth/munge
DbdHost=localhost
DbdAddr=127.0.0.1
SlurmUser=slurm
PidFile=$PID_SLURMDBD
LogFile=/var/log/slurm/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageLoc=slurm_acct_db
StorageUser=slurm
StoragePass=ladder
CONF

# munged, as munge, once its run dir exists
if ! alive "$PID_MUNGED"; then
  [ -s /etc/munge/munge.key ] || { dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null; chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
  runuser -u munge -- munged --pid-file="$PID_MUNGED"
fi
wait_for "munged" 20 munge -n -t 10 >/dev/null

# MariaDB for slurmdbd's accounting store
if ! alive "$PID_MARIADB"; then
  [ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
  setsid nohup runuser -u mysql -- mariadbd --datadir=/var/lib/mysql --socket=/run/mysqld/mysqld.sock --pid-file="$PID_MARIADB" --skip-networking=0 --bind-address=127.0.0.1 >/var/log/slurm/mariadb.log 2>&1 < /dev/null &
fi
wait_for "mariadb" 60 mariadb-admin --socket=/run/mysqld/mysqld.sock ping
mariadb --socket=/run/mysqld/mysqld.sock -e "CREATE DATABASE IF NOT EXISTS slurm_acct_db; CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'ladder'; GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';"

if ! alive "$PID_SLURMDBD"; then slurmdbd; fi
wait_for "slurmdbd" 60 sacctmgr -n list cluster
sacctmgr -n list cluster format=cluster | grep -qw ladder || sacctmgr -i add cluster ladder >/dev/null

# a changed slurm.conf needs fresh daemons: `scontrol reconfigure` leaves some settings (cred_expire) as they were
if [[ "$changed" == *slurm.conf* ]]; then stop_daemon slurmd "$PID_SLURMD"; stop_daemon slurmctld "$PID_SLURMCTLD"; fi
if ! alive "$PID_SLURMCTLD"; then slurmctld; fi
wait_for "slurmctld" 60 scontrol ping
if ! alive "$PID_SLURMD"; then slurmd -N "$node_name"; fi
node_idle() { sinfo -h -n "$node_name" -o %T | grep -qE '^(idle|mixed|allocated)'; }
wait_for "node $node_name idle" 60 node_idle
wait_for "sacct" 30 sacct -n -X -S now-1minutes
echo "SLURM is up: node $node_name, $cpus CPUs, ${mem_mb} MB; partition debug (sinfo, squeue, sacct answer)"
