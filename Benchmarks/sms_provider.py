#!/usr/bin/env python3
"""A local stand-in for Alibaba Cloud's SendSms endpoint for `make bench`: answers every POST after DELAY_MS
(default 50) with {"Code":"OK","BizId":…}, keep-alive, any number of connections (asyncio). Records when each
request arrived, by its OutId, and writes "OutId<TAB>epoch seconds" lines to LOG on SIGTERM.

Usage: sms_provider.py PORT LOG [DELAY_MS]
"""
import asyncio, signal, sys, time, urllib.parse

PORT, LOG = int(sys.argv[1]), sys.argv[2]
DELAY = (int(sys.argv[3]) if len(sys.argv) > 3 else 50) / 1000.0
arrived = {}


async def handle(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            body = await reader.readexactly(length) if length else b""
            t = time.time()
            out = ""
            for pair in body.split(b"&"):
                if pair.startswith(b"OutId="):
                    out = urllib.parse.unquote(pair[6:].decode())
            if out and out not in arrived:
                arrived[out] = t
            await asyncio.sleep(DELAY)
            answer = ('{"Message":"OK","RequestId":"bench","BizId":"%s^0","Code":"OK"}' % (out or "0")).encode()
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(answer)
                         + answer)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionResetError, asyncio.LimitOverrunError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


def dump(*_):
    with open(LOG, "w") as f:
        for k, v in arrived.items():
            f.write(f"{k}\t{v:.6f}\n")
    sys.exit(0)


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", PORT, backlog=1024)
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, dump)
    async with server:
        await server.serve_forever()


asyncio.run(main())
