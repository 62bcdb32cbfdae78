#!/usr/bin/env python3
"""Signs messages with dkimpy (Debian's python3-dkim; python3-nacl for
Ed25519) and sends them with smtplib: the independent oracle of the DKIM
end-to-end test (tests/e2e/dkim_oracle_test.cc).

    dkim_sign.py keys
        prints one "key=<selector>._domainkey.example.com: <TXT record>" line
        per key in tests/data/dkim/keys/ (RSA-1024, -2048, -4096, Ed25519)
    dkim_sign.py send --port P
        signs one message per key, per canonicalization pair, with and
        without l= (after signing, a message with l= gets TRAILER appended,
        beyond what l= covers), sends them all on one connection and prints
        "signed=N", then "result=ok"

Output is key=value lines, as the other client scripts print.
"""

import argparse
import base64
import os
import smtplib
import subprocess
import sys

import dkim

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = os.path.join(HERE, "..", "..", "data", "dkim", "keys")
DOMAIN = b"example.com"
TRAILER = b"-- \r\nAppended after signing, beyond l=.\r\n"
HEADERS = [b"from", b"to", b"subject", b"date", b"message-id"]
CANONS = [(b"simple", b"simple"), (b"simple", b"relaxed"),
          (b"relaxed", b"simple"), (b"relaxed", b"relaxed")]


def rsa(bits):
    path = os.path.join(KEYS, "rsa%d.pem" % bits)
    private = subprocess.run(["openssl", "rsa", "-in", path, "-traditional"],
                             check=True, capture_output=True).stdout
    public = subprocess.run(["openssl", "rsa", "-in", path, "-pubout",
                             "-outform", "DER"], check=True,
                            capture_output=True).stdout
    return private, "v=DKIM1; k=rsa; p=" + base64.b64encode(public).decode()


def ed25519():
    import nacl.encoding
    import nacl.signing
    with open(os.path.join(KEYS, "ed25519.seed"), "rb") as f:
        seed = f.read().strip()
    public = bytes(nacl.signing.SigningKey(
        seed, encoder=nacl.encoding.Base64Encoder).verify_key)
    return seed, "v=DKIM1; k=ed25519; p=" + base64.b64encode(public).decode()


def keys():
    """selector -> (private key, algorithm, record)."""
    out = {}
    for bits in (1024, 2048, 4096):
        private, record = rsa(bits)
        out[b"rsa%d" % bits] = (private, b"rsa-sha256", record)
    private, record = ed25519()
    out[b"ed25519"] = (private, b"ed25519-sha256", record)
    return out


def message(index, selector, canon, length):
    label = b"%s %s/%s%s" % (selector, canon[0], canon[1],
                             b" l=" if length else b"")
    return (b"X-Oracle-Index: %d\r\n" % index +
            b"From: \"Oracle, Sender\" <oracle@example.com>\r\n"
            b"To: Bob <bob@example.net>,\r\n"
            b"\tCarol  <carol@example.net>\r\n"
            b"Subject:  Signed by dkimpy: " + label + b"  \r\n"
            b"Date: Mon, 30 Nov 2026 22:00:00 +0000\r\n"
            b"Message-ID: <oracle-%d@example.com>\r\n" % index +
            b"MIME-Version: 1.0\r\n"
            b"Content-Type: text/plain; charset=us-ascii\r\n"
            b"\r\n"
            b"Hello Bob,\r\n"
            b"\r\n"
            b".a line that SMTP dot-stuffs\r\n"
            b"tabs\tand  spaces   \r\n"
            b"  indented line\r\n"
            b"\r\n"
            b"Oracle\r\n"
            b"\r\n")


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("mode", choices=["keys", "send"])
    p.add_argument("--port", type=int)
    p.add_argument("--timeout", type=float, default=30)
    args = p.parse_args()
    all_keys = keys()
    if args.mode == "keys":
        for selector, (_, _, record) in all_keys.items():
            print("key=%s._domainkey.example.com: %s" % (selector.decode(), record))
        return 0
    signed = []
    for selector, (private, algorithm, _) in all_keys.items():
        for canon in CANONS:
            for length in (False, True):
                text = message(len(signed), selector, canon, length)
                signature = dkim.sign(text, selector, DOMAIN, private,
                                      canonicalize=canon,
                                      signature_algorithm=algorithm,
                                      include_headers=HEADERS, length=length)
                data = signature + text + (TRAILER if length else b"")
                signed.append(data)
    with smtplib.SMTP("127.0.0.1", args.port, timeout=args.timeout) as smtp:
        for data in signed:
            smtp.sendmail("oracle@example.com", ["bob@example.net"], data)
    print("signed=%d" % len(signed))
    print("result=ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
