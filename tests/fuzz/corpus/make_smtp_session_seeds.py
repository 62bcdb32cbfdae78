#!/usr/bin/env python3
"""Writes the seed inputs of smtp_session_fuzz into tests/fuzz/corpus/smtp_session/.

The input format is the fuzz target's (tests/fuzz/smtp_session_fuzz.cc): the
attack byte (0 here: no attack; the attack seeds are files of their own), two
configuration bytes (the second 0 here: every extension on), then chunks,
each a control byte below 0xF0 meaning "feed the next (byte & 0x3F) + 1
octets", or 0xF0 TLS established, 0xF1 idle timeout, 0xF2 shutdown, 0xF3
client closed.
"""
import os

TLS, IDLE, SHUTDOWN, CLOSED = b"\xf0", b"\xf1", b"\xf2", b"\xf3"


def feed(text):
    data, out = text.encode("latin-1") if isinstance(text, str) else text, b""
    for i in range(0, len(data), 64):
        chunk = data[i:i + 64]
        out += bytes([len(chunk) - 1]) + chunk
    return out


def config(bits):
    return bytes([bits, 0])


MAIL = "MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\n"
SEEDS = {
    # Config 0: no TLS, AUTH with alice's password, DATA with dot-stuffing.
    "plain_data": config(0) + feed("EHLO a\r\n" + MAIL + "DATA\r\n"
                                    "Subject: x\r\n\r\n..stuffed\r\n.\r\nQUIT\r\n"),
    # Config 1: optional STARTTLS and the fault script; TLS, then AUTH PLAIN.
    "starttls_auth": config(1) + feed("EHLO a\r\nSTARTTLS\r\n") + TLS +
    feed("EHLO a\r\nAUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n" + MAIL +
         "DATA\r\nq\r\n.\r\n") + CLOSED,
    # Config 16: plaintext AUTH allowed; AUTH LOGIN, BDAT in two chunks.
    "login_bdat": config(16) + feed("EHLO a\r\nAUTH LOGIN\r\nYWxpY2U=\r\n"
                                     "c2VjcmV0\r\n" + MAIL +
                                     "BDAT 6\r\nhello\nBDAT 3 LAST\r\nx\r\n"),
    # Config 65: faults, 64-octet limit; pipelined, a refused recipient, RSET.
    "pipelined_faults": config(65) + feed(
        "EHLO a\r\nMAIL FROM:<a@b> SIZE=10\r\nRCPT TO:<x@b>\r\n"
        "RCPT TO:<c@d>\r\nDATA\r\n" + "y" * 100 + "\r\n.\r\nRSET\r\nNOOP z\r\n")
    + IDLE,
    # Config 7: implicit TLS, strict line endings, a bare LF, then shutdown.
    "implicit_strict": config(7) + feed("HELO a\nEHLO a\r\n" + MAIL) + SHUTDOWN,
    # Config 0: under SMTPUTF8, a Latin-1 sender and recipient (500 5.5.2,
    # invalid-utf8-address), then UTF-8 ones and a Latin-1 Subject.
    "smtputf8_invalid": config(0) + feed(
        b"EHLO a\r\nMAIL FROM:<caf\xe9@example.com> SMTPUTF8\r\n"
        b"MAIL FROM:<caf\xc3\xa9@example.com> SMTPUTF8\r\n"
        b"RCPT TO:<\xc3@example.com>\r\nRCPT TO:<b@example.com>\r\n"
        b"DATA\r\nSubject: caf\xe9\r\n\r\nx\r\n.\r\n"),
    # Config 0: MAIL and RCPT parameters given twice (501 5.5.4).
    "duplicate_parameters": config(0) + feed(
        "EHLO a\r\nMAIL FROM:<a@b> SIZE=10 size=99999\r\n"
        "MAIL FROM:<a@b> SIZE=10\r\nRCPT TO:<c@d> NOTIFY=NEVER NOTIFY=DELAY\r\n"
        "RCPT TO:<c@d> ORCPT=rfc822;c+40d\r\nQUIT\r\n"),
}

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "smtp_session")
os.makedirs(here, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(here, name), "wb") as out:
        out.write(b"\0" + data)
