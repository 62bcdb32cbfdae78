#!/usr/bin/env python3
"""Drives smtpfixture-server as a test suite in another language would.

    server_events.py SERVER CASE [ARG...]

starts SERVER (the smtpfixture-server binary) with the options CASE needs,
reads its --events stream while smtplib or a raw socket talks to it, and
checks what it printed (client-certificate takes three more arguments: the
client's certificate, its key and the CA that issued it). Exit status 0: the case passed; 1: it failed, with
the reason, the events seen and the server's stderr on stdout.

Timeouts are multiplied by SMTPFIXTURE_TIMEOUT_MULTIPLIER, as in the C++
tests.
"""

import array
import fcntl
import json
import os
import queue
import re
import signal
import smtplib
import socket
import ssl
import stat
import subprocess
import sys
import tempfile
import termios
import threading
import time

MULTIPLIER = float(os.environ.get("SMTPFIXTURE_TIMEOUT_MULTIPLIER") or 1)
TIMEOUT = 10.0 * MULTIPLIER
SECOND = 1.0 * MULTIPLIER
F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)


class Failure(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Failure(what)


class Server:
    """smtpfixture-server in a child process, its stdout read line by line
    on a thread so that every wait has a timeout."""

    def __init__(self, binary, *args, pass_fds=()):
        self.process = subprocess.Popen(
            [binary, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            pass_fds=pass_fds)
        self.lines = queue.Queue()
        self.events = []  # every event read so far, in order
        threading.Thread(target=self._read, daemon=True).start()
        self.stderr = b""
        self.listening = self.next_event("listening")

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def next_event(self, kind):
        """Reads events until one of `kind`; every line must be JSON."""
        while True:
            try:
                line = self.lines.get(timeout=TIMEOUT)
            except queue.Empty:
                raise Failure("no %s event within %.0f s" % (kind, TIMEOUT))
            check(line is not None, "stdout closed before a %s event" % kind)
            event = json.loads(line)  # raises on a line that is not JSON
            self.events.append(event)
            if event["event"] == kind:
                return event

    @property
    def port(self):
        return self.listening["port"]

    def stop(self):
        """SIGTERM; returns the exit status."""
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=TIMEOUT)
        finally:
            self.process.kill()
            self.stderr = self.process.stderr.read()
        return self.process.returncode


def message(subject, body="Hello.\r\n"):
    return ("From: a@example.com\r\nTo: b@example.com\r\n"
            "Subject: %s\r\nDate: Mon, 30 Nov 2026 22:00:00 +0000\r\n"
            "Message-ID: <1@example.com>\r\n\r\n%s" % (subject, body))


def case_events(binary):
    """STARTTLS with a verifying client; every event and field in order."""
    with tempfile.TemporaryDirectory() as dump:
        server = Server(binary, "--events", "--tls", "starttls",
                        "--dump-dir", dump)
        try:
            listening = server.listening
            check(listening["host"] == "127.0.0.1", listening)
            check(listening["url"] == "smtp://localhost:%d" % server.port,
                  listening)
            check(listening["tls"] == "starttls", listening)
            check(listening["attack"] == "none", listening)
            check(os.path.exists(listening["ca_file"]), listening)

            context = ssl.create_default_context(cafile=listening["ca_file"])
            with smtplib.SMTP("localhost", server.port,
                              local_hostname="client.example",
                              timeout=TIMEOUT) as smtp:
                smtp.starttls(context=context)
                refused = smtp.sendmail(
                    "a@example.com", ["b@example.com", "c@example.com"],
                    message("=?UTF-8?Q?Caf=C3=A9?="))
                check(refused == {}, refused)
                opened = server.next_event("session_opened")
                received = server.next_event("message_received")

            check(opened["id"] == 1, opened)
            check(re.fullmatch(r"127\.0\.0\.1:\d+", opened["peer"]), opened)
            check(received["id"] == 1 and received["session_id"] == 1,
                  received)
            envelope = received["envelope"]
            check(envelope["helo"] == "client.example", envelope)
            check(envelope["mail_from"] == "a@example.com", envelope)
            check(envelope["rcpt_to"] == ["b@example.com", "c@example.com"],
                  envelope)
            check("SIZE" in envelope["mail_parameters"], envelope)
            check(received["subject"] == "Caf\u00e9", received)
            check(received["tls"]["mode"] == "starttls", received)
            check(received["tls"]["version"].startswith("TLSv1."), received)
            check(received["tls"]["sni"] == "localhost", received)
            check(received["auth"] is None, received)
            check(received["violations"] == [], received)
            with open(received["eml"], "rb") as eml:
                data = eml.read()
            check(received["size"] == len(data), (received, len(data)))
            check(b"Subject: =?UTF-8?Q?Caf=C3=A9?=\r\n" in data, data)

            closed = server.next_event("session_closed")
            check(closed["id"] == 1 and closed["peer"] == opened["peer"],
                  closed)
            check(closed["tls"]["mode"] == "starttls", closed)
            check(closed["tls"]["cipher"] != "", closed)
            check(closed["tls_error"] is None, closed)
            check(closed["auth"] is None and closed["violations"] == [],
                  closed)
            check(closed["messages"] == 1, closed)
            check(closed["transcript_lines"] > 10, closed)
            kinds = [e["event"] for e in server.events]
            check(kinds == ["listening", "session_opened", "message_received",
                            "session_closed"], kinds)
        finally:
            status = server.stop()
        check(status == 0, "exit status %r" % status)
        check(b"messages=1 sessions=1" in server.stderr, server.stderr)


def case_fault(binary):
    """--fault: one recipient refused with the scripted reply."""
    server = Server(binary, "--events", "--tls", "none",
                    "--fault", "rcpt:bounce@:550 5.1.1 No such user",
                    "--fault", "eod:451 4.3.0 Try again later x1")
    try:
        with smtplib.SMTP("127.0.0.1", server.port, timeout=TIMEOUT) as smtp:
            try:
                smtp.sendmail("a@example.com",
                              ["b@example.com", "bounce@example.com"],
                              message("first"))
                raise Failure("the scripted 451 did not come")
            except smtplib.SMTPDataError as error:
                check(error.smtp_code == 451, error)
            refused = smtp.sendmail(
                "a@example.com", ["b@example.com", "bounce@example.com"],
                message("second"))
            check(refused == {"bounce@example.com":
                              (550, b"5.1.1 No such user")}, refused)
            received = server.next_event("message_received")
        check(received["subject"] == "second", received)
        check(received["envelope"]["rcpt_to"] == ["b@example.com"], received)
    finally:
        server.stop()


def case_auth_file(binary):
    """--auth-file and --auth-mechanisms; a bad line is refused."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as auth:
        auth.write("# test users\n\nalice:s3cr:et\n  # indented comment\n")
        auth.flush()
        server = Server(binary, "--events", "--tls", "none",
                        "--auth-allow-plaintext", "--auth-file", auth.name,
                        "--auth-mechanisms", "login")
        try:
            with smtplib.SMTP("127.0.0.1", server.port,
                              timeout=TIMEOUT) as smtp:
                smtp.ehlo()
                check(smtp.esmtp_features.get("auth", "").split() == ["LOGIN"],
                      smtp.esmtp_features)
                try:
                    smtp.login("alice", "wrong")
                    raise Failure("a wrong password was accepted")
                except smtplib.SMTPAuthenticationError as error:
                    check(error.smtp_code == 535, error)
                smtp.login("alice", "s3cr:et")  # the first colon splits
                smtp.sendmail("a@example.com", ["b@example.com"],
                              message("authenticated"))
                received = server.next_event("message_received")
            check(received["auth"] == {"mechanism": "LOGIN",
                                       "username": "alice"}, received)
            closed = server.next_event("session_closed")
            check(closed["auth"] == received["auth"], closed)
        finally:
            server.stop()

        auth.write("bob-without-a-password\n")  # line 5
        auth.flush()
        result = subprocess.run([binary, "--auth-file", auth.name],
                                capture_output=True, timeout=TIMEOUT)
        check(result.returncode == 2, result)
        check(b"--auth-file " + auth.name.encode() +
              b": line 5: expected USER:PASSWORD" in result.stderr, result)
        check(result.stdout == b"", result)


def case_bad_fault(binary):
    """A --fault that does not parse: exit 2, naming the flag and the fault."""
    for spec, complaint in [
            ("nope:550 x", b"unknown stage 'nope'"),
            ("rcpt:bounce@", b"no reply code"),
            ("rcpt:bounce@:700 x", b"reply code 700 is not in 200..599")]:
        result = subprocess.run([binary, "--fault", spec],
                                capture_output=True, timeout=TIMEOUT)
        check(result.returncode == 2, result)
        check(b"--fault '" + spec.encode() + b"': " + complaint
              in result.stderr, result)


def raw_reply(sock_file):
    """One whole reply: its lines joined with \\n."""
    lines = []
    while True:
        line = sock_file.readline().decode("utf-8", "replace")
        check(line, "connection closed; got %r" % lines)
        lines.append(line.rstrip("\r\n"))
        if len(line) < 4 or line[3] != "-":
            return "\n".join(lines)


def case_strict_line_endings(binary):
    """--line-endings strict: a bare LF in the data is refused, nothing
    stored."""
    server = Server(binary, "--events", "--tls", "none",
                    "--line-endings", "strict")
    try:
        # The file made by makefile() holds the socket open until it is
        # closed too: both go at the end of the block.
        with socket.create_connection(("127.0.0.1", server.port),
                                      timeout=TIMEOUT) as sock, \
                sock.makefile("rb") as replies:
            check(raw_reply(replies).startswith("220"), "greeting")
            for command, code in [(b"EHLO raw\r\n", "250"),
                                  (b"MAIL FROM:<a@x>\r\n", "250"),
                                  (b"RCPT TO:<b@x>\r\n", "250"),
                                  (b"DATA\r\n", "354")]:
                sock.sendall(command)
                reply = raw_reply(replies)
                check(reply.startswith(code), (command, reply))
            sock.sendall(b"Subject: x\r\n\r\nbare\nline\r\n.\r\n")
            reply = raw_reply(replies)
            # 550 at the end of the data, or 521 at once: both refuse it.
            check(re.match(r"5(50|21) 5\.5\.2 ", reply), reply)
        closed = server.next_event("session_closed")
        check(closed["messages"] == 0, closed)
        kinds = [e["event"] for e in server.events]
        check("message_received" not in kinds, kinds)
    finally:
        server.stop()


def case_max_connections(binary):
    """--max-connections 1: a second connection at the same time gets 421."""
    server = Server(binary, "--events", "--tls", "none",
                    "--max-connections", "1")
    try:
        with socket.create_connection(("127.0.0.1", server.port),
                                      timeout=TIMEOUT) as first:
            check(raw_reply(first.makefile("rb")).startswith("220"), "first")
            with socket.create_connection(("127.0.0.1", server.port),
                                          timeout=TIMEOUT) as second:
                reply = raw_reply(second.makefile("rb"))
                check(reply.startswith("421 4.7.0"), reply)
            closed = server.next_event("session_closed")
            check(closed["id"] == 2, closed)
            check(closed["transcript_lines"] >= 1, closed)
    finally:
        server.stop()


def case_dkim(binary):
    """--dkim-key: RFC 8463's example, sent as it is, verifies twice."""
    data_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            "..", "..", "data", "dkim")
    keys = []
    with open(os.path.join(data_dir, "rfc8463_keys.txt")) as lines:
        for line in lines:
            name, _, record = line.strip().partition(": ")
            if name:
                keys += ["--dkim-key", name + "=" + record]
    with open(os.path.join(data_dir, "rfc8463.eml"), "rb") as eml:
        signed = eml.read()
    server = Server(binary, "--events", "--tls", "none", *keys)
    try:
        with smtplib.SMTP("127.0.0.1", server.port, timeout=TIMEOUT) as smtp:
            smtp.sendmail("joe@football.example.com",
                          ["suzie@shopping.example.net"], signed)
            received = server.next_event("message_received")
        statuses = [(r["status"], r["algorithm"], r["domain"])
                    for r in received["dkim"]]
        check(statuses == [("pass", "ed25519-sha256", "football.example.com"),
                           ("pass", "rsa-sha256", "football.example.com")],
              received["dkim"])
    finally:
        server.stop()


def case_dkim_length(binary):
    """l= leaves an appended footer unsigned: still "pass", but the event's
    unsigned_body_bytes counts the footer's octets (0 for the whole)."""
    data_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            "..", "..", "data", "dkim")
    keys = []
    with open(os.path.join(data_dir, "keys.txt")) as lines:
        for line in lines:
            name, _, record = line.strip().partition(": ")
            if name.startswith("rsa2048."):
                keys += ["--dkim-key", name + "=" + record]
    with open(os.path.join(data_dir, "length.eml"), "rb") as eml:
        signed = eml.read()
    server = Server(binary, "--events", "--tls", "none", *keys)
    try:
        with smtplib.SMTP("127.0.0.1", server.port, timeout=TIMEOUT) as smtp:
            smtp.sendmail("ann@example.com", ["bob@example.net"], signed)
            whole = server.next_event("message_received")
            smtp.sendmail("ann@example.com", ["bob@example.net"],
                          signed + b"Appended by a list.\r\n")
            appended = server.next_event("message_received")
        check([(r["status"], r["unsigned_body_bytes"]) for r in whole["dkim"]]
              == [("pass", 0)], whole["dkim"])
        check([(r["status"], r["unsigned_body_bytes"])
               for r in appended["dkim"]] == [("pass", 25)], appended["dkim"])
    finally:
        server.stop()


def insecure_codes(event):
    """The insecure-* codes of a session_closed event (a list of codes) or a
    message_received one (a list of {"code", "detail"})."""
    codes = [v if isinstance(v, str) else v["code"]
             for v in event["violations"]]
    return sorted(c for c in codes if c.startswith("insecure-"))


def case_attack_strip_starttls(binary):
    """--attack strip-starttls: smtplib sending anyway (STARTTLS is not
    offered) is caught with insecure-plaintext-mail; a strict client that
    quits when STARTTLS is missing leaves no insecure-* finding."""
    server = Server(binary, "--events", "--attack", "strip-starttls")
    try:
        check(server.listening["attack"] == "strip-starttls",
              server.listening)
        with smtplib.SMTP("localhost", server.port, timeout=TIMEOUT) as smtp:
            smtp.ehlo()
            check(not smtp.has_extn("starttls"), smtp.esmtp_features)
            smtp.sendmail("a@example.com", ["b@example.com"],
                          message("stripped"))
            received = server.next_event("message_received")
        # The finding is the session's (API.md), not the message's: the
        # message shows only that it came without TLS.
        check(received["tls"]["mode"] == "none", received)
        check(insecure_codes(received) == [], received)
        closed = server.next_event("session_closed")
        check(insecure_codes(closed) == ["insecure-plaintext-mail"], closed)

        with smtplib.SMTP("localhost", server.port, timeout=TIMEOUT) as smtp:
            smtp.ehlo()
            check(not smtp.has_extn("starttls"), smtp.esmtp_features)
            # Strict: no STARTTLS, no mail.
        closed = server.next_event("session_closed")
        check(closed["id"] == 2, closed)
        check(insecure_codes(closed) == [], closed)
        check(closed["messages"] == 0, closed)
    finally:
        check(server.stop() == 0, "exit status")


def case_attack_refuse_starttls(binary):
    """--attack refuse-starttls: a strict client (starttls() raises on the
    454) sends nothing and leaves no insecure-* finding; one that goes on in
    plaintext after the refusal is caught."""
    server = Server(binary, "--events", "--attack", "refuse-starttls")
    try:
        check(server.listening["attack"] == "refuse-starttls",
              server.listening)
        context = ssl.create_default_context(
            cafile=server.listening["ca_file"])
        with smtplib.SMTP("localhost", server.port, timeout=TIMEOUT) as smtp:
            try:
                smtp.starttls(context=context)
                raise Failure("starttls() succeeded against refuse-starttls")
            except smtplib.SMTPResponseException as refused:
                check(refused.smtp_code == 454, refused)
        closed = server.next_event("session_closed")
        check(closed["tls"]["mode"] == "none", closed)
        check(insecure_codes(closed) == [], closed)
        check(closed["messages"] == 0, closed)

        with smtplib.SMTP("localhost", server.port, timeout=TIMEOUT) as smtp:
            try:
                smtp.starttls(context=context)
            except smtplib.SMTPResponseException:
                pass  # opportunistic: goes on without TLS
            smtp.sendmail("a@example.com", ["b@example.com"],
                          message("fell back"))
            received = server.next_event("message_received")
        check(received["tls"]["mode"] == "none", received)
        closed = server.next_event("session_closed")
        check(closed["id"] == 2, closed)
        check(insecure_codes(closed) == ["insecure-plaintext-mail"], closed)
    finally:
        check(server.stop() == 0, "exit status")


def case_bad_tls_options(binary):
    """An unknown --attack lists the attacks; an unreadable --client-ca and
    an unknown mechanism name the flag; both exit 2."""
    for args, complaints in [
            (["--attack", "mitm"],
             [b"--attack: unknown attack 'mitm' (attacks: none, "
              b"strip-starttls, "
              b"refuse-starttls, reject-starttls, starttls-wrong-reply, "
              b"refuse-ehlo, inject-replies, inject-partial-reply, "
              b"plaintext-on-implicit-port)"]),
            (["--attack", "Strip-StartTLS"],
             [b"unknown attack 'Strip-StartTLS'"]),
            (["--client-ca", "/nonexistent/ca.pem"],
             [b"--client-ca /nonexistent/ca.pem: cannot read it"]),
            (["--client-ca", os.path.abspath(__file__)],
             [b"no PEM certificate in it"]),
            (["--auth-mechanisms", "PLAIN,GSSAPI"],
             [b"unknown mechanism 'GSSAPI'", b"EXTERNAL"])]:
        result = subprocess.run([binary, *args],
                                capture_output=True, timeout=TIMEOUT)
        check(result.returncode == 2, result)
        for complaint in complaints:
            check(complaint in result.stderr, result)
        check(result.stdout == b"", result)


def case_client_certificate(binary, cert, key, ca):
    """--require-client-certificate --client-ca: a client with a certificate
    from that CA is verified (subject in the events) and may AUTH EXTERNAL;
    one without a certificate fails the handshake (tls_error)."""
    server = Server(binary, "--events", "--require-client-certificate",
                    "--client-ca", ca, "--auth-mechanisms", "EXTERNAL,PLAIN",
                    "--auth-accept-any")
    try:
        context = ssl.create_default_context(
            cafile=server.listening["ca_file"])
        context.load_cert_chain(cert, key)
        with smtplib.SMTP("localhost", server.port, timeout=TIMEOUT) as smtp:
            smtp.starttls(context=context)
            smtp.ehlo()
            check("EXTERNAL" in smtp.esmtp_features.get("auth", "").split(),
                  smtp.esmtp_features)
            code, reply = smtp.docmd("AUTH", "EXTERNAL =")
            check(code == 235, (code, reply))
            smtp.sendmail("a@example.com", ["b@example.com"],
                          message("with a certificate"))
            received = server.next_event("message_received")
        tls = received["tls"]
        check(tls["mode"] == "starttls", received)
        check(tls["client_certificate_subject"] == "CN=mailer", received)
        check(tls["client_certificate_verified"] is True, received)
        check(received["auth"] == {"mechanism": "EXTERNAL",
                                   "username": "mailer"}, received)
        closed = server.next_event("session_closed")
        check(closed["tls"]["client_certificate_verified"] is True, closed)
        check(closed["tls_error"] is None, closed)

        bare = ssl.create_default_context(cafile=server.listening["ca_file"])
        try:
            with smtplib.SMTP("localhost", server.port,
                              timeout=TIMEOUT) as smtp:
                smtp.starttls(context=bare)
                smtp.sendmail("a@example.com", ["b@example.com"],
                              message("without a certificate"))
            raise Failure("a client without a certificate got through")
        except (ssl.SSLError, smtplib.SMTPServerDisconnected,
                ConnectionError):
            pass
        closed = server.next_event("session_closed")
        check(closed["id"] == 2, closed)
        check(closed["tls_error"] is not None, closed)
        check(closed["tls"]["client_certificate_verified"] is False, closed)
        check(closed["messages"] == 0, closed)
    finally:
        status = server.stop()
    check(status == 0, "exit status %r" % status)
    check(b"messages=1 sessions=2" in server.stderr, server.stderr)

    # --request-client-certificate trusting the server's own run CA (no
    # --client-ca): the certificate from another CA is shown, not verified,
    # and the handshake goes on; EXTERNAL is then not offered.
    server = Server(binary, "--events", "--request-client-certificate",
                    "--attack", "none", "--auth-mechanisms", "EXTERNAL,PLAIN",
                    "--auth-accept-any")
    try:
        context = ssl.create_default_context(
            cafile=server.listening["ca_file"])
        context.load_cert_chain(cert, key)
        with smtplib.SMTP("localhost", server.port, timeout=TIMEOUT) as smtp:
            smtp.starttls(context=context)
            smtp.ehlo()
            check("EXTERNAL" not in
                  smtp.esmtp_features.get("auth", "").split(),
                  smtp.esmtp_features)
            smtp.sendmail("a@example.com", ["b@example.com"],
                          message("unknown authority"))
            received = server.next_event("message_received")
        check(received["tls"]["client_certificate_subject"] == "CN=mailer",
              received)
        check(received["tls"]["client_certificate_verified"] is False,
              received)
    finally:
        check(server.stop() == 0, "exit status")


def case_auth_file_pipe(binary):
    """--auth-file from a pipe, as bash's <(...) gives it: read once."""
    read_end, write_end = os.pipe()
    os.write(write_end, b"carol:pipe-secret\n")
    os.close(write_end)
    try:
        server = Server(binary, "--events", "--tls", "none",
                        "--auth-allow-plaintext",
                        "--auth-file", "/dev/fd/%d" % read_end,
                        pass_fds=(read_end,))
    finally:
        os.close(read_end)
    try:
        with smtplib.SMTP("127.0.0.1", server.port, timeout=TIMEOUT) as smtp:
            smtp.login("carol", "pipe-secret")
            smtp.sendmail("a@example.com", ["b@example.com"], message("piped"))
            received = server.next_event("message_received")
        check(received["auth"] == {"mechanism": "PLAIN",
                                   "username": "carol"}, received)
    finally:
        check(server.stop() == 0, "exit status")


def case_dkim_not_asked(binary):
    """Without --dkim-key no signature is verified: "dkim" is null."""
    data_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            "..", "..", "data", "dkim")
    with open(os.path.join(data_dir, "rfc8463.eml"), "rb") as eml:
        signed = eml.read()
    server = Server(binary, "--events", "--tls", "none")
    try:
        with smtplib.SMTP("127.0.0.1", server.port, timeout=TIMEOUT) as smtp:
            smtp.sendmail("joe@football.example.com",
                          ["suzie@shopping.example.net"], signed)
            received = server.next_event("message_received")
        check("dkim" in received and received["dkim"] is None, received)
    finally:
        server.stop()


def pipe_bytes(fd):
    """Octets waiting in the pipe whose read end is `fd`."""
    pending = array.array("i", [0])
    fcntl.ioctl(fd, termios.FIONREAD, pending)
    return pending[0]


def case_stop_unread(binary):
    """A reader that stopped reading cannot keep SIGTERM from ending the
    server: it exits within a (scaled) second with its stdout pipe full."""
    process = subprocess.Popen([binary, "--events", "--tls", "none"],
                               stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        out = process.stdout.fileno()
        # One page: full (for poll) as soon as it holds anything.
        fcntl.fcntl(out, F_SETPIPE_SZ, 4096)
        line = b""
        while not line.endswith(b"\n"):  # the listening line, unbuffered
            chunk = os.read(out, 1)
            check(chunk, "no listening line")
            line += chunk
        port = json.loads(line)["port"]
        # Each message_received event carries its 3 KB subject: they wait
        # in the server behind the first event, which fills the pipe.
        with smtplib.SMTP("127.0.0.1", port, timeout=TIMEOUT) as smtp:
            for i in range(8):
                smtp.sendmail("a@example.com", ["b@example.com"],
                              message("%d %s" % (i, "s" * 3000)))
        deadline = time.monotonic() + TIMEOUT
        while pipe_bytes(out) == 0:  # the server is writing events
            check(time.monotonic() < deadline, "no event was written")
            time.sleep(0.01)
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        try:
            status = process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            raise Failure("SIGTERM did not end a server whose stdout is full")
        took = time.monotonic() - started
        check(took < SECOND, "SIGTERM took %.2f s" % took)
        check(status == 0, "exit status %r" % status)
        stderr = process.stderr.read()
        check(b"stopped (signal 15)" in stderr, stderr)
        check(b"not written: stdout is not read" in stderr, stderr)
    finally:
        process.kill()
        process.wait()


def case_stdout_closed(binary):
    """The reader closing stdout ends the server with a message on stderr,
    not by SIGPIPE: at once when idle, and when an event finds it closed."""
    for send_first in (False, True):
        process = subprocess.Popen([binary, "--events", "--tls", "none"],
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        try:
            port = json.loads(process.stdout.readline())["port"]
            if send_first:
                # Events are written while the reader is still there; it
                # closes between two of them.
                with smtplib.SMTP("127.0.0.1", port,
                                  timeout=TIMEOUT) as smtp:
                    smtp.sendmail("a@example.com", ["b@example.com"],
                                  message("before the close"))
            process.stdout.close()
            try:
                status = process.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                raise Failure("the server kept running with stdout closed")
            stderr = process.stderr.read()
            check(status == 1, "exit status %r: %r" % (status, stderr))
            check(b"stopped (stdout was closed" in stderr, stderr)
        finally:
            process.kill()
            process.wait()


def case_dump_dir(binary):
    """--dump-dir: private directory and files, no planted link followed,
    nothing of an earlier run replaced, unsafe directories refused."""
    with tempfile.TemporaryDirectory() as scratch:
        mail = os.path.join(scratch, "mail")

        def run(subjects):
            server = Server(binary, "--events", "--tls", "none",
                            "--dump-dir", mail)
            try:
                paths = []
                with smtplib.SMTP("127.0.0.1", server.port,
                                  timeout=TIMEOUT) as smtp:
                    for subject in subjects:
                        smtp.sendmail("a@example.com", ["b@example.com"],
                                      message(subject))
                        paths.append(
                            server.next_event("message_received")["eml"])
                return paths
            finally:
                check(server.stop() == 0, "exit status")

        first = run(["first run"])
        check(first == [os.path.join(mail, "1.eml")], first)
        check(stat.S_IMODE(os.stat(mail).st_mode) == 0o700,
              oct(os.stat(mail).st_mode))
        check(stat.S_IMODE(os.stat(first[0]).st_mode) == 0o600,
              oct(os.stat(first[0]).st_mode))

        # A second run: 1.eml is the first run's, 2.eml a planted link.
        target = os.path.join(scratch, "target")
        with open(target, "w") as planted:
            planted.write("not yours")
        os.symlink(target, os.path.join(mail, "2.eml"))
        second = run(["second run 1", "second run 2"])
        check(second == [os.path.join(mail, "1-1.eml"),
                         os.path.join(mail, "2-1.eml")], second)
        with open(first[0], "rb") as eml:
            check(b"Subject: first run\r\n" in eml.read(), "1.eml replaced")
        with open(target) as planted:
            check(planted.read() == "not yours", "the link was followed")
        with open(second[1], "rb") as eml:
            check(b"Subject: second run 2\r\n" in eml.read(), second[1])
        check(not [name for name in os.listdir(mail) if "partial" in name],
              os.listdir(mail))

        # Directories another user could write into, or swap, are refused.
        shared = os.path.join(scratch, "shared")
        os.mkdir(shared)
        os.chmod(shared, 0o777)
        link = os.path.join(scratch, "link")
        os.symlink(mail, link)
        refusals = [(shared, b"writable by others (mode 0777)"),
                    (link, b"not a directory")]
        if os.geteuid() == 0:
            foreign = os.path.join(scratch, "foreign")
            os.mkdir(foreign, 0o700)
            os.chown(foreign, 65534, 65534)
            refusals.append((foreign, b"owned by uid 65534"))
        for directory, complaint in refusals:
            result = subprocess.run([binary, "--dump-dir", directory],
                                    capture_output=True, timeout=TIMEOUT)
            check(result.returncode == 1, result)
            check(b"--dump-dir " + directory.encode() + b": " + complaint
                  in result.stderr, result)
            check(result.stdout == b"", result)


CASES = {
    "dkim-length": case_dkim_length,
    "attack-strip-starttls": case_attack_strip_starttls,
    "attack-refuse-starttls": case_attack_refuse_starttls,
    "bad-tls-options": case_bad_tls_options,
    "client-certificate": case_client_certificate,
    "auth-file-pipe": case_auth_file_pipe,
    "dkim-not-asked": case_dkim_not_asked,
    "stop-unread": case_stop_unread,
    "stdout-closed": case_stdout_closed,
    "dump-dir": case_dump_dir,
    "dkim": case_dkim,
    "events": case_events,
    "fault": case_fault,
    "auth-file": case_auth_file,
    "bad-fault": case_bad_fault,
    "strict-line-endings": case_strict_line_endings,
    "max-connections": case_max_connections,
}


def main():
    if len(sys.argv) < 3 or sys.argv[2] not in CASES:
        print("usage: server_events.py SERVER {%s} [ARG...]"
              % "|".join(CASES))
        return 2
    binary, case, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    try:
        CASES[case](binary, *args)
    except (Failure, AssertionError, OSError, smtplib.SMTPException,
            ValueError, KeyError, subprocess.SubprocessError) as failure:
        print("FAIL %s: %s: %r" % (case, type(failure).__name__, failure))
        return 1
    print("PASS %s" % case)
    return 0


if __name__ == "__main__":
    sys.exit(main())
