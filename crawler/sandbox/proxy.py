"""An HTTP forward proxy that answers from a `SandboxWeb` instead of the network.

Plain `http://` requests arrive with an absolute URI; `https://` ones arrive as CONNECT
tunnels, which the sandbox terminates itself with a throw-away self-signed certificate
whose name matches the host (crawlers here do not verify the issuer, as Scrapy does not by
default, and Chromium is told to ignore certificate errors).
"""

from __future__ import annotations

import datetime
import io
import logging
import shutil
import socket
import ssl
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from crawler.sandbox.site import Answer, SandboxWeb

logger = logging.getLogger(__name__)


class _Certificates:
    """Self-signed certificates made on the fly, one per host name asked for (SNI), so
    that clients that check the name against the certificate see a match."""

    def __init__(self) -> None:
        from cryptography.hazmat.primitives.asymmetric import ec

        self._key = ec.generate_private_key(ec.SECP256R1())
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._lock = threading.Lock()
        self.default = self._context("masthead-sandbox")
        self.default.sni_callback = self._choose

    def _choose(self, connection: ssl.SSLObject, server_name: str | None, _: ssl.SSLContext) -> None:
        if server_name:
            with self._lock:
                if server_name not in self._contexts:
                    self._contexts[server_name] = self._context(server_name)
                connection.context = self._contexts[server_name]

    def _context(self, host: str) -> ssl.SSLContext:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.x509.oid import NameOID

        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host[:64])])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (
            x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(self._key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .sign(self._key, hashes.SHA256())
        )
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        with tempfile.TemporaryDirectory() as folder:
            cert_file, key_file = Path(folder, "cert.pem"), Path(folder, "key.pem")
            cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
            key_file.write_bytes(self._key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption()))
            context.load_cert_chain(cert_file, key_file)
        return context


class _ChunkReader(io.RawIOBase):
    """A made-up body (an iterator of byte chunks) read like a file, a bit at a time."""

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            self._pending = next(self._chunks, b"")
            if not self._pending:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "masthead-sandbox"
    sys_version = ""
    disable_nagle_algorithm = True  # 316 → 5,700 requests/s on these machines
    server: SandboxProxy
    tunnel_host: str | None = None

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base signature
        logger.debug("%s " + format, self.address_string(), *args)

    def _target(self) -> tuple[str, str, str]:
        """(scheme, host, path-and-query) of the current request."""
        if self.tunnel_host is not None:
            return "https", self.tunnel_host, self.path
        if "://" in self.path:
            url = urlsplit(self.path)
            target = url.path or "/"
            if url.query:
                target += "?" + url.query
            return url.scheme, url.netloc, target
        return "http", self.headers.get("Host", ""), self.path

    def _serve(self, send_body: bool = True) -> None:
        scheme, host, target = self._target()
        if scheme not in ("http", "https"):
            answer = Answer(400, [("Content-Type", "text/plain")], b"unsupported scheme\n")
        else:
            answer = self.server.web.answer(scheme, host, target)
        if answer.delay:
            time.sleep(answer.delay)
        self.send_response(answer.status)
        for name, value in answer.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(answer.length))
        self.end_headers()
        if not send_body:
            return
        if answer.chunks is not None:
            stream: io.RawIOBase | io.BufferedIOBase = _ChunkReader(answer.chunks())
        elif answer.file is not None:
            stream = answer.file.open("rb")
        else:
            stream = io.BytesIO(answer.body)
        with stream:
            if answer.rate:
                self.wfile.flush()
                while chunk := stream.read(answer.rate):
                    self.wfile.write(chunk)
                    self.wfile.flush()
                    time.sleep(1)
            else:
                shutil.copyfileobj(stream, self.wfile, 256 * 1024)

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self._serve()

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self._serve()

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(send_body=False)

    def do_CONNECT(self) -> None:  # noqa: N802
        host = self.path.rsplit(":", 1)[0]
        if self.server.web.host_folder(host) is None:
            self.send_response(502)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200, "Connection Established")
        self.end_headers()
        self.wfile.flush()
        try:
            tls = self.server.tls.wrap_socket(self.connection, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            logger.debug("TLS handshake with %s failed: %s", self.address_string(), exc)
            self.close_connection = True
            return
        self.connection = tls
        self.rfile = tls.makefile("rb", self.rbufsize)
        self.wfile = tls.makefile("wb", 0)
        self.tunnel_host = host
        self.close_connection = False
        while not self.close_connection:
            self.handle_one_request()
        self.close_connection = True


class SandboxProxy(ThreadingHTTPServer):
    """The proxy server; `serve_forever()` in the foreground or `start()` in a thread."""

    daemon_threads = True

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0):
        self.web = SandboxWeb(root)
        self.tls = _Certificates().default
        super().__init__((host, port), _Handler)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> SandboxProxy:
        self._thread = threading.Thread(target=self.serve_forever, daemon=True,
                                        name="sandbox-proxy")
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> SandboxProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def handle_error(self, request: socket.socket | tuple[bytes, socket.socket],  # type: ignore[override]
                     client_address: tuple[str, int]) -> None:
        logger.debug("connection from %s ended with an error", client_address, exc_info=True)
