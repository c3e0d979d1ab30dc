#!/usr/bin/env bash
# deploy/onecard.service under a real systemd: boots a Debian bookworm container with systemd-nspawn,
# runs the unit in it with the all-twins config and prints each check as PASS or FAIL (docs/install.md
# says what it showed). Not part of `npm test`: it needs root and systemd-nspawn, and takes ~2 minutes.
set -u

usage() {
  cat <<'EOF'
usage: deploy/check-under-systemd.sh [--rootfs DIR] [--mirror URL] [--cgroup legacy|unified] [--keep]

Boots Debian bookworm under systemd-nspawn (a rootfs made with debootstrap on first use, outside the
repository), installs deploy/onecard.service there with the repository bind-mounted read-only at
/opt/onecard and the host's node copied in, and checks under that systemd:
  - `systemctl start onecard` reaches active (READY=1 accepted from the systemd-notify child)
  - the JSON log lines are in the journal; StateDirectory made /var/lib/onecard onecard:onecard 0700
  - WATCHDOG=1 keep-alives accepted, and no notify message refused or lost
  - `onecard status` answers from the running service
  - a stopped event loop (kill -STOP) is killed with SIGABRT after WatchdogSec and restarted, and
    the journal's records are all there after the restart
  - ProtectSystem=strict: the service writes only /var/lib/onecard (and its private /tmp), and opens
    /dev/spidev0.0 (a stand-in node: group spi, 0660, /dev/null's numbers)
  - exit 2 (a broken config) is not restarted
  - systemd-notify's race, measured: messages lost with --no-block, none as app/run/notify.ts sends
Exit 0 when every check passes, 1 when one fails, 2 for a usage mistake.

options:
  --rootfs DIR      where the container's root lives (default /var/tmp/onecard-rootfs)
  --mirror URL      the Debian mirror for debootstrap (default: debootstrap's own)
  --cgroup MODE     the container's cgroup hierarchy: legacy (v1) or unified (v2) (default: nspawn's choice)
  --keep            leave the container running at the end (prints how to enter it)
  --help, -h        this help
Needs: root, systemd-nspawn (Debian: systemd-container), debootstrap for the first run, node (its
binary is copied into the container, so it must run on bookworm's glibc).
EOF
}

ROOTFS=/var/tmp/onecard-rootfs
MIRROR=
CGROUP=
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --help | -h) usage; exit 0 ;;
    --rootfs) ROOTFS="${2:?--rootfs needs a DIR}"; shift 2 ;;
    --mirror) MIRROR="${2:?--mirror needs a URL}"; shift 2 ;;
    --cgroup)
      case "${2:-}" in legacy | unified) CGROUP="$2" ;; *) echo "--cgroup takes legacy or unified" >&2; exit 2 ;; esac
      shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "check-under-systemd.sh: unknown option: $1 (--help)" >&2; exit 2 ;;
  esac
done

REPO=$(cd "$(dirname "$0")/.." && pwd)
# The unit's own values, so the checks follow the unit rather than repeat it.
UNIT="$REPO/deploy/onecard.service"
unit_value() { sed -n "s/^$1=//p" "$UNIT" | head -n1; }
WATCHDOG_S=$(unit_value WatchdogSec)
STATE_MODE=$(unit_value StateDirectoryMode)
SERVICE_USER=$(unit_value User)
# Bounds on every wait below: a check that never comes true fails instead of hanging.
BOOT_WAIT_S=120
RESTART_WAIT_S=$((WATCHDOG_S * 3))
RACE_MESSAGES=300

die() { echo "check-under-systemd.sh: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "needs root (it boots a container)"
command -v systemd-nspawn >/dev/null || die "systemd-nspawn is missing (apt-get install systemd-container)"
NODE=$(command -v node) || die "node is missing"
case "$ROOTFS" in "$REPO"/*) die "--rootfs must be outside the repository" ;; esac

PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); echo "PASS  $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL  $1"; }
check() { if [ "$2" = 0 ]; then pass "$1"; else fail "$1"; fi; }
show() { sed 's/^/      /'; }

# --- the root file system ----------------------------------------------------------------------------------
if [ ! -x "$ROOTFS/usr/lib/systemd/systemd" ]; then
  command -v debootstrap >/dev/null || die "debootstrap is missing (apt-get install debootstrap)"
  echo "debootstrap bookworm into $ROOTFS (a few minutes, once)"
  mkdir -p "$ROOTFS"
  # shellcheck disable=SC2086 # an empty mirror is debootstrap's default
  debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,procps bookworm "$ROOTFS" $MIRROR \
    >"$ROOTFS.debootstrap.log" 2>&1 || die "debootstrap failed: $ROOTFS.debootstrap.log"
fi
in_root() { chroot "$ROOTFS" "$@"; }
cp "$NODE" "$ROOTFS/usr/bin/node"
in_root /usr/bin/node --version >/dev/null || die "the host's node does not run in the container (glibc?)"
# Raspberry Pi OS has these groups; Debian does not, and systemd refuses to start a unit whose
# SupplementaryGroups= names a missing group.
for g in spi gpio i2c dialout lp; do in_root getent group "$g" >/dev/null || in_root groupadd --system "$g"; done
in_root id "$SERVICE_USER" >/dev/null 2>&1 ||
  in_root useradd --system --no-create-home --shell /usr/sbin/nologin "$SERVICE_USER"
mkdir -p "$ROOTFS/etc/onecard" "$ROOTFS/opt/onecard"
# The all-twins example with its data in the unit's StateDirectory (its own relative dataDir would land
# beside the config in /etc, which ProtectSystem=strict makes read-only).
"$NODE" -e '
  const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  c.storage.dataDir = "/var/lib/onecard";
  process.stdout.write(JSON.stringify(c, null, 2) + "\n");' "$REPO/examples/terminal-sim.json" \
  >"$ROOTFS/etc/onecard/terminal.json"
cp "$UNIT" "$ROOTFS/etc/systemd/system/onecard.service"
in_root systemctl enable onecard.service >/dev/null 2>&1
# StateDirectory= must create it: start from none.
rm -rf "$ROOTFS/var/lib/onecard" "$ROOTFS/var/lib/private/onecard"

# --- boot ---------------------------------------------------------------------------------------------------
BINDS=(--bind-ro="$REPO:/opt/onecard")
# A worktree's node_modules may be a symlink to another checkout: make its target resolve inside too.
if [ -L "$REPO/node_modules" ]; then
  MODULES=$(readlink -f "$REPO/node_modules")
  mkdir -p "$ROOTFS$MODULES"
  BINDS+=(--bind-ro="$MODULES:$MODULES")
fi
case "$CGROUP" in
  unified) export SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 ;;
  legacy) export SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=0 ;;
esac
LOG="$ROOTFS.nspawn.log"
# --register=no --keep-unit: the host needs no systemd of its own (no machined, no system bus).
systemd-nspawn -D "$ROOTFS" --boot --register=no --keep-unit --console=passive --machine=onecard-check \
  "${BINDS[@]}" >"$LOG" 2>&1 &
NSPAWN=$!
LEADER=
for _ in $(seq "$BOOT_WAIT_S"); do
  LEADER=$(pgrep -P "$NSPAWN" -x systemd || true)
  [ -n "$LEADER" ] && break
  kill -0 "$NSPAWN" 2>/dev/null || die "systemd-nspawn exited: $(cat "$LOG")"
  sleep 1
done
[ -n "$LEADER" ] || die "no systemd in the container after ${BOOT_WAIT_S}s: $LOG"
ct() { nsenter -t "$LEADER" -a -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
finish() {
  if [ "$KEEP" = 1 ]; then
    echo "the container is still running: nsenter -t $LEADER -a  (stop it: kill $NSPAWN)"
  else
    ct systemctl poweroff >/dev/null 2>&1
    wait "$NSPAWN" 2>/dev/null
  fi
}
trap finish EXIT
state=$(ct timeout "$BOOT_WAIT_S" systemctl is-system-running --wait 2>/dev/null)
echo "booted: $(ct systemctl --version | head -n1), cgroup $(ct stat -fc %T /sys/fs/cgroup), system $state"

oc() { ct runuser -u "$SERVICE_USER" -- /usr/bin/node /opt/onecard/bin/onecard.js "$@"; }
prop() { ct systemctl show onecard -p "$1" --value; }
log_lines() { ct journalctl -u onecard -o cat --no-pager; }
system_lines() { ct journalctl -b --no-pager -o short-precise "$@"; }
REFUSED='reception only permitted for main PID|Cannot find unit for notify message'

# --- start, READY, logs, state dir --------------------------------------------------------------------------
ct systemctl start onecard
check "systemctl start onecard reaches active, READY=1 accepted: $(prop ActiveState) ($(prop SubState))" \
  "$([ "$(prop ActiveState)" = active ] && echo 0 || echo 1)"
system_lines -u onecard | grep -E 'Started onecard.service' | tail -n1 | show
log_lines | grep -q '"event":"terminal.ready"'
check "the JSON log lines are in the journal (journalctl -u onecard -o cat)" $?
log_lines | grep -E '"event":"(journal.recovered|terminal.ready)"' | tail -n2 | show
owner=$(ct stat -c '%U:%G %a' /var/lib/onecard)
check "StateDirectory made /var/lib/onecard $owner (the unit: $SERVICE_USER, $STATE_MODE)" \
  "$([ "$owner" = "$SERVICE_USER:$SERVICE_USER ${STATE_MODE#0}" ] && echo 0 || echo 1)"

# UMask=0077: what the service writes there is its own alone (the journal, the lists, status.sock).
others=$(ct find /var/lib/onecard -mindepth 1 \( ! -user "$SERVICE_USER" -o ! -perm 0600 \) -printf '%p %u %m\n')
check "the files in /var/lib/onecard are $SERVICE_USER's, 0600 (UMask=$(unit_value UMask))${others:+: $others}" \
  "$([ -z "$others" ] && echo 0 || echo 1)"
ct ls -l /var/lib/onecard | sed 1d | show

# --- keep-alives --------------------------------------------------------------------------------------------
first=$(prop WatchdogTimestampMonotonic)
for _ in $(seq "$WATCHDOG_S"); do
  [ "$(prop WatchdogTimestampMonotonic)" != "$first" ] && break
  sleep 1
done
check "a WATCHDOG=1 keep-alive accepted within WatchdogSec=$WATCHDOG_S (WatchdogTimestamp $(prop WatchdogTimestamp))" \
  "$([ "$(prop WatchdogTimestampMonotonic)" != "$first" ] && echo 0 || echo 1)"

status=$(oc status --config /etc/onecard/terminal.json 2>&1)
echo "$status" | grep -q '"terminal": 101'
check "onecard status answers from the running service" $?
echo "$status" | grep -E '"(terminal|journalLastSeq|uptimeS)"' | show

# --- records, then a missed keep-alive ----------------------------------------------------------------------
# Records to keep: the simulator's demo writes sales into a terminal's journal; the service takes it over.
ct systemctl stop onecard
ct rm -rf /var/tmp/onecard-seed
oc sim --data /var/tmp/onecard-seed --demo --quiet </dev/null >/dev/null 2>&1
ct sh -c 'rm -f /var/lib/onecard/* && cp -p /var/tmp/onecard-seed/pos1/*.db /var/lib/onecard/'
ct systemctl start onecard
recovered() { log_lines | grep '"event":"journal.recovered"' | tail -n1; }
before=$(recovered)
seq_of() { echo "$1" | sed -n 's/.*"lastSeq":\([0-9]*\).*/\1/p'; }
records=$(seq_of "$before")
main=$(prop MainPID)
restarts=$(prop NRestarts)
echo "      journal: $records records before the stop; main PID $main"
# Never `kill -STOP 0`: with no main process that stops this script's own process group.
[ "$main" -gt 0 ] && ct kill -STOP "$main"
for _ in $(seq "$RESTART_WAIT_S"); do
  [ "$(prop NRestarts)" != "$restarts" ] && [ "$(prop ActiveState)" = active ] && break
  sleep 1
done
system_lines -u onecard | grep -E 'Watchdog timeout|SIGABRT|Main process exited|Scheduled restart|Started' | tail -n7 | show
system_lines -u onecard | grep -q "Killing process $main (node) with signal SIGABRT"
check "a stopped event loop (main PID $main): killed with SIGABRT after WatchdogSec=$WATCHDOG_S" $?
check "restarted (Restart=on-failure): NRestarts $restarts -> $(prop NRestarts), $(prop ActiveState), new main PID $(prop MainPID)" \
  "$([ "$(prop NRestarts)" != "$restarts" ] && [ "$(prop ActiveState)" = active ] && echo 0 || echo 1)"
after=$(recovered)
echo "$after" | show
status=$(oc status --config /etc/onecard/terminal.json 2>&1)
check "no record lost: $records records before, the restarted service recovered $(seq_of "$after"), none corrupt" \
  "$([ -n "$records" ] && [ "$records" -gt 0 ] && [ "$(seq_of "$after")" = "$records" ] &&
    echo "$after" | grep -q '"corrupt":0' && echo "$status" | grep -q "\"journalLastSeq\": $records" && echo 0 || echo 1)"

# --- ProtectSystem=strict and the SPI device ----------------------------------------------------------------
# No SPI controller here: a stand-in node as Raspberry Pi OS's udev makes it (group spi, 0660), with
# /dev/null's numbers so that an open reaching the kernel succeeds.
ct sh -c 'rm -f /dev/spidev0.0 && mknod -m 0660 /dev/spidev0.0 c 1 3 && chgrp spi /dev/spidev0.0'
main=$(prop MainPID)
# shellcheck disable=SC2016 # awk's own $1
field() { ct awk -v f="$1:" '$1 == f { $1 = ""; print }' "/proc/$main/status" | xargs | tr ' ' ,; }
uid=$(field Uid | cut -d, -f1)
gid=$(field Gid | cut -d, -f1)
groups=$(field Groups)
# The service's own mount namespace and credentials, as the kernel shows them for its main PID.
as_service() { ct nsenter -t "$main" -m -- setpriv --reuid="$uid" --regid="$gid" --groups="$1" --no-new-privs -- "${@:2}"; }
# shellcheck disable=SC2016 # the inner shell expands $d
writes=$(as_service "$groups" sh -c 'for d in /var/lib/onecard /tmp /opt/onecard /etc/onecard /usr/local /var/log /home; do
  if touch "$d/.onecard-probe" 2>/dev/null; then echo "$d"; rm -f "$d/.onecard-probe"; fi; done' | xargs)
check "ProtectSystem=strict: the service writes only to: $writes (its private /tmp is PrivateTmp's)" \
  "$([ "$writes" = "/var/lib/onecard /tmp" ] && echo 0 || echo 1)"
OPEN='try { require("fs").closeSync(require("fs").openSync("/dev/spidev0.0", "r+")); console.log("opened") }
  catch (e) { console.log(e.code) }'
spi=$(as_service "$groups" /usr/bin/node -e "$OPEN")
without=$(as_service "$gid" /usr/bin/node -e "$OPEN")
check "the service opens /dev/spidev0.0 read-write: $spi (without the spi group: $without)" \
  "$([ "$spi" = opened ] && [ "$without" = EACCES ] && echo 0 || echo 1)"

# --- exit 2 is not restarted --------------------------------------------------------------------------------
ct cp /etc/onecard/terminal.json /etc/onecard/terminal.json.good
echo '{}' | ct tee /etc/onecard/terminal.json >/dev/null
since=$(ct journalctl -n0 --show-cursor | sed -n 's/^-- cursor: //p')
ct systemctl restart onecard 2>/dev/null
sleep "$(($(unit_value RestartSec) + 2))" # longer than RestartSec: a restart would have begun
system_lines -u onecard | grep -E 'Main process exited|Failed with result' | tail -n2 | show
# (NRestarts cannot tell: a manual restart resets it.)
rescheduled=$(ct journalctl -u onecard --after-cursor="$since" --no-pager | grep -c 'Scheduled restart job')
check "a broken config: exit $(prop ExecMainStatus), $(prop ActiveState), $rescheduled restarts scheduled" \
  "$([ "$(prop ExecMainStatus)" = 2 ] && [ "$(prop ActiveState)" = failed ] && [ "$rescheduled" = 0 ] && echo 0 || echo 1)"
ct mv /etc/onecard/terminal.json.good /etc/onecard/terminal.json
ct systemctl reset-failed onecard
ct systemctl start onecard

# Before the race below, which loses messages on purpose: "Cannot find unit" names no unit.
refused=$(system_lines | grep -cE "$REFUSED")
check "no notify message refused or unplaced in this boot's journal ($refused lines)" \
  "$([ "$refused" = 0 ] && echo 0 || echo 1)"

# --- systemd-notify's race, measured ------------------------------------------------------------------------
# A short-lived sender that exits before PID 1 reads its datagram cannot be mapped to a unit, and its
# message is dropped. systemd-notify without --no-block waits on a barrier until PID 1 has read it.
lost() {
  local cursor unit="onecard-race-$1"
  cursor=$(ct journalctl -n0 --show-cursor | sed -n 's/^-- cursor: //p')
  ct systemd-run --wait --quiet --unit="$unit" -p User="$SERVICE_USER" -p Type=notify -p NotifyAccess=all \
    -p TimeoutStartSec=30 sh -c "systemd-notify --ready; i=0; while [ \$i -lt $RACE_MESSAGES ]; do systemd-notify $2 WATCHDOG=1; i=\$((i+1)); done"
  ct journalctl --after-cursor="$cursor" --no-pager | grep -c 'Cannot find unit for notify message'
}
blocking=$(lost blocking '')
noblock=$(lost noblock --no-block)
check "systemd-notify from a child as $SERVICE_USER: $blocking of $RACE_MESSAGES lost waiting (as app/run/notify.ts runs it), $noblock with --no-block" \
  "$([ "$blocking" = 0 ] && echo 0 || echo 1)"

echo "checks: $PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
