#!/usr/bin/env python3
"""Uploads a file to Depot the way shippy 2.43 does (1,000,000-byte multipart chunks with
Content-Range, then a POST of the sha256), using only the standard library. Prints seconds.

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
    started = time.monotonic()
    upload_id = None
    sha = hashlib.sha256()
    with open(path, "rb") as f:
        offset = 0
        while True:
            chunk = f.read(CHUNK)
            if not chunk:
                break
            sha.update(chunk)
            boundary = uuid.uuid4().hex
            body = b"".join([
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"filename\"\r\n\r\n{name}\r\n".encode(),
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\n\r\n".encode(),
                chunk, f"\r\n--{boundary}--\r\n".encode()])
            target = "/api/v1/maintainers/chunked_upload/" + (upload_id + "/" if upload_id else "")
            conn.request("PUT", target, body=body, headers={
                "Authorization": "Token " + token,
                "Content-Type": "multipart/form-data; boundary=" + boundary,
                "Content-Range": f"bytes {offset}-{offset + len(chunk) - 1}/{total}"})
            r = conn.getresponse()
            data = r.read()
            if r.status != 200:
                sys.exit(f"chunk at {offset}: {r.status} {data!r}")
            upload_id = json.loads(data)["id"]
            offset += len(chunk)
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
