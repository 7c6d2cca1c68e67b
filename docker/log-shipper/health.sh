#!/bin/sh
# Healthy as natively: the rsyslogd of its pid file runs (it writes the file once its inputs run).
pid=$(cat /var/lib/etl-shipper/rsyslogd.pid 2>/dev/null) && grep -qsx rsyslogd "/proc/$pid/comm"
