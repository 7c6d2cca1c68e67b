#!/bin/sh
# Entry point of the runtime and Airflow images (under tini, which forwards signals).
#
# Compose runs the `etl` runner and Airflow as the caller's uid:gid (ETL_UID/ETL_GID), so the
# files they write to the mounted Backup_data/ and ETL_logs/ are the caller's. That uid may
# have no passwd entry in the image, and Hadoop's login (inside every Spark driver) fails
# without a user name: nss_wrapper gives it one, without a writable /etc/passwd.
set -eu
if ! whoami >/dev/null 2>&1; then
  nss_dir="$(mktemp -d)"
  cp /etc/passwd "$nss_dir/passwd"
  cp /etc/group "$nss_dir/group"
  echo "etl-user:x:$(id -u):$(id -g):ETL user:${HOME:-/tmp}:/bin/sh" >> "$nss_dir/passwd"
  getent group "$(id -g)" >/dev/null 2>&1 || echo "etl-group:x:$(id -g):" >> "$nss_dir/group"
  export NSS_WRAPPER_PASSWD="$nss_dir/passwd" NSS_WRAPPER_GROUP="$nss_dir/group" LD_PRELOAD=libnss_wrapper.so
  # Python's getpass.getuser() reads these first: Airflow's LocalExecutor workers rename
  # their process (setproctitle), which leaves nss_wrapper without its settings there.
  export USER=etl-user LOGNAME=etl-user
fi
# A Spark driver started here (etl.submit) must be reachable from the executors in the
# worker containers: unless told otherwise it advertises this container's own address.
if [ -z "${ETL_DRIVER_HOST:-}" ]; then
  ETL_DRIVER_HOST="$(hostname -i | cut -d' ' -f1)"
  export ETL_DRIVER_HOST
fi
exec "$@"
