#!/usr/bin/env python3
"""Sends the messages real mailers write, for the lint's false-positive test
and the links end-to-end test: each message goes over SMTP with smtplib, one
connection, and the C++ test reads what arrived.

    --kind python      Python's email package as applications use it
                       (EmailMessage, sent with send_message, which strips Bcc)
    --kind nodemailer  nodemailer's shapes, built by hand: Node is not one of
                       the project's dependencies
    --kind newsletter  one HTML newsletter with a password-reset link
    --kind corpus DIR  every DIR/*.eml except those named by --skip

Output, as key=value lines: sent=N, then result=ok (exit 0) or result=error
and detail=... (exit 1). Each message carries X-Lint-Name: <name>, so that
a failure names the message.
"""

import argparse
import email.base64mime
import email.utils
import os
import quopri
import smtplib
import sys
import uuid
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY

DATE = "Mon, 04 Mar 2024 10:15:00 +0000"
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806"
                    "0000001f15c4890000000d49444154789c6360000002000154a2"
                    "4f5d0000000049454e44ae426082")


def base(name, subject, sender="Ann Example <ann@example.com>",
         to="Bob <bob@example.net>"):
    """The header a careful application writes: Date and Message-ID
    included, which EmailMessage does not add by itself."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = DATE
    msg["Message-ID"] = email.utils.make_msgid(domain="example.com")
    msg["X-Lint-Name"] = name
    return msg


def python_messages():
    out = []
    msg = base("py-plain", "Plain text")
    msg.set_content("Hello Bob,\n\nJust text.\n")
    out.append(msg)

    msg = base("py-alternative", "Text and HTML")
    msg.set_content("Hello, see https://example.com/a\n")
    msg.add_alternative("<p>Hello, see <a href=\"https://example.com/a\">"
                        "this</a></p>\n", subtype="html")
    out.append(msg)

    msg = base("py-attachments", "Report with attachments")
    msg.set_content("Attached.\n")
    msg.add_attachment(PDF, maintype="application", subtype="pdf",
                       filename="report.pdf")
    msg.add_attachment(PNG, maintype="image", subtype="png",
                       filename="\u00fcbersicht \u65e5\u672c.png")
    msg.add_attachment("a,b\n1,2\n", subtype="csv", filename="data.csv")
    out.append(msg)

    msg = base("py-non-ascii-names",
               "Gr\u00fc\u00dfe aus M\u00fcnchen \u2013 "
               "\u00e7a va tr\u00e8s bien, merci " * 3,
               sender=str(Address("Ren\u00e9 Fran\u00e7ois", "rene",
                                  "example.com")),
               to=", ".join([str(Address("\u0417\u043e\u044f", "zoya",
                                         "example.net")),
                             str(Address("Doe, John", "john",
                                         "example.net"))]))
    msg["Cc"] = "Team: carol@example.net, dave@example.net;"
    msg["Reply-To"] = "support@example.com"
    msg.set_content("Gr\u00fc\u00dfe \u2713\n")
    msg.add_alternative("<p>Gr\u00fc\u00dfe \u2713</p>\n", subtype="html")
    out.append(msg)

    msg = base("py-long-subject", "A very long subject line " * 8)
    msg["In-Reply-To"] = "<parent@example.com>"
    msg["References"] = " ".join("<ref%d@example.com>" % i for i in range(30))
    msg.set_content("x" * 2000 + "\n")  # long line: quoted-printable
    out.append(msg)

    msg = base("py-bcc", "Blind copy")
    msg["Bcc"] = "secret@example.net"  # send_message strips it
    msg.set_content("Someone is in Bcc.\n")
    out.append(msg)

    msg = base("py-related", "Inline image")
    msg.set_content("See the logo.\n")
    msg.add_alternative("<p><img src=\"cid:logo@example.com\"></p>\n",
                        subtype="html")
    msg.get_payload()[1].add_related(PNG, maintype="image", subtype="png",
                                     cid="<logo@example.com>")
    msg.add_attachment(b"zip", maintype="application", subtype="zip",
                       filename="archive.zip")
    out.append(msg)

    msg = base("py-undisclosed", "To nobody in particular",
               to="undisclosed-recipients:;")
    msg.set_content("Hello.\n")
    out.append(msg)

    msg = base("py-forward", "Fwd: Plain text")
    inner = base("py-forward-inner", "Plain text")
    inner.set_content("The original.\n")
    msg.set_content("Forwarding.\n")
    msg.add_attachment(inner)
    out.append(msg)
    return out


def qp(text):
    return quopri.encodestring(text.encode("utf-8")).decode("ascii")


def nodemailer_message(name, html, text, attachments=(), inline=None):
    """multipart/mixed > alternative > (text, related > (html, image)), as
    nodemailer lays out a message with text, HTML, an embedded image and
    attachments; its boundaries, header order and quoted-printable."""
    tag = uuid.uuid4().hex[:8]

    def boundary(n):
        return "--_NmP-%s-Part_%d" % (tag, n)

    lines = [
        "Content-Type: multipart/mixed;",
        ' boundary="%s"' % boundary(1),
        'From: "Shop Example" <shop@example.com>',
        "To: bob@example.net, =?UTF-8?Q?Zo=C3=AB?= <zoe@example.net>",
        "Subject: =?UTF-8?Q?Your_order_=E2=9C=93?=",
        "X-Mailer: nodemailer (6.9.13; +https://nodemailer.com/;",
        " SMTP/6.9.13[client:6.9.13])",
        "X-Lint-Name: " + name,
        "Message-ID: <%s@example.com>" % uuid.uuid4(),
        "Date: " + DATE,
        "MIME-Version: 1.0",
        "",
        "--" + boundary(1),
        "Content-Type: multipart/alternative;",
        ' boundary="%s"' % boundary(2),
        "",
        "--" + boundary(2),
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        qp(text).rstrip("\n"),
        "--" + boundary(2),
    ]
    if inline is None:
        lines += [
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            qp(html).rstrip("\n"),
        ]
    else:
        lines += [
            "Content-Type: multipart/related; type=text/html;",
            ' boundary="%s"' % boundary(3),
            "",
            "--" + boundary(3),
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            qp(html).rstrip("\n"),
            "--" + boundary(3),
            "Content-Type: image/png; name=logo.png",
            "Content-ID: <%s>" % inline,
            "Content-Transfer-Encoding: base64",
            "Content-Disposition: inline; filename=logo.png",
            "",
            email.base64mime.body_encode(PNG, 76).rstrip("\n"),
            "--" + boundary(3) + "--",
        ]
    lines.append("--" + boundary(2) + "--")
    for filename, content_type, data in attachments:
        lines += [
            "--" + boundary(1),
            "Content-Type: %s; name=%s" % (content_type, filename),
            "Content-Transfer-Encoding: base64",
            "Content-Disposition: attachment; filename=%s" % filename,
            "",
            email.base64mime.body_encode(data, 76).rstrip("\n"),
        ]
    lines.append("--" + boundary(1) + "--")
    # quopri and base64mime end their lines with LF; mail has CRLF.
    return ("\n".join(lines) + "\n").replace("\n", "\r\n").encode("ascii")


def nodemailer_messages():
    html = ("<p>Thanks for your order \u2713</p>\n<p><a href=\"https://shop."
            "example.com/orders/12345?utm_source=mail&amp;utm_medium=email&amp;"
            "utm_campaign=order-confirmation\">See your order</a></p>\n")
    text = ("Thanks for your order \u2713\n\nSee your order: https://shop."
            "example.com/orders/12345?utm_source=mail&utm_medium=email&"
            "utm_campaign=order-confirmation\n")
    return [
        nodemailer_message("nodemailer-alternative", html, text),
        nodemailer_message("nodemailer-related",
                           html + "<img src=\"cid:logo@shop\">\n", text,
                           inline="logo@shop"),
        nodemailer_message("nodemailer-mixed", html, text,
                           attachments=[("invoice.pdf", "application/pdf",
                                         PDF)],
                           inline="logo@shop"),
    ]


def newsletter():
    msg = base("newsletter", "Reset your password",
               sender="Example <no-reply@example.com>")
    url = ("https://example.com/reset?token=" + "0123456789abcdef" * 6 +
           "&user=bob%40example.net")
    msg.set_content("Reset your password (%s).\n" % url)
    html_url = url.replace("&", "&amp;")
    msg.add_alternative(
        "<html><body><p>Hi Bob,</p><p><a class=\"button\" style=\"color:"
        "#ffffff;background:#1a73e8;padding:12px 24px\" href=\"%s\">Reset "
        "your password</a></p></body></html>\n" % html_url, subtype="html")
    return [msg]


def corpus(directory, skip):
    out = []
    for name in sorted(os.listdir(directory)):
        stem, ext = os.path.splitext(name)
        if ext != ".eml" or stem in skip:
            continue
        with open(os.path.join(directory, name), "rb") as f:
            raw = f.read()
        # A submitting client sends CRLF whatever its files hold.
        raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        out.append(raw)
    return out


def send(args, messages):
    sent = 0
    with smtplib.SMTP("127.0.0.1", args.port, timeout=args.timeout) as client:
        client.ehlo("mailer.example")
        for msg in messages:
            if isinstance(msg, EmailMessage):
                # send_message adds SMTPUTF8 for non-ASCII addresses; for an
                # 8-bit body the application must ask for 8BITMIME itself.
                options = []
                if any(b > 0x7F for b in msg.as_bytes(policy=SMTP_POLICY)):
                    options.append("BODY=8BITMIME")
                # send_message would take an empty group's "" for a
                # recipient; a real application passes its own list.
                fields = sum((msg.get_all(name, []) for name in
                              ("To", "Cc", "Bcc")), [])
                recipients = [address for _, address in
                              email.utils.getaddresses(fields) if address]
                client.send_message(msg, to_addrs=recipients or
                                    ["rcpt@example.net"],
                                    mail_options=options)
            else:
                header_end = msg.find(b"\r\n\r\n")
                options = []
                if any(b > 0x7F for b in msg[:header_end]):
                    options = ["SMTPUTF8", "BODY=8BITMIME"]
                elif any(b > 0x7F for b in msg):
                    options = ["BODY=8BITMIME"]
                client.sendmail("sender@example.com", ["rcpt@example.net"],
                                msg, mail_options=options)
            sent += 1
    return sent


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--kind", required=True,
                   choices=["python", "nodemailer", "newsletter", "corpus"])
    p.add_argument("--dir")
    p.add_argument("--skip", action="append", default=[])
    p.add_argument("--timeout", type=float, default=20.0)
    args = p.parse_args()
    messages = {
        "python": python_messages,
        "nodemailer": nodemailer_messages,
        "newsletter": newsletter,
        "corpus": lambda: corpus(args.dir, set(args.skip)),
    }[args.kind]()
    try:
        sent = send(args, messages)
    except Exception as error:  # reported, not raised: see the output
        print("sent=0\nresult=error\ndetail=" + " ".join(str(error).split()))
        return 1
    print("sent=%d\nresult=ok" % sent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
