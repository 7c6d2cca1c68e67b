"""An S3 endpoint whose certificate expired: the extractor's client refuses it and says it must be renewed,
naming the service and the endpoint (issue "Outgrow the laptop": clear failures)."""
from dataclasses import replace

import pytest
from support_tls import expired_certificate, https_server

from etl.extract.store import MinioUnavailable, connect


def test_an_expired_server_certificate_is_named_with_what_to_do(base_settings, tmp_path):
    ca, cert, key = expired_certificate(tmp_path / "tls")
    server = https_server(cert, key)
    try:
        url = f"https://127.0.0.1:{server.server_address[1]}"
        settings = replace(base_settings, s3_url=url, s3_ca_file=str(ca), s3_external=True, profile="team")
        with pytest.raises(MinioUnavailable) as failure:
            connect(settings, "rawzone")
    finally:
        server.shutdown()
    message = str(failure.value)
    assert f"S3 (profile team) at {url}: TLS certificate not trusted" in message
    assert "expired" in message and "must be renewed" in message
    assert settings.minio_secret_key not in message
