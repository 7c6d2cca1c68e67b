"""A Java trust store for an S3 endpoint signed by a custom CA (a profile's s3.caFile).

The JVMs of spark-submit (driver and executors) reach S3 through s3a, whose AWS SDK v2 HTTP client takes
its TLS trust from the JVM's default (`javax.net.ssl.trustStore`, Hadoop's DelegatingSSLSocketFactory
with default trust managers). Replacing that default with a store holding only the CA would make every
public endpoint untrusted, so the store is the JDK's own `cacerts` plus every certificate of the CA file,
built with `keytool` into the state folder once per CA content. Its password is the JDK's well-known
`changeit`: a trust store holds public certificates only, nothing secret.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

PASSWORD = "changeit"  # public certificates only (see above); the JDK's cacerts uses the same
STORE_TYPE = "PKCS12"
_PEM = re.compile(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)


class TrustStoreError(RuntimeError):
    """The trust store could not be built (no keytool, an unreadable or empty CA file)."""


def java_home() -> Path:
    if os.environ.get("JAVA_HOME"):
        return Path(os.environ["JAVA_HOME"])
    java = shutil.which("java")
    if not java:
        raise TrustStoreError("no Java found (JAVA_HOME unset, no java on PATH); Spark needs Java 17")
    return Path(os.path.realpath(java)).parents[1]


def certificates(ca_file: str) -> list[str]:
    try:
        text = Path(ca_file).read_text(encoding="ascii", errors="replace")
    except OSError as error:
        raise TrustStoreError(f"cannot read the CA file {ca_file} ({error.strerror}); fix s3.caFile in the profile") \
            from None
    certs = _PEM.findall(text)
    if not certs:
        raise TrustStoreError(f"the CA file {ca_file} holds no PEM certificate; s3.caFile must be a PEM bundle")
    return certs


def trust_store(ca_file: str, folder: Path) -> Path:
    """The JDK's CAs plus the CA file's, as PKCS12 in `folder`; reused while the CA file is unchanged."""
    certs = certificates(ca_file)
    digest = hashlib.sha256("".join(certs).encode()).hexdigest()[:16]
    target = folder / f"s3-truststore-{digest}.p12"
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    home = java_home()
    keytool = home / "bin" / "keytool"
    cacerts = home / "lib" / "security" / "cacerts"
    partial = folder / f".{target.name}.{os.getpid()}"
    partial.unlink(missing_ok=True)
    store = ["-keystore", str(partial), "-storetype", STORE_TYPE, "-storepass", PASSWORD]
    if cacerts.is_file():
        _keytool([str(keytool), "-importkeystore", "-noprompt", "-srckeystore", str(cacerts), "-srcstorepass",
                  PASSWORD, "-destkeystore", str(partial), "-deststoretype", STORE_TYPE, "-deststorepass", PASSWORD])
    for index, cert in enumerate(certs):
        pem = folder / f".{target.name}.{os.getpid()}.{index}.pem"
        pem.write_text(cert + "\n", encoding="ascii")
        try:
            _keytool([str(keytool), "-importcert", "-noprompt", "-alias", f"etl-s3-ca-{index}", "-file", str(pem),
                      *store])
        finally:
            pem.unlink(missing_ok=True)
    os.replace(partial, target)  # whole or not at all: a concurrent submit never reads half a store
    return target


def _keytool(command: list[str]) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    except OSError as error:
        raise TrustStoreError(f"cannot run {command[0]} ({error.strerror}); Spark's Java 17 has keytool") from None
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip()[-400:]
        raise TrustStoreError(f"keytool failed building the S3 trust store: {output}")


def java_options(store: str) -> str:
    """-D options that make a JVM trust `store` (a path, or a file name in the executor's working folder)."""
    return (f"-Djavax.net.ssl.trustStore={store} -Djavax.net.ssl.trustStoreType={STORE_TYPE} "
            f"-Djavax.net.ssl.trustStorePassword={PASSWORD}")
