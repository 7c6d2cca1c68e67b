#!/bin/sh
# Entry point of the Elasticsearch image (under tini). As natively (extension/core/stack/localAuth.ts): with
# ES_USERNAME and ES_PASSWORD both set, security is on and that user is the only one, a superuser of the file
# realm, written afresh at each start (a changed password applies); else security is off. The password reaches
# elasticsearch-users on stdin, never as an argument, and is not left in Elasticsearch's own environment.
set -eu
cd /usr/share/elasticsearch
if [ -n "${ES_USERNAME:-}" ] && [ -n "${ES_PASSWORD:-}" ]; then
  : > config/users
  : > config/users_roles
  printf '%s\n%s\n' "$ES_PASSWORD" "$ES_PASSWORD" | elasticsearch-users useradd "$ES_USERNAME" -r superuser >/dev/null
  set -- "$@" -E xpack.security.enabled=true -E xpack.security.authc.api_key.enabled=true \
    -E xpack.security.http.ssl.enabled=false
else
  set -- "$@" -E xpack.security.enabled=false
fi
unset ES_PASSWORD
exec elasticsearch "$@"
