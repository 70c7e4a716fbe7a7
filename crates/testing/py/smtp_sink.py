"""A real SMTP server for deskvisa's tests (aiosmtpd), on 127.0.0.1.

Prints "PORT <n>" once it listens. Every message accepted is parsed with
Python's own email package (an independent MIME parser) and written to
DIR/<n>.json: the envelope, the headers as received, and every leaf part
decoded. With --discard nothing is written (benchmarks). Addresses holding
--reject answer 550 (permanent), holding --tempfail 451 (transient);
--delay makes every DATA answer that many seconds late. SIGTERM stops it.
"""

import argparse
import asyncio
import email
import email.policy
import itertools
import json
import os
import signal
import sys

from aiosmtpd.smtp import SMTP


def leaf_parts(message):
    parts = []
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        charset = part.get_content_charset() or "utf-8"
        parts.append(
            {
                "content_type": part.get_content_type(),
                "params": {k: v for k, v in part.get_params() or []},
                "disposition": part.get_content_disposition(),
                "filename": part.get_filename(),
                "transfer_encoding": part.get("Content-Transfer-Encoding"),
                "content": payload.decode(charset, errors="replace"),
            }
        )
    return parts


class Sink:
    def __init__(self, args):
        self.dir = args.dir
        self.discard = args.discard
        self.reject = args.reject
        self.tempfail = args.tempfail
        self.delay = args.delay
        self.counter = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject and self.reject in address:
            return "550 5.1.1 Mailbox unavailable"
        if self.tempfail and self.tempfail in address:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if not self.discard:
            raw = envelope.original_content or envelope.content
            if isinstance(raw, str):
                raw = raw.encode("utf-8")
            message = email.message_from_bytes(raw, policy=email.policy.default)
            record = {
                "mail_from": envelope.mail_from,
                "rcpt_tos": list(envelope.rcpt_tos),
                # The headers as received, one line each (unfolded), undecoded.
                "raw_headers": [
                    [name, str(value)] for name, value in message.raw_items()
                ],
                "headers": [[name, str(value)] for name, value in message.items()],
                "parts": leaf_parts(message),
                "raw": raw.decode("utf-8", errors="replace"),
            }
            n = next(self.counter)
            tmp = os.path.join(self.dir, f".{n}.tmp")
            with open(tmp, "w", encoding="utf-8") as out:
                json.dump(record, out)
            os.rename(tmp, os.path.join(self.dir, f"{os.getpid()}-{n}.json"))
        return "250 Message accepted for delivery"


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", default=None)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--discard", action="store_true")
    parser.add_argument("--reject", default=None)
    parser.add_argument("--tempfail", default=None)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    if not args.discard and not args.dir:
        parser.error("--dir is required unless --discard")
    if args.dir:
        os.makedirs(args.dir, exist_ok=True)
    handler = Sink(args)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        # A fixed hostname: aiosmtpd would otherwise ask DNS for this machine's name.
        lambda: SMTP(handler, hostname="sink.test", ident="deskvisa test sink", enable_SMTPUTF8=True),
        host="127.0.0.1",
        port=args.port,
        reuse_address=True,
    )
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
