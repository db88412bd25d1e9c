#!/usr/bin/env python3
"""A real SMTP server for the notification tests (aiosmtpd, loopback only).

Prints `PORT <n>` once it accepts connections, then appends every message it receives to OUT as one
JSON line: envelope sender and recipients, the decoded Subject, the decoded text body, the Message-ID,
and whether the session was under TLS. With --cert/--key it offers STARTTLS and requires it.

    tools/venv/bin/python tests/notify/smtp_sink.py OUT [--cert C --key K]
"""
import argparse
import asyncio
import email
import email.policy
import json
import socket
import ssl
import sys
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out):
        self.out = out

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content or envelope.content,
                                       policy=email.policy.default)
        rec = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(msg["subject"]),
            "to": str(msg["to"]),
            "message_id": str(msg["message-id"]),
            "content_type": msg.get_content_type(),
            "charset": msg.get_content_charset(),
            "body": msg.get_content(),
            "tls": session.ssl is not None,
        }
        with open(self.out, "a", encoding="utf-8") as f:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        return "250 OK"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    a = ap.parse_args()
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    kw = {}
    if a.cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)
        kw = {"tls_context": ctx, "require_starttls": True}
    c = Controller(Sink(a.out), hostname="127.0.0.1", port=port, **kw)
    c.start()
    print(f"PORT {port}", flush=True)
    try:
        # Until the test closes our stdin (or kills us).
        sys.stdin.read()
    finally:
        c.stop()


if __name__ == "__main__":
    main()
