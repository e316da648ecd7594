#!/usr/bin/env python3
"""Regenerates the committed known-answer vectors (tests/vectors/v2-*.json, v3-*.json) with s3ec.py.

Everything is fixed (data key, encrypted-key blob, IV / message id, context, plaintext), so running this again
reproduces the files byte for byte; `--check` verifies that instead of writing.
"""
import base64
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import s3ec  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DATA_KEY = bytes(range(0x40, 0x60))
KEY_ID = "arn:aws:kms:us-east-1:111122223333:key/0e8f7a6b-vector-key"
SCOPE = "s3://vectors-bucket/configs/"
V2_IV = bytes.fromhex("a1a2a3a4a5a6a7a8a9aaabac")
V3_MESSAGE_ID = bytes.fromhex("b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacb")


def context(name, generation):
    return {"secret-agent:name": name, "secret-agent:scope": SCOPE, "secret-agent:generation": str(generation)}


CASES = [
    ("text", "a short text config holding a sentinel", "app/db.env", 1,
     b"DB_PASSWORD=CANARY-vector-s3ec-91c4\nDB_USER=app\n"),
    ("binary", "all 256 byte values, several GCM blocks", "tls/server.der", 42, bytes(range(256))),
    ("one-byte", "a single byte", "flags/one", 7, b"Z"),
    ("empty", "an empty config: the body is only the 16-byte tag", "empty/config", 3, b""),
]


def make(fmt, slug, description, name, generation, plaintext):
    nonce = V2_IV if fmt == "v2" else V3_MESSAGE_ID
    blob = f"fake-kms-blob:{fmt}-{slug}".encode("ascii")
    sealed = s3ec.seal(fmt, DATA_KEY, blob, context(name, generation), plaintext, nonce)
    vector = {
        "description": f"S3EC {fmt.upper()} kms+context: {description}",
        "format": fmt,
        "key_id": KEY_ID,
        "data_key_hex": DATA_KEY.hex(),
        "encrypted_key_b64": s3ec.b64(blob),
        "context": context(name, generation),
        "plaintext_b64": s3ec.b64(plaintext),
        "metadata": sealed["metadata"],
        "body_b64": sealed["body_b64"],
    }
    if fmt == "v2":
        vector["iv_hex"] = nonce.hex()
    else:
        content_key, commitment = s3ec.derive_v3(DATA_KEY, nonce)
        vector.update(message_id_hex=nonce.hex(), content_key_hex=content_key.hex(), commitment_hex=commitment.hex())
    return vector


def escaped_context_vector():
    """V3 with a context JSON written the way Go's encoding/json does: non-ASCII and & < > as \\u escapes."""
    vector = make("v3", "escaped-context", "context JSON with \\u escapes (Go style) and a non-ASCII name",
                  "caf\u00e9 & <bar>/app.json", 5, b"escaped-context payload")
    vector["description"] = "S3EC V3 kms+context: x-amz-t written with \\u escapes (Go encoding/json style)"
    text = vector["metadata"]["x-amz-t"]
    for char, escape in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escape)
    vector["metadata"]["x-amz-t"] = text
    assert json.loads(text) == {**vector["context"], "aws:x-amz-cek-alg": "115"}
    return "v3-escaped-context", vector


def all_vectors():
    for fmt in ("v2", "v3"):
        for slug, description, name, generation, plaintext in CASES:
            yield f"{fmt}-{slug}", make(fmt, slug, description, name, generation, plaintext)
    yield escaped_context_vector()


def render(vector):
    return json.dumps(vector, indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    for name, vector in all_vectors():
        # Each vector must open with the reference reader before it is written.
        assert s3ec.open_object(vector, DATA_KEY) == base64.b64decode(vector["plaintext_b64"])
        path = os.path.join(HERE, name + ".json")
        text = render(vector)
        if check:
            with open(path, encoding="utf-8") as f:
                if f.read() != text:
                    stale.append(name)
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    if stale:
        sys.stderr.write("stale vectors: " + ", ".join(stale) + "\n")
        return 1
    print("vectors " + ("match" if check else "written"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
