#!/usr/bin/env python3
"""Uploads a file to Depot the way shippy 2.43 does (1,000,000-byte multipart chunks with
Content-Range, then a POST of the sha256), using only the standard library. Prints seconds.

The client should cost as little as it can, since it shares the machine with the server: the
file's SHA-256 is taken before the clock starts, and each chunk leaves with sendfile(2) between
the multipart head and tail instead of being copied into one body.

usage: shippy_upload.py BASE_URL TOKEN FILE
"""
import hashlib
import http.client
import json
import os
import socket
import sys
import time
import urllib.parse
import uuid

CHUNK = 1_000_000


def main():
    base, token, path = sys.argv[1], sys.argv[2], sys.argv[3]
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port)
    conn.connect()
    # requests (urllib3), which shippy uses, sets TCP_NODELAY; without it Nagle and delayed ACKs
    # add up to 40 ms to every request here.
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    name = os.path.basename(path)
    total = os.path.getsize(path)
    sha = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            sha.update(block)
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
    form = urllib.parse.urlencode({"sha256": sha.hexdigest()})
    conn.request("POST", f"/api/v1/maintainers/chunked_upload/{upload_id}/", body=form, headers={
        "Authorization": "Token " + token, "Content-Type": "application/x-www-form-urlencoded"})
    r = conn.getresponse()
    data = r.read()
    if r.status != 200:
        sys.exit(f"finalize: {r.status} {data!r}")
    print(f"{time.monotonic() - started:.2f}")


if __name__ == "__main__":
    main()
