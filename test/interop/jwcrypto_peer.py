"""An independent JWE peer for the interop tests, on Debian's python3-jwcrypto.

seal:  reads {"secret", "action", "enc", "payload_b64"} as JSON on stdin, prints a compact blob.
open:  reads {"secret", "blob"} as JSON on stdin, prints {"action", "enc", "payload_b64"}.
The key is derived here with hashlib.scrypt, independently of the project's code.
"""
import base64
import hashlib
import json
import os
import sys

from jwcrypto import jwe, jwk


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def derive(secret: str, salt: bytes, enc: str) -> jwk.JWK:
    length = {"A128GCM": 16, "A256GCM": 32}[enc]
    key = hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=32768, r=8, p=1, maxmem=64 * 1024 * 1024, dklen=length)
    return jwk.JWK(kty="oct", k=b64u(key))


def seal(req):
    salt = os.urandom(16)
    header = {"alg": "dir", "cisco-action": req["action"], "cisco-kdf": {"salt": b64u(salt), "version": "1"}, "enc": req["enc"]}
    token = jwe.JWE(unb64u(req["payload_b64"]), protected=json.dumps(header, separators=(",", ":")))
    token.add_recipient(derive(req["secret"], salt, req["enc"]))
    return token.serialize(compact=True)


def open_(req):
    blob = req["blob"]
    header = json.loads(unb64u(blob.split(".")[0]))
    salt = unb64u(header["cisco-kdf"]["salt"])
    token = jwe.JWE()
    token.deserialize(blob, key=derive(req["secret"], salt, header["enc"]))
    return json.dumps({"action": header["cisco-action"], "enc": header["enc"], "payload_b64": b64u(token.payload)})


if __name__ == "__main__":
    request = json.load(sys.stdin)
    print(seal(request) if sys.argv[1] == "seal" else open_(request))
