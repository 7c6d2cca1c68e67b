#!/bin/sh
# with-build-ca COMMAND...: runs a download step of the image build, trusting the CA bundle
# handed in as the BuildKit secret `build_ca` when it is not empty (a corporate proxy's, or
# a machine whose registries are reached only through its own CA). The bundle is mounted
# for this one step and never lands in an image; with the repository's empty
# no-extra-ca.pem, the image's stock CA certificates are used.
set -eu
bundle=/run/secrets/build_ca
if [ -s "$bundle" ]; then
  export SSL_CERT_FILE="$bundle" PIP_CERT="$bundle" CURL_CA_BUNDLE="$bundle" GIT_SSL_CAINFO="$bundle" \
    REQUESTS_CA_BUNDLE="$bundle"
fi
exec "$@"
