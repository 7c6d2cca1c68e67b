"""A CA and a server certificate for 127.0.0.1 that EXPIRED in 2020 (`openssl ca` sets past dates), and an
HTTPS server presenting it: what a client must refuse, saying the certificate must be renewed."""
from __future__ import annotations

import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CA_CONFIG = """[ca]
default_ca = test
[test]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any
certificate = ca.crt
private_key = ca.key
copy_extensions = copy
[any]
commonName = supplied
"""


def _openssl(cwd: Path, *args: str) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def expired_certificate(folder: Path) -> tuple[Path, Path, Path]:
    """(CA certificate, server certificate, server key); the server's validity ended on 2020-01-02."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ca.cnf").write_text(CA_CONFIG)
    (folder / "index.txt").write_text("")
    (folder / "serial").write_text("01\n")
    _openssl(folder, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
             "-days", "2", "-subj", "/CN=Expired test CA", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    _openssl(folder, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1")
    _openssl(folder, "ca", "-batch", "-config", "ca.cnf", "-in", "server.csr", "-out", "server.crt", "-notext",
             "-startdate", "20200101000000Z", "-enddate", "20200102000000Z")
    return folder / "ca.crt", folder / "server.crt", folder / "server.key"


class _Ok(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.end_headers()

    do_HEAD = do_GET

    def log_message(self, *args) -> None:
        pass


def https_server(cert: Path, key: Path) -> ThreadingHTTPServer:
    """Serves TLS with that certificate on 127.0.0.1 (a free port) in a daemon thread; shutdown() stops it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
