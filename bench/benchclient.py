"""What bench/shippy_upload.py and bench/tus_upload.py share."""
import hashlib
import http.client
import socket
import urllib.parse


def connect(base):
    """A kept-alive connection to BASE_URL with TCP_NODELAY, as requests (urllib3) sets it: without it
    Nagle and delayed ACKs add up to 40 ms to every request here."""
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port)
    conn.connect()
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn


def sha256_of(path):
    """The file's SHA-256, taken before a clock starts: the client's hashing is not the server's work."""
    sha = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            sha.update(block)
    return sha.hexdigest()
