#!/bin/sh
# Entry point of the log shipper image (under tini): the care `etl up` gives the native shipper
# (extension/core/stack/logShipper.ts: rewindIfMarked, pruneStaleOffsets, removeStalePidFile, beforeShipperStop),
# then rsyslogd in the foreground with the configuration renderShipperConfig renders for this container
# (docker/log-shipper/rsyslog.conf; tests/typescript/unit/composeShipperConfig.test.ts keeps them equal).
set -eu
work=/var/lib/etl-shipper
pidfile="$work/rsyslogd.pid"
marker="$work/rewind-on-start"
# The target of the rendered configuration.
es=http://elasticsearch:9200

# The last stop came during an outage (see on_stop): rsyslog dropped the batch it was retrying and imfile's
# offsets are past it, so the log files are read again from their start (409s for what is indexed, no copy).
if [ -e "$marker" ]; then
  rm -f "$work"/imfile-state:* "$marker"
  echo "log shipper: stopped during an Elasticsearch outage last time: reading the log files again from their start"
fi

# imfile keeps a state file per inode and name for ever: one whose file is gone or is now another inode would
# start a new file that reused the inode at the old offset; an unreadable one goes too (its file read again).
for state in "$work"/imfile-state:*; do
  [ -e "$state" ] || continue
  inode=$(basename "$state" | cut -d: -f2)
  case "$inode" in '' | *[!0-9]*) continue ;; esac
  file=$(sed -n 's/.*"filename": *"\([^"]*\)".*/\1/p' "$state" 2>/dev/null | sed 's,\\/,/,g')
  if [ -n "$file" ] && [ -e "$file" ] && [ "$(stat -c %i "$file")" = "$inode" ]; then continue; fi
  rm -f "$state"
done

# A kill leaves the pid file, and rsyslogd refuses to start while that pid runs rsyslogd: in this new container
# nothing does yet, whatever the number now belongs to.
if [ -f "$pidfile" ] && ! grep -qsx rsyslogd "/proc/$(cat "$pidfile")/comm"; then rm -f "$pidfile"; fi
# impstats appends for ever: one file per run (its counters start at 0 anyway).
rm -f "$work/stats.json"

# The ECS index template (as Logstash installs it in the elk profile, and `etl up`): before the first document.
# Elasticsearch is healthy at a compose up (depends_on); a restart during an outage does not wait for it (the
# template is in Elasticsearch's volume since the first start).
for attempt in 1 2; do
  if etl-es-curl -fsS -m 5 -o /dev/null -X PUT -H 'Content-Type: application/json' \
    --data-binary @/etc/etl-shipper/etl-logs-template.json "$es/_index_template/etl-logs"; then break; fi
  [ "$attempt" = 2 ] && echo 'log shipper: index template not installed now (curl said why above); etl up installs it too'
  sleep 1
done

rsyslogd -n -f /etc/etl-shipper/rsyslog.conf -i "$pidfile" &
child=$!

# Stopped while Elasticsearch is down: leave the marker for the next start (see above), then stop rsyslogd.
on_stop() {
  if ! etl-es-curl -fsS -m 3 -o /dev/null "$es/_cluster/health?wait_for_status=yellow&timeout=2s" 2>/dev/null; then
    date -u +%Y-%m-%dT%H:%M:%SZ > "$marker"
  fi
  kill -TERM "$child" 2>/dev/null || true
}
trap on_stop TERM INT
status=0
while :; do
  wait "$child" && status=0 || status=$?
  kill -0 "$child" 2>/dev/null || break
done
exit "$status"
