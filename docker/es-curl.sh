#!/bin/sh
# curl to Elasticsearch, signed in as ES_USERNAME when ES_USERNAME and ES_PASSWORD are both set (its security on);
# the login reaches curl on stdin (-K -: curl's config syntax), never in an argument another process could read.
# Used by Elasticsearch's healthcheck and by the log shipper's entrypoint. Arguments: curl's.
set -eu
if [ -z "${ES_USERNAME:-}" ] || [ -z "${ES_PASSWORD:-}" ]; then exec curl "$@"; fi
# A quoted value of curl's config: backslash and double quote escaped (sed reads the value on stdin).
quoted() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }
printf 'user = "%s:%s"\n' "$(quoted "$ES_USERNAME")" "$(quoted "$ES_PASSWORD")" | curl -K - "$@"
