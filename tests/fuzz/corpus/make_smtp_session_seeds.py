#!/usr/bin/env python3
"""Writes the seed inputs of smtp_session_fuzz into tests/fuzz/corpus/smtp_session/.

The input format is the fuzz target's (tests/fuzz/smtp_session_fuzz.cc): the
attack byte (0: none; written here), configuration bytes, then chunks, each a control byte below 0xF0 meaning "feed
the next (byte & 0x3F) + 1 octets", or 0xF0 TLS established, 0xF1 idle
timeout, 0xF2 shutdown, 0xF3 client closed.
"""
import os

TLS, IDLE, SHUTDOWN, CLOSED = b"\xf0", b"\xf1", b"\xf2", b"\xf3"


def feed(text):
    data, out = text.encode("latin-1") if isinstance(text, str) else text, b""
    for i in range(0, len(data), 64):
        chunk = data[i:i + 64]
        out += bytes([len(chunk) - 1]) + chunk
    return out


MAIL = "MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\n"
SEEDS = {
    # Config 0: no TLS, AUTH with alice's password, DATA with dot-stuffing.
    "plain_data": bytes([0]) + feed("EHLO a\r\n" + MAIL + "DATA\r\n"
                                    "Subject: x\r\n\r\n..stuffed\r\n.\r\nQUIT\r\n"),
    # Config 1: optional STARTTLS and the fault script; TLS, then AUTH PLAIN.
    "starttls_auth": bytes([1]) + feed("EHLO a\r\nSTARTTLS\r\n") + TLS +
    feed("EHLO a\r\nAUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n" + MAIL +
         "DATA\r\nq\r\n.\r\n") + CLOSED,
    # Config 16: plaintext AUTH allowed; AUTH LOGIN, BDAT in two chunks.
    "login_bdat": bytes([16]) + feed("EHLO a\r\nAUTH LOGIN\r\nYWxpY2U=\r\n"
                                     "c2VjcmV0\r\n" + MAIL +
                                     "BDAT 6\r\nhello\nBDAT 3 LAST\r\nx\r\n"),
    # Config 65: faults, 64-octet limit; pipelined, a refused recipient, RSET.
    "pipelined_faults": bytes([65]) + feed(
        "EHLO a\r\nMAIL FROM:<a@b> SIZE=10\r\nRCPT TO:<x@b>\r\n"
        "RCPT TO:<c@d>\r\nDATA\r\n" + "y" * 100 + "\r\n.\r\nRSET\r\nNOOP z\r\n")
    + IDLE,
    # Config 7: implicit TLS, strict line endings, a bare LF, then shutdown.
    "implicit_strict": bytes([7]) + feed("HELO a\nEHLO a\r\n" + MAIL) + SHUTDOWN,
}

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "smtp_session")
os.makedirs(here, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(here, name), "wb") as out:
        out.write(b"\0" + data)
