#!/usr/bin/env python3
"""Sends mail with Python's smtplib, as a real client for the e2e tests.

The message is read from stdin (a default one if stdin is empty); "{n}" in it
is replaced by the message's number on its connection, so that many messages
can be told apart. The result goes to stdout as key=value lines, so the C++
test can check it without a JSON parser:

    result=ok            every message was accepted
    sent=50              how many were accepted
    tls_version=TLSv1.3  on a TLS connection
    result=error         something failed; the exit status is 1
    error=SMTPSenderRefused
    code=552             the SMTP reply code, when the failure was a reply
    detail=...           the exception's text, on one line
"""

import argparse
import base64
import smtplib
import socket
import ssl
import sys
import threading


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--host", default="localhost",
                   help="name used for SNI and certificate checks")
    p.add_argument("--connect", default="127.0.0.1",
                   help="address actually connected to")
    p.add_argument("--tls", choices=["none", "starttls", "implicit"],
                   default="none")
    p.add_argument("--cafile", help="trust anchor; verification is always on")
    p.add_argument("--tls-max", choices=["TLSv1_2", "TLSv1_3"])
    p.add_argument("--cert", help="client certificate chain (PEM)")
    p.add_argument("--key", help="client private key (PEM)")
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--mechanism",
                   help="send AUTH with this mechanism even if not offered "
                        "(default: login() picks among those offered)")
    p.add_argument("--external",
                   choices=["equals", "initial", "challenge"],
                   help="AUTH EXTERNAL (the TLS client certificate): "
                        "'equals' sends \"AUTH EXTERNAL =\" with docmd(); "
                        "'initial' sends --authzid as the initial response "
                        "and 'challenge' answers the server's 334 with it, "
                        "both through smtplib's auth()")
    p.add_argument("--authzid", default="",
                   help="the authorization identity AUTH EXTERNAL asks for")
    p.add_argument("--from", dest="sender", default="a@example.com")
    p.add_argument("--to", action="append", default=[])
    p.add_argument("--mail-option", action="append", default=[])
    p.add_argument("--rcpt-option", action="append", default=[])
    p.add_argument("--count", type=int, default=1,
                   help="messages per connection (0: only connect/auth)")
    p.add_argument("--connections", type=int, default=1,
                   help="connections opened in parallel, one thread each")
    p.add_argument("--timeout", type=float, default=20.0)
    return p.parse_args()


class Result:
    """What happened, shared by the threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sent = 0
        self.errors = []
        self.tls_version = None


def make_context(args):
    context = ssl.create_default_context(cafile=args.cafile)
    if args.tls_max:
        context.maximum_version = getattr(ssl.TLSVersion, args.tls_max)
    if args.cert:
        context.load_cert_chain(args.cert, args.key)
    return context


def connect(args, context):
    """Connects to args.connect while naming args.host for TLS checks."""
    cls = smtplib.SMTP_SSL if args.tls == "implicit" else smtplib.SMTP

    class Client(cls):
        # smtplib connects to the name it checks the certificate against;
        # "localhost" may resolve to ::1 first, where nothing listens.
        def _get_socket(self, host, port, timeout):
            sock = socket.create_connection((args.connect, port), timeout)
            if args.tls == "implicit":
                sock = self.context.wrap_socket(sock, server_hostname=host)
            return sock

    # Connecting from the constructor is what sets the name starttls()
    # checks the certificate against.
    if args.tls == "implicit":
        client = Client(args.host, args.port, timeout=args.timeout,
                        context=context)
    else:
        client = Client(args.host, args.port, timeout=args.timeout)
    client.ehlo("python.client.example")
    if args.tls == "starttls":
        client.starttls(context=context)
        client.ehlo("python.client.example")
    return client


def authenticate(client, args):
    if args.mechanism is None:
        client.login(args.user, args.password)
        return
    # smtplib's own authenticators, chosen explicitly: this sends AUTH even
    # when the server did not offer it, which is how a careless client
    # behaves.
    client.user, client.password = args.user, args.password
    name = "auth_" + args.mechanism.lower().replace("-", "_")
    if args.mechanism == "XOAUTH2":
        def xoauth2(challenge=None):
            del challenge
            return "user=%s\x01auth=Bearer %s\x01\x01" % (args.user,
                                                         args.password)
        authobject = xoauth2
    else:
        authobject = getattr(client, name)
    client.auth(args.mechanism, authobject)


def authenticate_external(client, args):
    if args.external == "equals":
        # RFC 4954 4: "=" is an empty initial response, which smtplib's
        # auth() never sends (it sends "AUTH EXTERNAL " and an empty line).
        code, reply = client.docmd("AUTH", "EXTERNAL =")
        if code != 235:
            raise smtplib.SMTPAuthenticationError(code, reply)
        return

    def external(challenge=None):
        del challenge
        return args.authzid

    client.auth("EXTERNAL", external,
                initial_response_ok=args.external == "initial")


def one_connection(args, context, message, result):
    client = connect(args, context)
    try:
        sock = client.sock
        if isinstance(sock, ssl.SSLSocket):
            with result.lock:
                result.tls_version = sock.version()
        if args.external is not None:
            authenticate_external(client, args)
        if args.user is not None:
            authenticate(client, args)
        for n in range(args.count):
            body = message.replace(b"{n}", str(n).encode())
            client.sendmail(args.sender, args.to or ["b@example.com"], body,
                            mail_options=args.mail_option,
                            rcpt_options=args.rcpt_option)
            with result.lock:
                result.sent += 1
        client.quit()
    finally:
        client.close()


def describe(error):
    """key=value lines for one failure."""
    lines = ["error=" + type(error).__name__]
    code = getattr(error, "smtp_code", None)
    if code is None and isinstance(error, smtplib.SMTPRecipientsRefused):
        code = next(iter(error.recipients.values()))[0]
    if code is not None:
        lines.append("code=%d" % code)
    if isinstance(error, ssl.SSLCertVerificationError):
        lines.append("verify=" + str(error.verify_message))
    if isinstance(error, ssl.SSLError):
        lines.append("reason=" + str(error.reason))
    lines.append("detail=" + " ".join(str(error).split()))
    return lines


def main():
    args = parse_args()
    message = sys.stdin.buffer.read() or (
        b"From: a@example.com\r\nTo: b@example.com\r\n"
        b"Subject: message {n}\r\n\r\nHello {n}\r\n")
    context = make_context(args) if args.tls != "none" else None
    result = Result()

    def run():
        try:
            one_connection(args, context, message, result)
        except Exception as error:  # reported, not raised: see main's output
            with result.lock:
                result.errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    print("sent=%d" % result.sent)
    if result.tls_version:
        print("tls_version=" + result.tls_version)
    if result.errors:
        print("result=error")
        for line in describe(result.errors[0]):
            print(line)
        return 1
    print("result=ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
