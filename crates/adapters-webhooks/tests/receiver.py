"""An independent Standard Webhooks receiver (standard library only): verifies each delivery with
hashlib/hmac/base64, records the ids it accepted (one line each), answers 204, or 401 on a bad signature.
Usage: receiver.py <whsec_secret> <port_file> <log_file>"""
import base64, hashlib, hmac, sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer

secret, port_file, log_file = sys.argv[1], sys.argv[2], sys.argv[3]
key = base64.b64decode(secret[len("whsec_"):] if secret.startswith("whsec_") else secret)


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        msg_id, ts = self.headers["webhook-id"], self.headers["webhook-timestamp"]
        expected = base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
        signatures = [s[3:] for s in self.headers["webhook-signature"].split(" ") if s.startswith("v1,")]
        fresh = abs(time.time() - int(ts)) <= 300
        ok = fresh and any(hmac.compare_digest(expected, s) for s in signatures)
        with open(log_file, "a") as log:
            log.write(("ok " if ok else "bad ") + msg_id + "\n")
        self.send_response(204 if ok else 401)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
