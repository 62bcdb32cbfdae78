#!/usr/bin/env python3
"""Writes the MIME corpus read by tests/mime/mime_corpus_test.cc.

Each NAME.eml is a message as a real mailer writes it: some are made with
Python's email package acting as the mailer, others are templates of what
Outlook, Thunderbird, Apple Mail, Gmail, Postfix and Enigmail send. For each,
NAME.expected holds what Python's own parser (email.policy.default) reads
from it, in the line format below. The malformed_*.eml files and their
.expected are written by hand and left alone by this script.

    subject <b64 of the UTF-8 decoded Subject, "" if none>
    address <header> <b64 display name> <b64 addr-spec>   one per mailbox
    text <b64 of the UTF-8 body, CRLF turned to LF> | text -  (none)
    html ...same...
    attachment <b64 filename> <content-type> <size> <fnv1a64 hex> \
        <b64 content-id> <inline 0|1>
    violation <code>                                      one per violation

Bodies and attachments are chosen by the rule documented in fixture/mime.h,
applied to Python's parse tree; the script asserts that the rule agrees with
Python's get_body() and iter_attachments() on every message. Decoding
(transfer encodings, charsets, RFC 2047, RFC 2231, addresses) is Python's.

Deterministic: run it again and nothing changes.
    python3 tests/data/mime/generate.py
"""

import base64
import email
import email.policy
import os
import random
import zlib
from email.headerregistry import Address
from email.message import EmailMessage

HERE = os.path.dirname(os.path.abspath(__file__))
SMTP = email.policy.SMTP  # CRLF line ends, as on the wire
DATE = "Mon, 04 Mar 2024 10:15:00 +0000"


# ---------------------------------------------------------------------------
# Expectations


def b64(value):
    if isinstance(value, str):
        value = value.encode("utf-8")
    return base64.b64encode(value).decode("ascii")


def fix(text):
    """Python keeps undecodable header bytes as surrogates; undo that."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for byte in data:
        h ^= byte
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def strip_angles(value):
    value = value.strip()
    if value.startswith("<"):
        value = value[1:]
    if value.endswith(">"):
        value = value[:-1]
    return value.strip()


def select(msg):
    """The rule of fixture/mime.h over Python's tree: (bodies, attachments)."""
    bodies = {}
    attachments = []

    def walk(part, searchable):
        if part.get_content_maintype() == "multipart" and part.is_multipart():
            subparts = list(part.iter_parts())
            related = part.get_content_subtype() == "related"
            root = 0
            start = part.get_param("start") if related else None
            if start:
                for i, sub in enumerate(subparts):
                    if sub["content-id"] and strip_angles(
                            sub["content-id"]) == strip_angles(start):
                        root = i
                        break
            for i, sub in enumerate(subparts):
                walk(sub, searchable and (not related or i == root))
            return
        ctype = part.get_content_type()
        filename = part.get_filename() or ""
        disposition = part.get_content_disposition()
        cid = strip_angles(str(part["content-id"] or ""))
        if (searchable and disposition != "attachment" and not filename
                and ctype in ("text/plain", "text/html")
                and ctype not in bodies):
            bodies[ctype] = part
            return
        if (filename or disposition == "attachment" or cid
                or part.get_content_maintype() != "text"):
            attachments.append(part)

    walk(msg, True)
    return bodies, attachments


def split_lines(data):
    """(start, end_without_line_break, next_start) of each line."""
    pos = 0
    while pos < len(data):
        nl = data.find(b"\n", pos)
        nxt = len(data) if nl < 0 else nl + 1
        end = len(data) if nl < 0 else nl
        if nl >= 0 and end > pos and data[end - 1:end] == b"\r":
            end -= 1
        yield pos, end, nxt
        pos = nxt


def raw_bodies(part, entity, out):
    """Maps id(leaf) to the bytes of its body as they stand in `entity`.

    Python parses message/* bodies into messages and serialises them back
    imperfectly, so the bytes of those parts are cut from the file instead:
    the body starts after the first empty line, parts are separated by
    delimiter lines whose preceding line break belongs to them.
    """
    body = b""
    for start, end, nxt in split_lines(entity):
        if start == end:
            body = entity[nxt:]
            break
    if part.get_content_maintype() != "multipart" or not part.is_multipart():
        out[id(part)] = body
        return
    delimiter = b"--" + part.get_boundary().encode("utf-8", "surrogateescape")
    pieces = []
    begin = None
    for start, end, nxt in split_lines(body):
        line = body[start:end]
        if not line.startswith(delimiter):
            continue
        rest = line[len(delimiter):]
        close = rest.startswith(b"--")
        if rest[2 if close else 0:].strip(b" \t\r") != b"":
            continue
        if begin is not None:
            stop = start
            if stop > begin and body[stop - 1:stop] == b"\n":
                stop -= 1
            if stop > begin and body[stop - 1:stop] == b"\r":
                stop -= 1
            pieces.append(body[begin:stop])
        if close:
            break
        begin = nxt
    for sub, piece in zip(part.iter_parts(), pieces):
        raw_bodies(sub, piece, out)


def part_content(part, raw_body_of):
    if part.is_multipart():
        # message/rfc822, message/delivery-status: the bytes as in the file.
        assert part.get_content_maintype() == "message", part.get_content_type()
        return raw_body_of[id(part)]
    return part.get_payload(decode=True) or b""


def expectations(raw, violations=()):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    raw_body_of = {}
    raw_bodies(msg, raw, raw_body_of)
    lines = []
    subject = msg["subject"]
    # Python keeps the whitespace of a fold right after "Subject:" (which its
    # own folder writes); an RFC 5322 reader, ours included, trims it.
    subject = fix(str(subject)).strip(" \t") if subject is not None else ""
    lines.append("subject " + b64(subject))
    for header in ("from", "to", "cc", "reply-to"):
        for value in msg.get_all(header, []):
            for address in value.addresses:
                lines.append("address %s %s %s" % (header, b64(fix(address.display_name)),
                                                   b64(fix(address.addr_spec))))
    bodies, attachments = select(msg)
    # The rule agrees with Python's own choices on real mailers' messages.
    assert msg.get_body(("plain",)) is bodies.get("text/plain")
    assert msg.get_body(("html",)) is bodies.get("text/html")
    for part in msg.iter_attachments():
        if not part.is_multipart() or part.get_content_maintype() == "message":
            assert any(part is a for a in attachments), part.get_content_type()
    for kind in ("plain", "html"):
        part = bodies.get("text/" + kind)
        label = "text" if kind == "plain" else "html"
        if part is None:
            lines.append(label + " -")
        else:
            lines.append(label + " " + b64(fix(part.get_content()).replace("\r\n", "\n")))
    for part in attachments:
        content = part_content(part, raw_body_of)
        lines.append("attachment %s %s %d %s %s %d" % (
            b64(fix(part.get_filename() or "")), part.get_content_type(),
            len(content), fnv1a64(content),
            b64(fix(strip_angles(str(part["content-id"] or "")))),
            1 if part.get_content_disposition() == "inline" else 0))
    for code in violations:
        lines.append("violation " + code)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Content


def pdf_bytes():
    rng = random.Random(4)
    stream = bytes(rng.randrange(256) for _ in range(1500))
    return (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 1500 >>\nstream\n" +
            stream + b"\nendstream\nendobj\n%%EOF\n")


def png_bytes(seed):
    rng = random.Random(seed)
    raw = b"".join(b"\x00" + bytes(rng.randrange(256) for _ in range(12)) for _ in range(4))
    def chunk(kind, data):
        return (len(data).to_bytes(4, "big") + kind + data +
                zlib.crc32(kind + data).to_bytes(4, "big"))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", (4).to_bytes(4, "big") * 2 + b"\x08\x02\x00\x00\x00") +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def zip_bytes():
    rng = random.Random(9)
    return b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(900))


def b64_lines(data, width=76):
    text = base64.b64encode(data).decode("ascii")
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))


LOREM = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do "
         "eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim "
         "ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut "
         "aliquip ex ea commodo consequat.")


def new_message(subject, sender="Ann Example <ann@example.com>",
                to="Bob <bob@example.net>", msg_id="1"):
    msg = EmailMessage(policy=SMTP)
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = DATE
    msg["Message-ID"] = "<corpus-%s@example.com>" % msg_id
    return msg


# ---------------------------------------------------------------------------
# Messages made by Python's email package acting as the mailer.


def python_messages():
    out = {}

    msg = new_message("Plain ASCII", msg_id="plain")
    msg.set_content("Hello Bob,\n\nJust plain text.\n\n-- \nAnn\n")
    out["py_plain_ascii"] = msg

    msg = new_message("Caf\u00e9 r\u00e9sum\u00e9 \u2013 \U0001F600", msg_id="utf8",
                      to="Zo\u00eb <zoe@example.net>")
    msg.set_content("Gr\u00fc\u00dfe aus K\u00f6ln! \u20ac 5\n\u65e5\u672c\u8a9e\n",
                    cte="8bit")
    out["py_utf8_8bit"] = msg

    msg = new_message("Quoted-printable", msg_id="qp")
    msg.set_content("A long line that must be wrapped: " + LOREM + " = equals "
                    "sign, trailing space \nand tab\t\nna\u00efve caf\u00e9\n",
                    cte="quoted-printable")
    out["py_quoted_printable"] = msg

    msg = new_message("Base64 text", msg_id="b64")
    msg.set_content("Base64 encoded text \u2603 snowman\n" + LOREM + "\n", cte="base64")
    out["py_base64_text"] = msg

    msg = new_message("Latin-1", msg_id="latin1")
    msg.set_content("Ol\u00e9! \u00bfQu\u00e9 tal? \u00c5ngstr\u00f6m \u00ff\n",
                    charset="iso-8859-1", cte="8bit")
    out["py_latin1_8bit"] = msg

    msg = new_message("Latin-1 quoted-printable", msg_id="latin1qp")
    msg.set_content("Fa\u00e7ade, d\u00e9j\u00e0 vu, \u00fcber\n" * 3,
                    charset="iso-8859-1", cte="quoted-printable")
    out["py_latin1_qp"] = msg

    msg = new_message("Windows-1252", msg_id="cp1252")
    msg.set_content("\u201cSmart quotes\u201d \u2013 en dash \u2014 em dash, "
                    "\u20ac100, \u2122, \u0152uvre, \u2026\n",
                    charset="windows-1252", cte="quoted-printable")
    out["py_cp1252_qp"] = msg

    msg = new_message("Alternative", msg_id="alt")
    msg.set_content("Plain version\n")
    msg.add_alternative("<html><body><p>HTML <b>version</b> \u00e9</p></body></html>\n",
                        subtype="html")
    out["py_alternative"] = msg

    msg = new_message("Mixed with attachments", msg_id="mixed",
                      to="Team: a@example.org, \"john doe\"@example.org;")
    msg["Cc"] = "\"Doe, Jane\" <jane@example.org>, undisclosed-recipients:;"
    msg.set_content("Please find the files attached.\n")
    msg.add_attachment(pdf_bytes(), maintype="application", subtype="pdf",
                       filename="report.pdf")
    msg.add_attachment(zip_bytes(), maintype="application", subtype="zip",
                       filename="r\u00e9sum\u00e9 na\u00efve \u65e5\u672c.zip")
    msg.add_attachment("col1,col2\n1,2\n", subtype="csv", filename="data.csv")
    msg.add_attachment(b"\x00\x01binary", maintype="application",
                       subtype="octet-stream",
                       filename="a very long file name with \u00fcmlauts that "
                                "needs rfc2231 continuations to be folded.bin")
    out["py_mixed_attachments"] = msg

    msg = new_message("Related with inline images", msg_id="related")
    msg.set_content("Plain fallback\n")
    msg.add_alternative("<html><body><img src=\"cid:logo@example.com\">"
                        "<img src=\"cid:chart@example.com\"></body></html>\n",
                        subtype="html")
    html = msg.get_payload()[1]
    html.add_related(png_bytes(1), maintype="image", subtype="png",
                     cid="<logo@example.com>")
    html.add_related(png_bytes(2), maintype="image", subtype="png",
                     cid="<chart@example.com>", filename="chart.png",
                     disposition="inline")
    out["py_related_inline"] = msg

    msg = new_message("Nested", msg_id="nested")
    msg.set_content("Nested plain\n")
    msg.add_alternative("<p>Nested <img src=\"cid:pic@x\"></p>\n", subtype="html")
    msg.get_payload()[1].add_related(png_bytes(3), maintype="image",
                                     subtype="png", cid="<pic@x>")
    msg.add_attachment(pdf_bytes(), maintype="application", subtype="pdf",
                       filename="nested.pdf")
    out["py_nested"] = msg

    inner = new_message("The original \u00e9", sender="Carol <carol@example.com>",
                        msg_id="inner")
    inner.set_content("Original body\n")
    inner.add_attachment(b"inner attachment", maintype="application",
                         subtype="octet-stream", filename="inner.bin")
    msg = new_message("Fwd: The original \u00e9", msg_id="fwd")
    msg.set_content("See the forwarded message.\n")
    msg.add_attachment(inner)
    out["py_forward_rfc822"] = msg

    msg = new_message("A subject long enough that it must be folded over "
                      "several lines by the generator, with words and "
                      "words and more words", msg_id="folded",
                      to=", ".join("Person %d <person%d@example.com>" % (i, i)
                                   for i in range(8)))
    msg["Reply-To"] = "Replies <replies@example.com>"
    msg["X-Long"] = "x" * 30 + " " + "y" * 60 + " " + "z" * 60
    msg.set_content("Folded headers\n")
    out["py_folded_headers"] = msg

    msg = new_message(("Encoded \u00e9 subject \u65e5\u672c\u8a9e \u2014 " * 3).rstrip(),
                      sender=Address("Ren\u00e9 M\u00fcller", "rene", "example.com"),
                      msg_id="2047")
    msg.set_content("Body\n")
    out["py_rfc2047_subject"] = msg

    return out


# ---------------------------------------------------------------------------
# Templates of other mailers (CRLF added when written).

OUTLOOK = """\
From: "Smith, John" <john.smith@contoso.example>
To: =?iso-8859-1?Q?Ren=E9_M=FCller?= <rene@example.com>, "O'Brien, Pat"
\t<pat@example.com>
Subject: =?iso-8859-1?Q?R=E9union_budg=E9taire_du_trimestre?=
Thread-Topic: =?iso-8859-1?Q?R=E9union_budg=E9taire_du_trimestre?=
Thread-Index: AdpuE0Zk8hS0h2p3QmKQ5XeTnq6pGw==
Date: Tue, 5 Mar 2024 09:12:44 +0000
Message-ID: <DB9PR10MB5788C3E5A1B2C3D4E5F6@DB9PR10MB5788.eurprd10.prod.outlook.com>
Accept-Language: fr-FR, en-US
Content-Language: fr-FR
X-MS-Has-Attach: yes
Content-Type: multipart/mixed;
\tboundary="_004_DB9PR10MB5788C3E5A1B2C3D4E5F6DB9PR10MB5788eurp_"
MIME-Version: 1.0

--_004_DB9PR10MB5788C3E5A1B2C3D4E5F6DB9PR10MB5788eurp_
Content-Type: multipart/alternative;
\tboundary="_000_DB9PR10MB5788C3E5A1B2C3D4E5F6DB9PR10MB5788eurp_"

--_000_DB9PR10MB5788C3E5A1B2C3D4E5F6DB9PR10MB5788eurp_
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

Bonjour Ren=E9,

Voici le budget r=E9vis=E9 pour la r=E9union de jeudi. Les chiffres du tri=
mestre sont en pi=E8ce jointe.

Cordialement,
John

--_000_DB9PR10MB5788C3E5A1B2C3D4E5F6DB9PR10MB5788eurp_
Content-Type: text/html; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

<html xmlns:v=3D"urn:schemas-microsoft-com:vml" xmlns:o=3D"urn:schemas-micr=
osoft-com:office:office">
<head>
<meta http-equiv=3D"Content-Type" content=3D"text/html; charset=3Diso-8859-=
1">
</head>
<body lang=3D"FR">
<p class=3D"MsoNormal">Bonjour Ren=E9,<o:p></o:p></p>
<p class=3D"MsoNormal">Voici le budget r=E9vis=E9.<o:p></o:p></p>
</body>
</html>

--_000_DB9PR10MB5788C3E5A1B2C3D4E5F6DB9PR10MB5788eurp_--

--_004_DB9PR10MB5788C3E5A1B2C3D4E5F6DB9PR10MB5788eurp_
Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;
\tname="=?iso-8859-1?Q?Budget_r=E9vis=E9.xlsx?="
Content-Description: =?iso-8859-1?Q?Budget_r=E9vis=E9.xlsx?=
Content-Disposition: attachment;
\tfilename="=?iso-8859-1?Q?Budget_r=E9vis=E9.xlsx?="; size=904;
\tcreation-date="Tue, 05 Mar 2024 09:11:58 GMT";
\tmodification-date="Tue, 05 Mar 2024 09:12:44 GMT"
Content-Transfer-Encoding: base64

{zip}

--_004_DB9PR10MB5788C3E5A1B2C3D4E5F6DB9PR10MB5788eurp_--
"""

THUNDERBIRD = """\
Message-ID: <9f2c41d7-5b1e-4a8e-9c3f-0d6b2a1e7c55@example.org>
Date: Wed, 6 Mar 2024 14:03:11 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: de-DE
To: =?UTF-8?Q?Anna_Sch=C3=A4fer?= <anna@example.org>
Cc: "Prof. Dr. Weber" <weber@example.org>, bernd@example.org (Bernd)
From: =?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <joerg@example.org>
Subject: =?UTF-8?Q?Pr=C3=BCfbericht_f=C3=BCr_das_Quartal_=E2=80=93_bitte_dur?=
 =?UTF-8?Q?chsehen?=
Content-Type: multipart/mixed; boundary="------------0AbC1dEf2GhI3jKl4MnO5pQr"

This is a multi-part message in MIME format.
--------------0AbC1dEf2GhI3jKl4MnO5pQr
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 8bit

Hallo zusammen,

anbei der Prüfbericht für das erste Quartal. Die Abschnitte über die 
Größenordnung sind neu.

Grüße
Jörg

--------------0AbC1dEf2GhI3jKl4MnO5pQr
Content-Type: application/pdf;
 name*0*=UTF-8''%50%72%C3%BC%66%62%65%72%69%63%68%74%5F%51%31%5F%32%30%32;
 name*1*=%34%2E%70%64%66
Content-Disposition: attachment;
 filename*0*=UTF-8''%50%72%C3%BC%66%62%65%72%69%63%68%74%5F%51%31%5F%32%30;
 filename*1*=%32%34%2E%70%64%66
Content-Transfer-Encoding: base64

{pdf}

--------------0AbC1dEf2GhI3jKl4MnO5pQr--
"""

APPLE = """\
From: Chris Apple <chris@icloud.example>
Content-Type: multipart/alternative;
\tboundary="Apple-Mail=_1B2C3D4E-5F60-4718-9A2B-3C4D5E6F7081"
Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3774.400.31\\))
Subject: Photo from the weekend
Date: Thu, 7 Mar 2024 18:22:05 +0100
To: Dana <dana@example.com>
Message-Id: <0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9@icloud.example>


--Apple-Mail=_1B2C3D4E-5F60-4718-9A2B-3C4D5E6F7081
Content-Transfer-Encoding: quoted-printable
Content-Type: text/plain;
\tcharset=utf-8

Hi Dana =E2=80=94 here it is.

=EF=BF=BC
Chris
--Apple-Mail=_1B2C3D4E-5F60-4718-9A2B-3C4D5E6F7081
Content-Type: multipart/mixed;
\tboundary="Apple-Mail=_9F8E7D6C-5B4A-4938-8271-605F4E3D2C1B"


--Apple-Mail=_9F8E7D6C-5B4A-4938-8271-605F4E3D2C1B
Content-Transfer-Encoding: 7bit
Content-Type: text/html;
\tcharset=us-ascii

<html><head><meta http-equiv="content-type" content="text/html; charset=us-ascii"></head><body style="overflow-wrap: break-word;">Hi Dana - here it is.<div><br></div><div></div></body></html>
--Apple-Mail=_9F8E7D6C-5B4A-4938-8271-605F4E3D2C1B
Content-Disposition: inline;
\tfilename=photo.png
Content-Type: image/png;
\tx-unix-mode=0644;
\tname="photo.png"
Content-Transfer-Encoding: base64

{png}
--Apple-Mail=_9F8E7D6C-5B4A-4938-8271-605F4E3D2C1B
Content-Transfer-Encoding: 7bit
Content-Type: text/html;
\tcharset=us-ascii

<html><head><meta http-equiv="content-type" content="text/html; charset=us-ascii"></head><body><div><br></div>Chris</body></html>
--Apple-Mail=_9F8E7D6C-5B4A-4938-8271-605F4E3D2C1B--

--Apple-Mail=_1B2C3D4E-5F60-4718-9A2B-3C4D5E6F7081--
"""

GMAIL = """\
MIME-Version: 1.0
Date: Fri, 8 Mar 2024 10:00:00 -0800
Message-ID: <CAFx9Jk1a2B3c4D5e6F7g8H9i0J@mail.gmail.example>
Subject: =?UTF-8?B?UGhvdG9zIGZyb20gdGhlIHRyaXAg8J+Mjw==?=
From: Alex Doe <alex.doe@gmail.example>
To: jamie@example.com, "Sam R." <sam@example.com>
Content-Type: multipart/mixed; boundary="000000000000a1b2c3061234abcd"

--000000000000a1b2c3061234abcd
Content-Type: multipart/alternative; boundary="000000000000a1b2c2061234abcb"

--000000000000a1b2c2061234abcb
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

Here are the photos =F0=9F=8C=8F

Alex

--000000000000a1b2c2061234abcb
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

<div dir=3D"ltr"><div>Here are the photos =F0=9F=8C=8F</div><div><br></div=
><div>Alex</div></div>

--000000000000a1b2c2061234abcb--
--000000000000a1b2c3061234abcd
Content-Type: image/png; name="trip.png"
Content-Disposition: attachment; filename="trip.png"
Content-Transfer-Encoding: base64
Content-ID: <f_lt1abc0>
X-Attachment-Id: f_lt1abc0

{png}
--000000000000a1b2c3061234abcd--
"""

POSTFIX_BOUNCE = """\
Return-Path: <>
Received: by mx.example.com (Postfix)
\tid 8A5B21C0DE; Thu,  7 Mar 2024 09:21:51 +0000 (UTC)
Date: Thu,  7 Mar 2024 09:21:51 +0000 (UTC)
From: MAILER-DAEMON@mx.example.com (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: sender@example.com
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="8A5B21C0DE.1709803311/mx.example.com"
Content-Transfer-Encoding: 8bit
Message-Id: <20240307092151.8A5B21C0DE@mx.example.com>

This is a MIME-encapsulated message.

--8A5B21C0DE.1709803311/mx.example.com
Content-Description: Notification
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

This is the mail system at host mx.example.com.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<nobody@example.net>: host mail.example.net[192.0.2.7] said: 550 5.1.1
    <nobody@example.net>: Recipient address rejected: User unknown

--8A5B21C0DE.1709803311/mx.example.com
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com
X-Postfix-Queue-ID: 8A5B21C0DE
Arrival-Date: Thu,  7 Mar 2024 09:21:50 +0000 (UTC)

Final-Recipient: rfc822; nobody@example.net
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.net>: unknown user

--8A5B21C0DE.1709803311/mx.example.com
Content-Description: Undelivered Message
Content-Type: message/rfc822
Content-Transfer-Encoding: 8bit

Return-Path: <sender@example.com>
From: Sender <sender@example.com>
To: nobody@example.net
Subject: Hello
Date: Thu, 7 Mar 2024 09:21:49 +0000
Message-ID: <orig@example.com>

Hello nobody.

--8A5B21C0DE.1709803311/mx.example.com--
"""

ENIGMAIL_SIGNED = """\
From: Pat Signer <pat@example.org>
To: Quinn <quinn@example.org>
Subject: Signed message
Date: Sat, 9 Mar 2024 12:00:00 +0000
Message-ID: <signed-1@example.org>
MIME-Version: 1.0
Content-Type: multipart/signed; micalg=pgp-sha256;
 protocol="application/pgp-signature";
 boundary="------------sig0123456789ABCDEF"

This is an OpenPGP/MIME signed message (RFC 4880 and 3156)
--------------sig0123456789ABCDEF
Content-Type: multipart/mixed; boundary="------------mix0123456789ABCDEF";
 protected-headers="v1"

--------------mix0123456789ABCDEF
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

This text is signed.
-- =

Pat

--------------mix0123456789ABCDEF--

--------------sig0123456789ABCDEF
Content-Type: application/pgp-signature; name="OpenPGP_signature.asc"
Content-Description: OpenPGP digital signature
Content-Disposition: attachment; filename="OpenPGP_signature.asc"

-----BEGIN PGP SIGNATURE-----

wnsEABYIACMWIQTs2Uw3aVVJ0VYkcmMi7q6bB6T0bQUCZexxAAUDAAAAAAAKCRAi7q6bB6T0
bQAAAP9H5uOIfQfm7ol6H4m+Zt3vLkWlwSqDSn0aK2MP2eP3XwD/WzTA
=Zx1Q
-----END PGP SIGNATURE-----

--------------sig0123456789ABCDEF--
"""

RFC2047_MIX = """\
From: =?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@example.dk>
To: =?US-ASCII?Q?Keith_Moore?= <moore@example.edu>
Cc: =?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@example.be>
Subject: =?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=
 =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?= and
 =?utf-8?q?caf=C3=A9?= =?windows-1252?q?=93quoted=94?=
 =?UTF-8?b?4oKs?=
Date: Sun, 10 Mar 2024 08:00:00 +0000
Message-ID: <rfc2047@example.dk>
MIME-Version: 1.0
Content-Type: text/plain; charset=windows-1252
Content-Transfer-Encoding: 8bit

{cp1252}
"""

MUTT_LF = """\
From someone@example.com Mon Mar 11 07:00:00 2024
Date: Mon, 11 Mar 2024 07:00:00 +0000
From: Unix User <user@host.example>
To: root@host.example
Subject: cron output
Message-ID: <cron.1@host.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii
Content-Disposition: inline

/etc/cron.daily/logrotate:
error: skipping "/var/log/app.log" because parent directory has insecure permissions
"""


def template_messages():
    sub = {
        "zip": b64_lines(zip_bytes()),
        "pdf": b64_lines(pdf_bytes()),
        "png": b64_lines(png_bytes(5)),
    }
    out = {}
    for name, template in (("outlook_mixed", OUTLOOK),
                           ("thunderbird_2231", THUNDERBIRD),
                           ("applemail_alternative_mixed", APPLE),
                           ("gmail_mixed", GMAIL),
                           ("postfix_bounce", POSTFIX_BOUNCE),
                           ("enigmail_signed", ENIGMAIL_SIGNED)):
        text = template
        for key, value in sub.items():
            text = text.replace("{" + key + "}", value)
        out[name] = text.replace("\n", "\r\n").encode("utf-8")
    cp1252 = ("\u201cQuoted\u201d \u2013 \u20ac5 \u2026 caf\u00e9\n".encode("cp1252"))
    out["rfc2047_mixed_charsets"] = (
        RFC2047_MIX.replace("{cp1252}\n", "").encode("ascii") + cp1252
    ).replace(b"\n", b"\r\n")
    out["mutt_lf_only"] = MUTT_LF.encode("ascii")  # LF only, an mbox From line
    return out


def main():
    random.seed(20240304)  # Python's boundaries come from `random`
    written = []
    for name, msg in python_messages().items():
        raw = msg.as_bytes()
        written.append((name, raw, ()))
    for name, raw in template_messages().items():
        written.append((name, raw, ()))

    # SMTPUTF8: raw UTF-8 in the header, which the reader flags.
    msg = EmailMessage(policy=SMTP.clone(utf8=True))
    msg["From"] = "Ren\u00e9 <ren\u00e9@example.com>"
    msg["To"] = "\u0417\u043e\u044f <zoya@example.com>"
    msg["Subject"] = "SMTPUTF8 \u00fcberall"
    msg["Date"] = DATE
    msg["Message-ID"] = "<corpus-smtputf8@example.com>"
    msg.set_content("UTF-8 everywhere \u2713\n", cte="8bit")
    written.append(("py_smtputf8", msg.as_bytes(), ("8bit-header",)))

    total = 0
    for name, raw, violations in written:
        with open(os.path.join(HERE, name + ".eml"), "wb") as f:
            f.write(raw)
        with open(os.path.join(HERE, name + ".expected"), "w", newline="\n") as f:
            f.write("# Generated by generate.py from Python's reading. Do not edit.\n")
            f.write(expectations(raw, violations))
        total += len(raw)
    print("wrote %d messages, %d bytes" % (len(written), total))


if __name__ == "__main__":
    main()
