"""Verifies a TIP Exchange webhook delivery, as a receiver should before trusting it.

    python3 verify_webhook.py SECRET TIPX_SIGNATURE BODY_FILE [NOW_UNIX_SECONDS]

prints `valid` (exit 0) or `refused: <why>` (exit 1). In a receiver, call `verify` with the
webhook's secret (`whsec_…`), the `Tipx-Signature` header and the raw request body (the exact
bytes received: not JSON parsed and dumped again).
"""
import hashlib
import hmac
import sys
import time

TOLERANCE_SECONDS = 300


def verify(secret, header, body, now=None):
    """None when `header` signs `body` with `secret` and is at most five minutes old; else why not."""
    pairs = [part.strip().split("=", 1) for part in header.split(",") if "=" in part]
    stamps = [v for k, v in pairs if k == "t"]
    if len(stamps) != 1 or not stamps[0].isdigit():
        return "no timestamp"
    timestamp = int(stamps[0])
    if abs((time.time() if now is None else now) - timestamp) > TOLERANCE_SECONDS:
        return "expired timestamp (a replayed delivery?)"
    signed = stamps[0].encode() + b"." + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, v) for k, v in pairs if k == "v1"):
        return "signature does not match"
    return None


if __name__ == "__main__":
    secret, header, body_file = sys.argv[1:4]
    now = float(sys.argv[4]) if len(sys.argv) > 4 else None
    with open(body_file, "rb") as f:
        why = verify(secret, header, f.read(), now)
    print("valid" if why is None else f"refused: {why}")
    sys.exit(0 if why is None else 1)
