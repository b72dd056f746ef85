"""A real SMTP listener on 127.0.0.1 for tests: just enough of the protocol (no TLS, no login)
to receive messages the way a relay sees them."""

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from pinkbreast.config.monitoring import Smtp


class _Handler(socketserver.StreamRequestHandler):
    received: list[str] = []

    def handle(self):
        self.wfile.write(b"220 sink\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                body = []
                while (part := self.rfile.readline()) not in (b".\r\n", b""):
                    body.append(part.decode())
                self.received.append("".join(body))
                self.wfile.write(b"250 ok\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            elif verb == b"EHLO":
                self.wfile.write(b"250 sink\r\n")
            else:
                self.wfile.write(b"250 ok\r\n")


@contextmanager
def smtp_sink(**settings) -> Iterator[tuple[Smtp, list[str]]]:
    """Serve SMTP on a free port; yield settings that reach it and the list of messages."""
    handler = type("Sink", (_Handler,), {"received": []})  # this sink's messages only
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield (
            Smtp(host="127.0.0.1", port=server.server_address[1], starttls=False, **settings),
            (handler.received),
        )
    finally:
        server.shutdown()
        server.server_close()
