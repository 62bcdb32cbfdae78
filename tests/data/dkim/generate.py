#!/usr/bin/env python3
"""Makes the DKIM test vectors in this folder with dkimpy (Debian's
python3-dkim, with python3-nacl for Ed25519), an implementation independent of
smtpfixture's verifier.

Run once, by hand, from anywhere: /usr/bin/python3 tests/data/dkim/generate.py
Keys are generated once (openssl genpkey, nacl) into keys/ and reused, so that
rerunning only re-signs. The e2e oracle test (tests/e2e/clients/dkim_sign.py)
signs with the same keys.

Writes:
  keys.txt        "selector._domainkey.example.com: v=DKIM1; ..." one a line
  <name>.eml      signed messages, CRLF line ends
"""
import base64
import os
import subprocess
import sys

import dkim
import nacl.encoding
import nacl.signing

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = os.path.join(HERE, "keys")
DOMAIN = b"example.com"

MESSAGE = (
    b"From: Ann Sender <ann@example.com>\r\n"
    b"To: Bob <bob@example.net>,\r\n"
    b"  Carol <carol@example.net>\r\n"
    b"Subject:   DKIM  test\t vector \r\n"
    b"Date: Mon, 30 Nov 2026 22:00:00 +0000\r\n"
    b"Message-ID: <vector@example.com>\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"\r\n"
    b"Hello Bob,  \r\n"
    b"\r\n"
    b"this line has\t\ttabs and  spaces   \r\n"
    b" and this one starts with one.\r\n"
    b"\r\n"
    b"Ann\r\n"
    b"\r\n"
    b"\r\n")

HEADERS = [b"from", b"to", b"subject", b"date", b"message-id"]


def rsa_key(bits):
    path = os.path.join(KEYS, "rsa%d.pem" % bits)
    if not os.path.exists(path):
        subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                        "rsa_keygen_bits:%d" % bits, "-out", path], check=True,
                       stderr=subprocess.DEVNULL)
    # dkimpy wants PKCS#1 ("BEGIN RSA PRIVATE KEY").
    pkcs1 = subprocess.run(["openssl", "rsa", "-in", path, "-traditional"],
                           check=True, capture_output=True).stdout
    spki = subprocess.run(["openssl", "rsa", "-in", path, "-pubout", "-outform",
                           "DER"], check=True, capture_output=True).stdout
    rsa_pub = subprocess.run(["openssl", "rsa", "-in", path, "-RSAPublicKey_out",
                              "-outform", "DER"], check=True,
                             capture_output=True).stdout
    return pkcs1, base64.b64encode(spki).decode(), base64.b64encode(rsa_pub).decode()


def ed25519_key():
    path = os.path.join(KEYS, "ed25519.seed")
    if not os.path.exists(path):
        seed = nacl.signing.SigningKey.generate().encode(nacl.encoding.Base64Encoder)
        with open(path, "wb") as f:
            f.write(seed + b"\n")
    with open(path, "rb") as f:
        seed = f.read().strip()
    public = nacl.signing.SigningKey(seed, encoder=nacl.encoding.Base64Encoder).verify_key
    return seed, base64.b64encode(bytes(public)).decode()


def sign(message, selector, key, algorithm=b"rsa-sha256",
         canon=(b"relaxed", b"relaxed"), headers=HEADERS, length=False):
    return dkim.sign(message, selector, DOMAIN, key, canonicalize=canon,
                     signature_algorithm=algorithm, include_headers=headers,
                     length=length) + message


def sign_with_times(message, selector, key, t, x):
    """dkim.sign has no x=; build the tag list as it does, with t= and x=."""
    d = dkim.DKIM(message)
    pk = dkim.crypto.parse_pem_private_key(key)
    policy = dkim.CanonicalizationPolicy.from_c_value(b"relaxed/relaxed")
    import hashlib
    body = policy.canonicalize_body(d.body)
    bodyhash = base64.b64encode(hashlib.sha256(body).digest())
    d.hasher = hashlib.sha256
    d.signature_algorithm = b"rsa-sha256"
    fields = [(b"v", b"1"), (b"a", b"rsa-sha256"), (b"c", b"relaxed/relaxed"),
              (b"d", DOMAIN), (b"s", selector), (b"t", str(t).encode()),
              (b"x", str(x).encode()), (b"h", b" : ".join(HEADERS)),
              (b"bh", bodyhash), (b"b", b"0" * 60)]
    header = d.gen_header(fields, tuple(HEADERS), policy, b"DKIM-Signature", pk)
    return b"DKIM-Signature: " + header + message


def write(name, data):
    with open(os.path.join(HERE, name + ".eml"), "wb") as f:
        f.write(data)


def main():
    os.makedirs(KEYS, exist_ok=True)
    records = {}
    rsa = {}
    for bits in (512, 1024, 2048, 4096):
        pkcs1, spki, rsa_pub = rsa_key(bits)
        rsa[bits] = pkcs1
        records["rsa%d" % bits] = "v=DKIM1; k=rsa; p=" + spki
    # The same 2048-bit key published as a bare PKCS#1 RSAPublicKey.
    records["pkcs1"] = "v=DKIM1; k=rsa; p=" + rsa_key(2048)[2]
    ed_seed, ed_public = ed25519_key()
    records["ed25519"] = "v=DKIM1; k=ed25519; p=" + ed_public

    canons = {"simple_simple": (b"simple", b"simple"),
              "simple_relaxed": (b"simple", b"relaxed"),
              "relaxed_simple": (b"relaxed", b"simple"),
              "relaxed_relaxed": (b"relaxed", b"relaxed")}
    for cname, canon in canons.items():
        write("rsa2048_" + cname, sign(MESSAGE, b"rsa2048", rsa[2048], canon=canon))
        write("ed25519_" + cname, sign(MESSAGE, b"ed25519", ed_seed,
                                       algorithm=b"ed25519-sha256", canon=canon))
    for bits in (512, 1024, 4096):
        write("rsa%d" % bits, sign(MESSAGE, b"rsa%d" % bits, rsa[bits]))
    write("pkcs1", sign(MESSAGE, b"pkcs1", rsa[2048]))
    write("rsa_sha1", sign(MESSAGE, b"rsa2048", rsa[2048], algorithm=b"rsa-sha1"))
    write("length", sign(MESSAGE, b"rsa2048", rsa[2048], length=True))
    write("length_simple", sign(MESSAGE, b"rsa2048", rsa[2048],
                                canon=(b"simple", b"simple"), length=True))
    # Subject and Reply-To listed once more than present: adding either
    # afterwards breaks the signature.
    write("oversigned", sign(MESSAGE, b"rsa2048", rsa[2048],
                             headers=HEADERS + [b"subject", b"reply-to"]))
    # Two signatures: the RSA one on top of the Ed25519 one.
    inner = sign(MESSAGE, b"ed25519", ed_seed, algorithm=b"ed25519-sha256")
    write("two_signatures", sign(inner, b"rsa2048", rsa[2048],
                                 canon=(b"simple", b"simple")))
    write("expiring", sign_with_times(MESSAGE, b"rsa2048", rsa[2048],
                                      1700000000, 1700000100))
    write("x_before_t", sign_with_times(MESSAGE, b"rsa2048", rsa[2048],
                                        1700000100, 1700000000))

    # For tests/bench/dkim_bench.cc: 2 KB messages, one signature each.
    lines = [b"Line %02d of a two-kilobyte message for the benchmark.\r\n" % i
             for i in range(26)]
    bench = MESSAGE.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n" + b"".join(lines)
    write("bench_rsa2048", sign(bench, b"rsa2048", rsa[2048]))
    write("bench_ed25519", sign(bench, b"ed25519", ed_seed,
                                algorithm=b"ed25519-sha256"))

    with open(os.path.join(HERE, "keys.txt"), "w") as f:
        for selector, record in records.items():
            f.write("%s._domainkey.example.com: %s\n" % (selector, record))

    # Check every vector with dkimpy itself before the C++ tests rely on it.
    def dns(name, timeout=5):
        sel = name.decode().split("._domainkey.")[0]
        return records[sel].encode() if sel in records else None
    for name in ["rsa2048_" + c for c in canons] + ["ed25519_" + c for c in canons] + \
            ["rsa1024", "rsa4096", "pkcs1", "length", "oversigned", "two_signatures",
             "bench_rsa2048", "bench_ed25519"]:
        with open(os.path.join(HERE, name + ".eml"), "rb") as f:
            if not dkim.verify(f.read(), dnsfunc=dns):
                sys.exit("dkimpy does not verify " + name)


if __name__ == "__main__":
    main()
