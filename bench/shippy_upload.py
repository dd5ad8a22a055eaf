#!/usr/bin/env python3
"""Uploads a file to Depot the way shippy 2.43 does (1,000,000-byte multipart chunks with
Content-Range, then a POST of the sha256), using only the standard library. Prints seconds.

The client should cost as little as it can, since it shares the machine with the server: the
file's SHA-256 is taken before the clock starts, and each chunk leaves with sendfile(2) between
the multipart head and tail instead of being copied into one body. (The first version copied
each chunk into a body and hashed as it went: 0.6 ms of client time in each 1 MB request.)

usage: shippy_upload.py BASE_URL TOKEN FILE
"""
import json
import os
import sys
import time
import urllib.parse
import uuid

import benchclient

CHUNK = 1_000_000


def main():
    base, token, path = sys.argv[1], sys.argv[2], sys.argv[3]
    conn = benchclient.connect(base)
    name = os.path.basename(path)
    total = os.path.getsize(path)
    digest = benchclient.sha256_of(path)
    started = time.monotonic()
    upload_id = None
    with open(path, "rb") as f:
        offset = 0
        while offset < total:
            length = min(CHUNK, total - offset)
            boundary = uuid.uuid4().hex
            head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"filename\"\r\n\r\n{name}\r\n"
                    f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\n\r\n").encode()
            tail = f"\r\n--{boundary}--\r\n".encode()
            target = "/api/v1/maintainers/chunked_upload/" + (upload_id + "/" if upload_id else "")
            conn.putrequest("PUT", target, skip_accept_encoding=True)
            conn.putheader("Authorization", "Token " + token)
            conn.putheader("Content-Type", "multipart/form-data; boundary=" + boundary)
            conn.putheader("Content-Range", f"bytes {offset}-{offset + length - 1}/{total}")
            conn.putheader("Content-Length", str(len(head) + length + len(tail)))
            conn.endheaders(head)
            conn.sock.sendfile(f, offset, length)
            conn.sock.sendall(tail)
            r = conn.getresponse()
            data = r.read()
            if r.status != 200:
                sys.exit(f"chunk at {offset}: {r.status} {data!r}")
            upload_id = json.loads(data)["id"]
            offset += length
    form = urllib.parse.urlencode({"sha256": digest})
    conn.request("POST", f"/api/v1/maintainers/chunked_upload/{upload_id}/", body=form, headers={
        "Authorization": "Token " + token, "Content-Type": "application/x-www-form-urlencoded"})
    r = conn.getresponse()
    data = r.read()
    if r.status != 200:
        sys.exit(f"finalize: {r.status} {data!r}")
    print(f"{time.monotonic() - started:.2f}")


if __name__ == "__main__":
    main()
