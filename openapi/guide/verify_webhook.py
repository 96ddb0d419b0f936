import base64
import hashlib
import hmac
import time


def verify(secret, headers, body, tolerance=300):
    """True when `body` (bytes, exactly as received) and its headers were signed with `secret`."""
    msg_id = headers["webhook-id"]
    timestamp = headers["webhook-timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance:
        return False  # too old, or from the future: a replay
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(
        hmac.compare_digest(signature[3:], expected)
        for signature in headers["webhook-signature"].split(" ")
        if signature.startswith("v1,")
    )
# ---- not part of the guide: the API tests run this file on real deliveries ----


if __name__ == "__main__":
    import json
    import sys

    with open(sys.argv[1], encoding="utf-8") as f:
        delivery = json.load(f)
    ok = verify(delivery["secret"], delivery["headers"], delivery["body"].encode())
    print("ok" if ok else "refused")
