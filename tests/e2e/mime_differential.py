#!/usr/bin/env python3
"""Differential test of the MIME reader against Python's email package.

Generates --count varied messages from --seed with Python's email package
(the mailer), sends them over one SMTP connection to 127.0.0.1:--port, and
writes for each message N both N.eml (the bytes sent) and N.expected: what
Python's own parser reads from those bytes, in the format of
tests/data/mime/generate.py (whose expectations() is reused). Each message
carries "X-Differential-Index: N" so that the reader of the results can pair
them. Exits non-zero if anything fails on the Python side.

    python3 tests/e2e/mime_differential.py --port 2525 --count 200 \
        --seed 1 --out /tmp/diff
"""

import argparse
import importlib.util
import os
import random
import smtplib
import sys
from email.headerregistry import Address, Group
from email.message import EmailMessage, MIMEPart
import email.policy

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

_spec = importlib.util.spec_from_file_location(
    "mime_corpus", os.path.join(ROOT, "tests", "data", "mime", "generate.py"))
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)

SMTP = email.policy.SMTP

ASCII_WORDS = ["alpha", "report", "meeting", "Q3", "budget", "hello", "Re:",
               "Fwd:", "the", "a", "of", "update", "[ticket-42]", "50%",
               "x=y", "a_b", "(draft)", "<tag>", "semi;colon", "comma,",
               "\"quoted\"", "--", "=?not?=", "question?", "under_score"]
LATIN1_WORDS = ["caf\u00e9", "na\u00efve", "Gr\u00fc\u00dfe", "\u00c5ngstr\u00f6m",
                "d\u00e9j\u00e0", "se\u00f1or", "\u00bfqu\u00e9?", "\u00e6\u00f8\u00e5"]
CP1252_WORDS = ["\u201cquoted\u201d", "\u20ac100", "\u2013", "\u2014", "\u2026",
                "\u0152uvre", "\u2122", "\u2018single\u2019"]
UNICODE_WORDS = ["\u65e5\u672c\u8a9e", "\u0441\u043c\u0435\u0442\u0430",
                 "\U0001F600", "\u03b1\u03b2\u03b3", "\u05e9\u05dc\u05d5\u05dd",
                 "\u2713", "\U0001F30F", "\ud55c\uad6d\uc5b4"]

NAMES = ["Ann Example", "Doe, Jane", "Zo\u00eb \u00d8rsted", "J. R. Smith",
         "Pat \"The Cat\" Smith", "\u5c71\u7530 \u592a\u90ce", "O'Brien",
         "Ren\u00e9 M\u00fcller", "team@work", "(paren)", ""]
LOCALS = ["ann", "jane.doe", "bob+tag", "x_y", "john doe", "very.long.local.part"]
DOMAINS = ["example.com", "example.org", "mail.example.net"]

FILENAMES = ["report.pdf", "r\u00e9sum\u00e9.pdf", "data 2024.csv",
             "\u65e5\u672c\u8a9e\u306e\u30d5\u30a1\u30a4\u30eb.txt",
             "a;b=c.bin", "quote\"d.bin", "photo.JPG",
             "a very long file name that goes on and on past the line "
             "length limit of seventy-eight characters.zip",
             "na\u00efve \u00fcber \u20ac long name with many non-ascii "
             "characters \u00e9\u00e8\u00ea\u00eb.docx"]
BINARY_TYPES = [("application", "pdf"), ("application", "octet-stream"),
                ("image", "png"), ("image", "jpeg"), ("application", "zip"),
                ("audio", "mpeg")]


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)

    def words(self, pools, lo, hi):
        rng = self.rng
        return " ".join(rng.choice(rng.choice(pools)) for _ in range(rng.randint(lo, hi)))

    def charset_and_pools(self):
        choice = self.rng.choice(["utf-8", "utf-8", "us-ascii", "iso-8859-1",
                                  "windows-1252"])
        if choice == "us-ascii":
            return choice, [ASCII_WORDS]
        if choice == "iso-8859-1":
            return choice, [ASCII_WORDS, LATIN1_WORDS]
        if choice == "windows-1252":
            return choice, [ASCII_WORDS, LATIN1_WORDS, CP1252_WORDS]
        return choice, [ASCII_WORDS, LATIN1_WORDS, CP1252_WORDS, UNICODE_WORDS]

    def text(self, pools):
        rng = self.rng
        lines = []
        for _ in range(rng.randint(0, 12)):
            kind = rng.random()
            if kind < 0.08:
                lines.append("")
            elif kind < 0.14:
                lines.append(rng.choice([".", "..leading dots", "From here on",
                                         "-- ", "--not-a-boundary", "=3D",
                                         "trailing space ", "tab\tinside"]))
            elif kind < 0.2:
                lines.append(self.words(pools, 40, 120))  # long line
            else:
                lines.append(self.words(pools, 1, 14))
        return "\n".join(lines) + rng.choice(["\n", ""])

    def cte(self, charset):
        options = [None, "8bit", "quoted-printable", "base64"]
        if charset == "us-ascii":
            options.append("7bit")
        return self.rng.choice(options)

    def text_leaf(self, part, subtype):
        charset, pools = self.charset_and_pools()
        body = self.text(pools)
        if subtype == "html":
            body = "<html><body><p>" + body.replace("\n", "<br>\n") + "</p></body></html>\n"
        cte = self.cte(charset)
        if cte == "7bit" and any(len(line) > 990 for line in body.split("\n")):
            cte = None
        part.set_content(body, subtype=subtype, charset=charset, cte=cte)

    def attachment(self):
        rng = self.rng
        part = MIMEPart(policy=SMTP)
        filename = rng.choice(FILENAMES + [None])
        if rng.random() < 0.2:
            text = self.text([ASCII_WORDS, LATIN1_WORDS, UNICODE_WORDS])
            part.set_content(text, subtype=rng.choice(["plain", "csv"]),
                             disposition="attachment",
                             filename=filename or "notes.txt",
                             cte=rng.choice([None, "quoted-printable", "base64"]))
            return part
        maintype, subtype = rng.choice(BINARY_TYPES)
        data = rng.randbytes(rng.choice([0, 1, 2, 3, 57, 100, 1000, 4000]))
        disposition = rng.choice(["attachment", "attachment", "inline"])
        kwargs = {"disposition": disposition}
        if filename is not None:
            kwargs["filename"] = filename
        if rng.random() < 0.3:
            kwargs["cid"] = "<part%d@example.com>" % rng.randrange(10**6)
        part.set_content(data, maintype, subtype, **kwargs)
        return part

    def image(self, cid):
        part = MIMEPart(policy=SMTP)
        kwargs = {"cid": cid, "disposition": "inline"}
        if self.rng.random() < 0.5:
            kwargs["filename"] = "image%d.png" % self.rng.randrange(100)
        part.set_content(self.rng.randbytes(self.rng.randint(10, 300)), "image",
                         "png", **kwargs)
        return part

    def multipart(self, part, subtype, children):
        part["Content-Type"] = "multipart/" + subtype
        for child in children:
            part.attach(child)

    def body(self, part, depth):
        """Fills `part` with a random body structure."""
        rng = self.rng
        shape = rng.choice(["plain", "html", "alternative", "related",
                            "alternative-related", "mixed", "mixed", "forward",
                            "signed"] if depth < 3 else ["plain", "html"])
        if shape in ("plain", "html"):
            self.text_leaf(part, shape)
        elif shape == "alternative":
            plain, html = MIMEPart(policy=SMTP), MIMEPart(policy=SMTP)
            self.text_leaf(plain, "plain")
            self.text_leaf(html, "html")
            self.multipart(part, "alternative", [plain, html])
        elif shape in ("related", "alternative-related"):
            html = MIMEPart(policy=SMTP)
            self.text_leaf(html, "html")
            images = [self.image("<img%d.%d@example.com>" % (depth, i))
                      for i in range(rng.randint(1, 3))]
            related = MIMEPart(policy=SMTP) if shape == "alternative-related" else part
            self.multipart(related, "related", [html] + images)
            if shape == "alternative-related":
                plain = MIMEPart(policy=SMTP)
                self.text_leaf(plain, "plain")
                self.multipart(part, "alternative", [plain, related])
        elif shape == "mixed":
            first = MIMEPart(policy=SMTP)
            self.body(first, depth + 1)
            children = [first] + [self.attachment() for _ in range(rng.randint(0, 4))]
            if rng.random() < 0.2:
                nested = MIMEPart(policy=SMTP)
                self.multipart(nested, "mixed",
                               [self.attachment() for _ in range(rng.randint(1, 2))])
                children.append(nested)
            self.multipart(part, "mixed", children)
        elif shape == "forward":
            first = MIMEPart(policy=SMTP)
            self.text_leaf(first, "plain")
            inner = self.message(depth + 1, index=None)
            wrapper = MIMEPart(policy=SMTP)
            wrapper.set_content(inner, disposition=rng.choice(["attachment", "inline"]))
            self.multipart(part, "mixed", [first, wrapper])
        elif shape == "signed":
            first = MIMEPart(policy=SMTP)
            self.body(first, depth + 1)
            signature = MIMEPart(policy=SMTP)
            signature.set_content(
                b"-----BEGIN PGP SIGNATURE-----\r\n\r\nwnsEABYIACMWIQTs2Uw3\r\n"
                b"=Zx1Q\r\n-----END PGP SIGNATURE-----\r\n", "application",
                "pgp-signature", cte="7bit", disposition="attachment",
                filename="signature.asc")
            self.multipart(part, "signed", [first, signature])
            part.set_param("protocol", "application/pgp-signature")

    def address(self):
        rng = self.rng
        name = rng.choice(NAMES)
        return str(Address(name, rng.choice(LOCALS), rng.choice(DOMAINS)))

    def address_list(self):
        rng = self.rng
        items = [self.address() for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.2:
            members = [Address(rng.choice(NAMES), rng.choice(LOCALS), rng.choice(DOMAINS))
                       for _ in range(rng.randint(0, 2))]
            items.append(str(Group(rng.choice(["Team", "undisclosed-recipients"]),
                                   members)))
        return ", ".join(items)

    def message(self, depth, index):
        rng = self.rng
        # Now and then an SMTPUTF8 message: UTF-8 in the headers, unencoded.
        utf8 = depth == 0 and rng.random() < 0.1
        msg = EmailMessage(policy=SMTP.clone(utf8=True) if utf8 else SMTP)
        msg["From"] = self.address()
        msg["To"] = self.address_list()
        if rng.random() < 0.4:
            msg["Cc"] = self.address_list()
        msg["Subject"] = self.words(rng.choice([
            [ASCII_WORDS], [ASCII_WORDS, LATIN1_WORDS],
            [ASCII_WORDS, LATIN1_WORDS, CP1252_WORDS, UNICODE_WORDS]]), 1, 30)
        msg["Date"] = corpus.DATE
        msg["Message-ID"] = "<diff-%d-%d@example.com>" % (depth, rng.randrange(10**9))
        if index is not None:
            msg["X-Differential-Index"] = str(index)
        self.body(msg, depth)
        if msg.get_content_maintype() == "multipart" and "MIME-Version" not in msg:
            msg["MIME-Version"] = "1.0"
        return msg


def has_8bit_header(part):
    """Whether a header the reader reads (not inside message/*) is 8-bit."""
    for name, value in part.raw_items():
        if any(ord(ch) > 127 for ch in name + str(value)):
            return True
    if part.get_content_maintype() == "multipart" and part.is_multipart():
        return any(has_8bit_header(sub) for sub in part.iter_parts())
    return False


def python_reads_back(msg, raw):
    """Whether Python reads the addresses of its own output as meant.

    Python's folder sometimes breaks an address list (its comma or a group's
    ";" written as "=?utf-8?q?=2C?="). Both readers then read malformed
    input, where agreeing with Python is not the point, so such messages are
    replaced by fresh ones. (It also loses spaces between encoded words of a
    folded Subject; that output is still well-formed RFC 2047, so those
    messages are kept and compared.)
    """
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    for header in ("from", "to", "cc"):
        if msg[header] is None:
            continue
        meant = [(a.display_name, a.addr_spec) for a in msg[header].addresses]
        read = [(a.display_name, a.addr_spec) for a in parsed[header].addresses]
        if meant != read:
            return False
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    os.makedirs(args.out, exist_ok=True)
    random.seed(args.seed)  # Python's boundaries come from `random`
    generator = Generator(args.seed)
    with smtplib.SMTP(args.host, args.port, timeout=30) as client:
        client.ehlo("differential.example")
        replaced = 0
        for index in range(args.count):
            while True:
                msg = generator.message(0, index)
                raw = msg.as_bytes()
                if python_reads_back(msg, raw):
                    break
                replaced += 1
            if not raw.endswith(b"\r\n"):
                raw += b"\r\n"  # smtplib adds it; the server records it
            parsed = email.message_from_bytes(raw, policy=email.policy.default)
            utf8 = has_8bit_header(parsed)
            # UTF-8 in a header is legal under SMTPUTF8, which such a message
            # is sent with, so ReceivedMessage reports no 8bit-header.
            expected = corpus.expectations(raw, ())
            with open(os.path.join(args.out, "%d.eml" % index), "wb") as f:
                f.write(raw)
            with open(os.path.join(args.out, "%d.expected" % index), "w",
                      newline="\n") as f:
                f.write(expected)
            client.sendmail("sender@example.com", ["rcpt@example.com"], raw,
                            mail_options=["BODY=8BITMIME"] +
                            (["SMTPUTF8"] if utf8 else []))
    print("sent %d messages (%d replaced: Python misread its addresses)" %
          (args.count, replaced))
    return 0


if __name__ == "__main__":
    sys.exit(main())
