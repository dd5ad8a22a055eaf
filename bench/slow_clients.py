#!/usr/bin/env python3
"""Opens N concurrent downloads of one URL that each read slowly (16 KiB every 100 ms, about
160 KiB/s) for a fixed time, then hang up. Prints "ok errors": a download that was refused, reset,
answered other than 200, or ended early is an error; hanging up at the end is not.

usage: slow_clients.py URL [CLIENTS] [SECONDS]
"""
import asyncio
import resource
import sys
import time
import urllib.parse


async def main():
    url = urllib.parse.urlparse(sys.argv[1])
    clients = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 15
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, clients + 256)), hard))
    counts = {"ok": 0, "errors": 0}
    reasons = {}
    deadline = time.monotonic() + seconds
    request = f"GET {url.path}{'?' + url.query if url.query else ''} HTTP/1.1\r\nHost: {url.netloc}\r\n\r\n".encode()

    async def one(i):
        await asyncio.sleep(i * 0.002)  # 2,000 connections arrive over 4 s
        writer = None
        try:
            reader, writer = await asyncio.open_connection(url.hostname, url.port)
            writer.write(request)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            if status != 200:
                raise RuntimeError(f"status {status}")
            while time.monotonic() < deadline:
                if not await reader.read(16384):
                    raise RuntimeError("ended early")
                await asyncio.sleep(0.1)
            counts["ok"] += 1
        except Exception as e:  # noqa: BLE001 - every failure counts
            counts["errors"] += 1
            key = type(e).__name__ + ": " + str(e)[:60]
            reasons[key] = reasons.get(key, 0) + 1
        finally:
            if writer is not None:
                writer.close()

    await asyncio.gather(*(one(i) for i in range(clients)))
    for reason, n in sorted(reasons.items(), key=lambda r: -r[1])[:5]:
        print(f"slow_clients: {n} x {reason}", file=sys.stderr)
    print(counts["ok"], counts["errors"])


asyncio.run(main())
