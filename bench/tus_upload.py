#!/usr/bin/env python3
"""Uploads a file to Depot over tus 1.0 (/v1/uploads) in 32 MiB PATCH requests, the last of
which completes the upload and creates the app build. Prints seconds.

usage: tus_upload.py BASE_URL TOKEN FILE ORGANIZATION APP [CHUNK_BYTES]

Like bench/shippy_upload.py it costs the machine as little as it can: the SHA-256 that goes into
the metadata is taken before the clock starts, and each chunk leaves with sendfile(2).
"""
import base64

import benchclient
import os
import sys
import time
import urllib.parse


def b64(s):
    return base64.b64encode(s.encode()).decode()


def main():
    base, token, path, org, app = sys.argv[1:6]
    chunk = int(sys.argv[6]) if len(sys.argv) > 6 else 32 << 20
    conn = benchclient.connect(base)
    total = os.path.getsize(path)
    digest = benchclient.sha256_of(path)
    started = time.monotonic()
    meta = ",".join(f"{k} {b64(v)}" for k, v in {
        "filename": os.path.basename(path), "organization": org, "app": app, "sha256": digest}.items())
    conn.request("POST", "/v1/uploads", headers={
        "Authorization": "Bearer " + token, "Tus-Resumable": "1.0.0", "Upload-Length": str(total),
        "Upload-Metadata": meta})
    r = conn.getresponse()
    r.read()
    if r.status != 201:
        sys.exit(f"create: {r.status}")
    location = urllib.parse.urlparse(r.getheader("Location")).path
    build = None
    with open(path, "rb") as f:
        offset = 0
        while offset < total:
            length = min(chunk, total - offset)
            conn.putrequest("PATCH", location, skip_accept_encoding=True)
            for k, v in {"Authorization": "Bearer " + token, "Tus-Resumable": "1.0.0",
                         "Content-Type": "application/offset+octet-stream", "Upload-Offset": str(offset),
                         "Content-Length": str(length)}.items():
                conn.putheader(k, v)
            conn.endheaders()
            conn.sock.sendfile(f, offset, length)
            r = conn.getresponse()
            data = r.read()
            if r.status != 204:
                sys.exit(f"chunk at {offset}: {r.status} {data!r}")
            offset = int(r.getheader("Upload-Offset"))
            build = r.getheader("Depot-Build-Id") or build
    if not build:
        sys.exit("the last chunk named no build")
    print(f"{time.monotonic() - started:.2f}")


if __name__ == "__main__":
    main()
