"""Checks a Web Push request as the app would, with implementations that are not the
portal's: Mozilla's http_ece decrypts the aes128gcm body (RFC 8291) with the
subscription's private key and auth secret, and PyJWT (on cryptography) verifies the VAPID
signature (RFC 8292) against the key in the request and the push service's origin.

Reads JSON from stdin: body, private_key (the 32-byte P-256 scalar), auth (all base64url),
authorization (the request's header) and audience. Prints the plaintext and the claims.
"""

import base64
import json
import sys

import http_ece
import jwt
from cryptography.hazmat.primitives.asymmetric import ec


def b64d(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def main() -> None:
    args = json.load(sys.stdin)
    private_key = ec.derive_private_key(
        int.from_bytes(b64d(args["private_key"]), "big"), ec.SECP256R1()
    )
    plaintext = http_ece.decrypt(
        b64d(args["body"]),
        private_key=private_key,
        auth_secret=b64d(args["auth"]),
        version="aes128gcm",
    )
    header = args["authorization"]
    if not header.startswith("vapid t="):
        sys.exit(f"not a VAPID authorization: {header!r}")
    token, key = header[len("vapid t="):].split(", k=", 1)
    public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64d(key))
    claims = jwt.decode(token, public_key, algorithms=["ES256"], audience=args["audience"])
    print(json.dumps({"plaintext": plaintext.decode("utf-8"), "claims": claims, "key": key}))


if __name__ == "__main__":
    main()
