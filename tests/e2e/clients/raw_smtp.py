#!/usr/bin/env python3
"""Raw-socket SMTP clients that do what smtplib won't, for the e2e tests.

Modes:
  pipeline            reads a whole dialogue from stdin (lines end in CRLF),
                      sends it in one write after the greeting, and prints
                      every reply line as "reply=<line>" until the server
                      closes.
  starttls-injection  CVE-2011-0411: sends "STARTTLS\\r\\nRSET\\r\\n" in one
                      write, completes the handshake, sends EHLO and prints
                      what came back: "starttls=<reply>", then
                      "after_tls=<line>" for each line of the next reply.
  abort-handshake     sends a ClientHello (after STARTTLS with --starttls,
                      else on connect) and closes before the server's answer.

Output is key=value lines; the exit status is 1 when the mode could not run
to its end (the reason in "error=").
"""

import argparse
import socket
import ssl
import sys


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("mode",
                   choices=["pipeline", "starttls-injection",
                            "abort-handshake"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--connect", default="127.0.0.1")
    p.add_argument("--host", default="localhost")
    p.add_argument("--cafile")
    p.add_argument("--starttls", action="store_true")
    p.add_argument("--timeout", type=float, default=10.0)
    return p.parse_args()


class LineReader:
    """Reads CRLF-terminated lines from a socket-like object, byte-exact:
    nothing past the requested line is consumed from the socket, so that
    a TLS handshake can start right after a reply."""

    def __init__(self, sock):
        self.sock = sock

    def line(self):
        data = b""
        while not data.endswith(b"\r\n"):
            byte = self.sock.recv(1)
            if not byte:
                raise EOFError("connection closed after %r" % data)
            data += byte
        return data[:-2].decode("utf-8", "replace")

    def reply(self):
        lines = [self.line()]
        while len(lines[-1]) > 3 and lines[-1][3] == "-":
            lines.append(self.line())
        return lines


def pipeline(args):
    dialogue = sys.stdin.buffer.read()
    sock = socket.create_connection((args.connect, args.port), args.timeout)
    reader = LineReader(sock)
    for line in reader.reply():
        print("reply=" + line)
    sock.sendall(dialogue)
    try:
        while True:
            print("reply=" + reader.line())
    except EOFError:
        pass
    sock.close()
    return 0


def starttls_injection(args):
    sock = socket.create_connection((args.connect, args.port), args.timeout)
    reader = LineReader(sock)
    reader.reply()
    sock.sendall(b"EHLO injector.example\r\n")
    reader.reply()
    # The attack: a command smuggled in the same segment as STARTTLS. A
    # vulnerable server answers it after the handshake, as if it had come
    # over TLS.
    sock.sendall(b"STARTTLS\r\nRSET\r\n")
    print("starttls=" + "\n".join(reader.reply()))
    context = ssl.create_default_context(cafile=args.cafile)
    tls = context.wrap_socket(sock, server_hostname=args.host)
    print("tls_version=" + tls.version())
    tls.sendall(b"EHLO injector.example\r\n")
    tls_reader = LineReader(tls)
    for line in tls_reader.reply():
        print("after_tls=" + line)
    tls.sendall(b"QUIT\r\n")
    for line in tls_reader.reply():
        print("quit=" + line)
    tls.close()
    return 0


def abort_handshake(args):
    sock = socket.create_connection((args.connect, args.port), args.timeout)
    if args.starttls:
        reader = LineReader(sock)
        reader.reply()
        sock.sendall(b"EHLO aborter.example\r\n")
        reader.reply()
        sock.sendall(b"STARTTLS\r\n")
        print("starttls=" + "\n".join(reader.reply()))
    # Drive the handshake by hand through memory BIOs: only the first flight
    # (the ClientHello) is produced and sent; then the client vanishes.
    context = ssl.create_default_context(cafile=args.cafile)
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname=args.host)
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    hello = outgoing.read()
    sock.sendall(hello)
    print("client_hello_bytes=%d" % len(hello))
    sock.close()
    return 0


def main():
    args = parse_args()
    modes = {"pipeline": pipeline, "starttls-injection": starttls_injection,
             "abort-handshake": abort_handshake}
    try:
        return modes[args.mode](args)
    except (OSError, EOFError, ssl.SSLError) as error:
        print("error=%s: %s" % (type(error).__name__,
                                " ".join(str(error).split())))
        return 1


if __name__ == "__main__":
    sys.exit(main())
