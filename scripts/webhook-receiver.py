"""A webhook receiver for the tests, verifying every delivery with the Standard Webhooks
reference library (PyPI `standardwebhooks`), an implementation independent of ours.

Prints the port it listens on (127.0.0.1), then serves:
  PUT  /_config    {"secrets": ["whsec_..."], "fail_first": N, "status": S, "fail_ratio": R,
                    "max_failures": M, "seed": K}
                   N: the first N requests of each webhook-id are answered 500; S: every
                   request is answered S; R: each request fails (503) with probability R, but
                   no webhook-id more than M times (so none exhausts the sender's retries).
  GET  /_received  every request so far: {"id", "timestamp", "signatures", "verified_with"
                   (indexes of the secrets that verify it), "body", "answered"}
  GET  /_summary   {"requests": N, "unverified": N, "accepted": {webhook-id: times answered 2xx}}
  POST anything    a delivery: verified, recorded, answered 200 unless told otherwise.
"""

import json
import random
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

lock = threading.Lock()
config = {"secrets": [], "fail_first": 0, "status": None, "fail_ratio": 0.0, "max_failures": 5}
received = []
seen = {}
failures = {}
rng = random.Random(0)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body=b""):
        self.send_response(status)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with lock:
            if self.path == "/_summary":
                accepted = {}
                for r in received:
                    if 200 <= r["answered"] < 300:
                        accepted[r["id"]] = accepted.get(r["id"], 0) + 1
                body = json.dumps(
                    {
                        "requests": len(received),
                        "unverified": sum(1 for r in received if not r["verified_with"]),
                        "accepted": accepted,
                    }
                ).encode()
            else:
                body = json.dumps(received).encode()
        self.answer(200, body)

    def do_PUT(self):
        data = json.loads(self.rfile.read(int(self.headers["content-length"])))
        with lock:
            config.update(data)
            if "seed" in data:
                rng.seed(data["seed"])
        self.answer(204)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        headers = {k.lower(): v for k, v in self.headers.items()}
        msg_id = headers.get("webhook-id")
        with lock:
            secrets = list(config["secrets"])
        verified_with = []
        for i, secret in enumerate(secrets):
            try:
                Webhook(secret).verify(body, headers)
                verified_with.append(i)
            except WebhookVerificationError:
                pass
        with lock:
            seen[msg_id] = seen.get(msg_id, 0) + 1
            if config["status"] is not None:
                status = config["status"]
            elif seen[msg_id] <= config["fail_first"]:
                status = 500
            elif (
                rng.random() < config["fail_ratio"]
                and failures.get(msg_id, 0) < config["max_failures"]
            ):
                failures[msg_id] = failures.get(msg_id, 0) + 1
                status = 503
            elif not verified_with:
                status = 400
            else:
                status = 200
            received.append(
                {
                    "id": msg_id,
                    "timestamp": headers.get("webhook-timestamp"),
                    "signatures": headers.get("webhook-signature", "").split(" "),
                    "verified_with": verified_with,
                    "body": body.decode(),
                    "path": self.path,
                    "answered": status,
                }
            )
        self.answer(status, b"receiver says %d" % status)


class Server(ThreadingHTTPServer):
    # Several senders connect at once: a longer queue than the default 5.
    request_queue_size = 256
    daemon_threads = True


server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
