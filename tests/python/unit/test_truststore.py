"""etl.truststore with the real keytool and a CA made by openssl: the JDK's CAs plus the profile's."""
from __future__ import annotations

import subprocess

import pytest

from etl.truststore import PASSWORD, TrustStoreError, java_home, java_options, trust_store


@pytest.fixture(scope="module")
def ca_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ca")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(folder / "ca.key"),
                    "-out", str(folder / "ca.crt"), "-days", "1", "-subj", "/CN=truststore test CA"],
                   check=True, capture_output=True)
    return folder / "ca.crt"


def _aliases(store) -> str:
    keytool = java_home() / "bin" / "keytool"
    return subprocess.run([str(keytool), "-list", "-keystore", str(store), "-storepass", PASSWORD],
                          check=True, capture_output=True, text=True).stdout


def test_the_store_holds_the_jdk_cas_and_the_profile_ca_and_is_reused(ca_file, tmp_path):
    store = trust_store(str(ca_file), tmp_path / "tls")
    listing = _aliases(store)
    assert "etl-s3-ca-0" in listing
    assert listing.count("trustedCertEntry") > 1  # the JDK's own CAs too: public endpoints still verify
    mtime = store.stat().st_mtime_ns
    assert trust_store(str(ca_file), tmp_path / "tls") == store and store.stat().st_mtime_ns == mtime
    assert [p.name for p in (tmp_path / "tls").iterdir()] == [store.name]  # no partial files left
    assert f"-Djavax.net.ssl.trustStore={store.name} " in java_options(store.name)


def test_a_file_without_a_certificate_is_named(tmp_path):
    bad = tmp_path / "not-a-ca.pem"
    bad.write_text("hello\n")
    with pytest.raises(TrustStoreError, match=r"not-a-ca\.pem holds no PEM certificate; s3\.caFile"):
        trust_store(str(bad), tmp_path / "tls")
