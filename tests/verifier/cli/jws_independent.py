#!/usr/bin/env python3
"""Checks a compact JWS with an implementation independent of ccverify.

usage: jws_independent.py [--ear-schema SCHEMA] TOKEN_FILE:PUBLIC_KEY_PEM[:ear] ...

For each token: splits it, decodes base64url with Python's standard library,
and verifies the signature with python3-cryptography (ES256, ES384: the
R || S signature re-encoded as DER; EdDSA: Ed25519). With ":ear", the
payload is also validated against SCHEMA (python3-jsonschema). Prints one
line per token, in order: "ok", or "bad: <why>".

Exit status: 0 (every token checked, whatever the result), 77 when
python3-cryptography (or jsonschema) is missing, so the caller skips.
"""
import base64
import json
import sys

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
except ImportError:
    print("python3-cryptography is missing", file=sys.stderr)
    sys.exit(77)


def b64url(text):
    if "=" in text:
        raise ValueError("padding in base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def check(token_path, key_path, schema):
    """None if the token verifies (and follows `schema`), else why not."""
    token = open(token_path, encoding="ascii").read().strip()
    key = serialization.load_pem_public_key(open(key_path, "rb").read())
    header_b64, payload_b64, sig_b64 = token.split(".")
    header = json.loads(b64url(header_b64))
    signing_input = (header_b64 + "." + payload_b64).encode("ascii")
    sig = b64url(sig_b64)
    alg = header["alg"]
    try:
        if alg in ("ES256", "ES384"):
            size, digest = (32, hashes.SHA256()) if alg == "ES256" else (48, hashes.SHA384())
            if not isinstance(key, ec.EllipticCurvePublicKey) or len(sig) != 2 * size:
                return "alg %s does not fit the key or the signature length" % alg
            der = encode_dss_signature(int.from_bytes(sig[:size], "big"),
                                       int.from_bytes(sig[size:], "big"))
            key.verify(der, signing_input, ec.ECDSA(digest))
        elif alg == "EdDSA":
            if not isinstance(key, ed25519.Ed25519PublicKey):
                return "alg EdDSA with a key that is not Ed25519"
            key.verify(sig, signing_input)
        else:
            return "unexpected alg %r" % alg
    except InvalidSignature:
        return "signature does not verify"
    payload = json.loads(b64url(payload_b64))
    if schema is not None:
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(payload))
        if errors:
            return "EAR claims do not follow the schema: %s" % errors[0].message
    return None


def main():
    args = sys.argv[1:]
    schema = None
    if args[:1] == ["--ear-schema"]:
        global jsonschema
        try:
            import jsonschema
        except ImportError:
            print("python3-jsonschema is missing", file=sys.stderr)
            return 77
        schema = json.load(open(args[1], encoding="utf-8"))
        args = args[2:]
    for spec in args:
        parts = spec.split(":")
        try:
            why = check(parts[0], parts[1], schema if parts[2:] == ["ear"] else None)
        except (ValueError, KeyError, IndexError, TypeError) as e:
            why = "malformed: %s" % e
        print("ok" if why is None else "bad: " + why)
    return 0


jsonschema = None

if __name__ == "__main__":
    sys.exit(main())
