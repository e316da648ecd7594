#!/usr/bin/env python3
"""Independent reference for the S3 Encryption Client (S3EC) V2 and V3 object formats, KMS + encryption context.

Written from docs/s3ec-format.md only (not from the C# code) so that it can check our implementation from outside.
Subcommands (JSON in, JSON out):

  seal     --format v2|v3 --data-key HEX --encrypted-key-b64 B64 --context JSON --plaintext-file F
           [--iv-hex HEX | --message-id-hex HEX]          -> {"metadata": {...}, "body_b64": "..."}
  open     --data-key HEX --object FILE                   -> plaintext bytes on stdout
  kms-put  --format v2|v3 --bucket B --key K --kms-key-id ID --context JSON --plaintext-file F
  kms-get  --bucket B --key K --kms-key-id ID [--expect-context JSON] [--object-out FILE] -> plaintext on stdout
  create-key / create-bucket --bucket B                   helpers for a moto (or real) endpoint
  selftest                                                round-trips V2 and V3 and checks HKDF by hand

The context given on the command line is the USER context; the cek-alg entry ("aws:x-amz-cek-alg") is added here,
as an S3EC client does. Metadata keys are shown without the "x-amz-meta-" transport prefix.
On any failure nothing is written to stdout; one line goes to stderr and the exit code is 1 (2 for usage errors).
"""
import argparse
import base64
import binascii
import hashlib
import hmac
import json
import os
import sys

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

CEK_ALG_KEY = "aws:x-amz-cek-alg"
V2_CEK_ALG = "AES/GCM/NoPadding"
V2_WRAP_ALG = "kms+context"
V2_TAG_LEN = "128"
V3_SUITE = "115"
V3_WRAP = "12"
SUITE_ID = b"\x00\x73"
V3_IV = b"\x01" * 12
MESSAGE_ID_LEN = 28
COMMITMENT_LEN = 28
TAG_LEN = 16

V1_KEYS = {"x-amz-key"}
V2_KEYS = {"x-amz-key-v2", "x-amz-iv", "x-amz-cek-alg", "x-amz-wrap-alg", "x-amz-tag-len", "x-amz-matdesc"}
V3_KEYS = {"x-amz-c", "x-amz-3", "x-amz-w", "x-amz-d", "x-amz-i", "x-amz-t", "x-amz-m"}


class S3ecError(Exception):
    pass


# ---------------------------------------------------------------------------------------------- encoding helpers

def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str, key: str, length=None) -> bytes:
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise S3ecError(f"{key} is not base64") from None
    if length is not None and len(data) != length:
        raise S3ecError(f"{key} decodes to {len(data)} bytes, expected {length}")
    return data


def context_json(context: dict) -> str:
    # Compact, sorted, ASCII-only (S3 metadata travels in HTTP headers), as the Java and Go clients write it.
    return json.dumps(context, separators=(",", ":"), sort_keys=True, ensure_ascii=True)


def parse_context(text: str, key: str) -> dict:
    try:
        value = json.loads(text)
    except ValueError:
        raise S3ecError(f"{key} is not JSON") from None
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise S3ecError(f"{key} is not a JSON object of strings")
    return value


def stored_context(user_context: dict, cek_alg: str) -> dict:
    if CEK_ALG_KEY in user_context:
        raise S3ecError(f"the user context must not contain {CEK_ALG_KEY}")
    return {**user_context, CEK_ALG_KEY: cek_alg}


# ------------------------------------------------------------------------------------------------------ crypto

def derive_v3(data_key: bytes, message_id: bytes):
    """HKDF-SHA512: salt = message id, ikm = data key; info = suite id || label."""
    content_key = HKDF(hashes.SHA512(), 32, salt=message_id, info=SUITE_ID + b"DERIVEKEY").derive(data_key)
    commitment = HKDF(hashes.SHA512(), COMMITMENT_LEN, salt=message_id, info=SUITE_ID + b"COMMITKEY").derive(data_key)
    return content_key, commitment


def derive_v3_by_hand(data_key: bytes, message_id: bytes):
    """RFC 5869 spelled out with hmac, to cross-check the library in selftest."""
    prk = hmac.new(message_id, data_key, hashlib.sha512).digest()
    content_key = hmac.new(prk, SUITE_ID + b"DERIVEKEY" + b"\x01", hashlib.sha512).digest()[:32]
    commitment = hmac.new(prk, SUITE_ID + b"COMMITKEY" + b"\x01", hashlib.sha512).digest()[:COMMITMENT_LEN]
    return content_key, commitment


def check_data_key(data_key: bytes):
    if len(data_key) != 32:
        raise S3ecError("the data key must be 32 bytes (AES-256)")


def seal(fmt: str, data_key: bytes, encrypted_key: bytes, user_context: dict, plaintext: bytes, nonce=None) -> dict:
    check_data_key(data_key)
    if fmt == "v2":
        iv = nonce if nonce is not None else os.urandom(12)
        if len(iv) != 12:
            raise S3ecError("the V2 IV must be 12 bytes")
        body = AESGCM(data_key).encrypt(iv, plaintext, None)
        metadata = {
            "x-amz-key-v2": b64(encrypted_key),
            "x-amz-iv": b64(iv),
            "x-amz-cek-alg": V2_CEK_ALG,
            "x-amz-wrap-alg": V2_WRAP_ALG,
            "x-amz-tag-len": V2_TAG_LEN,
            "x-amz-matdesc": context_json(stored_context(user_context, V2_CEK_ALG)),
            "x-amz-unencrypted-content-length": str(len(plaintext)),
        }
    elif fmt == "v3":
        message_id = nonce if nonce is not None else os.urandom(MESSAGE_ID_LEN)
        if len(message_id) != MESSAGE_ID_LEN:
            raise S3ecError(f"the V3 message id must be {MESSAGE_ID_LEN} bytes")
        content_key, commitment = derive_v3(data_key, message_id)
        body = AESGCM(content_key).encrypt(V3_IV, plaintext, SUITE_ID)
        metadata = {
            "x-amz-c": V3_SUITE,
            "x-amz-3": b64(encrypted_key),
            "x-amz-w": V3_WRAP,
            "x-amz-d": b64(commitment),
            "x-amz-i": b64(message_id),
            "x-amz-t": context_json(stored_context(user_context, V3_SUITE)),
        }
    else:
        raise S3ecError(f"unknown format {fmt}")
    return {"metadata": metadata, "body_b64": b64(body)}


def envelope(metadata: dict) -> dict:
    """Classifies and checks the metadata; returns the parts needed to unwrap and decrypt."""
    keys = set(metadata)
    has_v1, has_v2, has_v3 = bool(keys & V1_KEYS), "x-amz-key-v2" in keys, bool(keys & {"x-amz-c", "x-amz-3"})
    if has_v3:
        if keys & (V1_KEYS | V2_KEYS):
            raise S3ecError("V3 metadata carries V1/V2 keys")
        for key in ("x-amz-c", "x-amz-3", "x-amz-w", "x-amz-d", "x-amz-i", "x-amz-t"):
            if key not in metadata:
                raise S3ecError(f"V3 metadata lacks {key}")
        if metadata["x-amz-c"] != V3_SUITE or metadata["x-amz-w"] != V3_WRAP:
            raise S3ecError("V3 metadata names an algorithm other than suite 115 with kms+context")
        context = parse_context(metadata["x-amz-t"], "x-amz-t")
        if context.get(CEK_ALG_KEY) != V3_SUITE:
            raise S3ecError(f"x-amz-t lacks {CEK_ALG_KEY}={V3_SUITE}")
        return {
            "format": "v3",
            "encrypted_key": unb64(metadata["x-amz-3"], "x-amz-3"),
            "commitment": unb64(metadata["x-amz-d"], "x-amz-d", COMMITMENT_LEN),
            "message_id": unb64(metadata["x-amz-i"], "x-amz-i", MESSAGE_ID_LEN),
            "context": context,
        }
    if has_v2:
        if has_v1 or keys & V3_KEYS:
            raise S3ecError("V2 metadata carries V1/V3 keys")
        for key in ("x-amz-iv", "x-amz-cek-alg", "x-amz-wrap-alg", "x-amz-matdesc"):
            if key not in metadata:
                raise S3ecError(f"V2 metadata lacks {key}")
        if metadata["x-amz-cek-alg"] != V2_CEK_ALG or metadata["x-amz-wrap-alg"] != V2_WRAP_ALG:
            raise S3ecError("V2 metadata names an algorithm other than AES/GCM/NoPadding with kms+context")
        if metadata.get("x-amz-tag-len", V2_TAG_LEN) != V2_TAG_LEN:
            raise S3ecError("V2 tag length is not 128")
        context = parse_context(metadata["x-amz-matdesc"], "x-amz-matdesc")
        if context.get(CEK_ALG_KEY) != V2_CEK_ALG:
            raise S3ecError(f"x-amz-matdesc lacks {CEK_ALG_KEY}={V2_CEK_ALG}")
        length = metadata.get("x-amz-unencrypted-content-length")
        if length is not None and not length.isdigit():
            raise S3ecError("x-amz-unencrypted-content-length is not a decimal")
        return {
            "format": "v2",
            "encrypted_key": unb64(metadata["x-amz-key-v2"], "x-amz-key-v2"),
            "iv": unb64(metadata["x-amz-iv"], "x-amz-iv", 12),
            "context": context,
            "length": None if length is None else int(length),
        }
    if has_v1:
        raise S3ecError("V1 objects (x-amz-key) are not supported")
    raise S3ecError("no S3EC metadata")


def open_body(env: dict, data_key: bytes, body: bytes) -> bytes:
    check_data_key(data_key)
    if len(body) < TAG_LEN:
        raise S3ecError("body is shorter than the GCM tag")
    try:
        if env["format"] == "v3":
            content_key, commitment = derive_v3(data_key, env["message_id"])
            if not hmac.compare_digest(commitment, env["commitment"]):
                raise S3ecError("key commitment mismatch")
            return AESGCM(content_key).decrypt(V3_IV, body, SUITE_ID)
        plaintext = AESGCM(data_key).decrypt(env["iv"], body, None)
    except InvalidTag:
        raise S3ecError("GCM authentication failed") from None
    if env["length"] is not None and env["length"] != len(plaintext):
        raise S3ecError("x-amz-unencrypted-content-length does not match")
    return plaintext


def open_object(obj: dict, data_key: bytes) -> bytes:
    metadata = obj["metadata"]
    if not isinstance(metadata, dict):
        raise S3ecError("metadata is not an object")
    return open_body(envelope(metadata), data_key, unb64(obj["body_b64"], "body_b64"))


# --------------------------------------------------------------------------------------------------- AWS (boto3)

def clients():
    import boto3
    from botocore.config import Config

    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    config = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2})
    return boto3.client("s3", region_name=region, config=config), boto3.client("kms", region_name=region, config=config)


def kms_put(args) -> dict:
    s3, kms = clients()
    fmt = args.format
    user_context = parse_context(args.context, "--context")
    context = stored_context(user_context, V3_SUITE if fmt == "v3" else V2_CEK_ALG)
    generated = kms.generate_data_key(KeyId=args.kms_key_id, KeySpec="AES_256", EncryptionContext=context)
    sealed = seal(fmt, generated["Plaintext"], generated["CiphertextBlob"], user_context, read_file(args.plaintext_file))
    s3.put_object(Bucket=args.bucket, Key=args.key, Body=base64.b64decode(sealed["body_b64"]), Metadata=sealed["metadata"])
    return {"metadata": sealed["metadata"], "key_arn": generated["KeyId"]}


def kms_get(args) -> bytes:
    s3, kms = clients()
    response = s3.get_object(Bucket=args.bucket, Key=args.key)
    metadata, body = response["Metadata"], response["Body"].read()
    env = envelope(metadata)
    if args.expect_context is not None:
        # As the Java client does: the stored context must be what the reader expects (plus cek-alg).
        cek = V3_SUITE if env["format"] == "v3" else V2_CEK_ALG
        expected = stored_context(parse_context(args.expect_context, "--expect-context"), cek)
        if env["context"] != expected:
            raise S3ecError("the stored encryption context is not the expected one")
    if args.object_out:
        with open(args.object_out, "w", encoding="utf-8") as out:
            json.dump({"metadata": metadata, "body_b64": b64(body)}, out)
    decrypted = kms.decrypt(CiphertextBlob=env["encrypted_key"], KeyId=args.kms_key_id, EncryptionContext=env["context"])
    return open_body(env, decrypted["Plaintext"], body)


# ------------------------------------------------------------------------------------------------------ commands

def read_file(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    with open(path, "rb") as f:
        return f.read()


def nonce_arg(args):
    text = args.iv_hex if args.format == "v2" else args.message_id_hex
    other = args.message_id_hex if args.format == "v2" else args.iv_hex
    if other is not None:
        raise S3ecError("--iv-hex is for v2, --message-id-hex for v3")
    return None if text is None else bytes.fromhex(text)


def cmd_seal(args):
    sealed = seal(args.format, bytes.fromhex(args.data_key), unb64(args.encrypted_key_b64, "--encrypted-key-b64"),
                  parse_context(args.context, "--context"), read_file(args.plaintext_file), nonce_arg(args))
    print_json(sealed)


def cmd_open(args):
    with open(args.object, "r", encoding="utf-8") as f:
        obj = json.load(f)
    write_bytes(open_object(obj, bytes.fromhex(args.data_key)))


def cmd_kms_put(args):
    print_json(kms_put(args))


def cmd_kms_get(args):
    write_bytes(kms_get(args))


def cmd_create_key(args):
    _, kms = clients()
    print_json({"key_id": kms.create_key(Description="s3ec.py interop test key")["KeyMetadata"]["KeyId"]})


def cmd_create_bucket(args):
    s3, _ = clients()
    s3.create_bucket(Bucket=args.bucket)
    if args.versioned:
        s3.put_bucket_versioning(Bucket=args.bucket, VersioningConfiguration={"Status": "Enabled"})
    print_json({"bucket": args.bucket})


def cmd_selftest(args):
    data_key = os.urandom(32)
    context = {"secret-agent:name": "self/test.json", "secret-agent:scope": "s3://b/p/", "secret-agent:generation": "1"}
    for size in (0, 1, 17, 4096):
        plaintext = os.urandom(size)
        for fmt in ("v2", "v3"):
            sealed = seal(fmt, data_key, b"blob", context, plaintext)
            assert open_object(sealed, data_key) == plaintext, f"{fmt} round trip of {size} bytes"
            tampered = dict(sealed, body_b64=b64(bytes([unb64(sealed["body_b64"], "body")[0] ^ 1])
                                                + unb64(sealed["body_b64"], "body")[1:]))
            try:
                open_object(tampered, data_key)
                raise AssertionError(f"{fmt}: a flipped body bit was accepted")
            except S3ecError:
                pass
            try:
                open_object(sealed, os.urandom(32))
                raise AssertionError(f"{fmt}: a wrong data key was accepted")
            except S3ecError:
                pass
    message_id = os.urandom(MESSAGE_ID_LEN)
    assert derive_v3(data_key, message_id) == derive_v3_by_hand(data_key, message_id), "HKDF cross-check"
    sealed = seal("v3", data_key, b"blob", context, b"x")
    assert set(sealed["metadata"]) == {"x-amz-c", "x-amz-3", "x-amz-w", "x-amz-d", "x-amz-i", "x-amz-t"}
    print_json({"selftest": "ok"})


def print_json(value):
    sys.stdout.write(json.dumps(value, indent=2, sort_keys=True) + "\n")


def write_bytes(data: bytes):
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def parser():
    p = argparse.ArgumentParser(prog="s3ec.py", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("seal")
    s.add_argument("--format", choices=["v2", "v3"], required=True)
    s.add_argument("--data-key", required=True)
    s.add_argument("--encrypted-key-b64", required=True)
    s.add_argument("--context", required=True)
    s.add_argument("--plaintext-file", required=True)
    s.add_argument("--iv-hex")
    s.add_argument("--message-id-hex")
    s.set_defaults(run=cmd_seal)

    o = sub.add_parser("open")
    o.add_argument("--data-key", required=True)
    o.add_argument("--object", required=True)
    o.set_defaults(run=cmd_open)

    kp = sub.add_parser("kms-put")
    kp.add_argument("--format", choices=["v2", "v3"], required=True)
    kp.add_argument("--bucket", required=True)
    kp.add_argument("--key", required=True)
    kp.add_argument("--kms-key-id", required=True)
    kp.add_argument("--context", required=True)
    kp.add_argument("--plaintext-file", required=True)
    kp.set_defaults(run=cmd_kms_put)

    kg = sub.add_parser("kms-get")
    kg.add_argument("--bucket", required=True)
    kg.add_argument("--key", required=True)
    kg.add_argument("--kms-key-id", required=True)
    kg.add_argument("--expect-context")
    kg.add_argument("--object-out")
    kg.set_defaults(run=cmd_kms_get)

    ck = sub.add_parser("create-key")
    ck.set_defaults(run=cmd_create_key)

    cb = sub.add_parser("create-bucket")
    cb.add_argument("--bucket", required=True)
    cb.add_argument("--versioned", action="store_true")
    cb.set_defaults(run=cmd_create_bucket)

    st = sub.add_parser("selftest")
    st.set_defaults(run=cmd_selftest)
    return p


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        args.run(args)
        return 0
    except Exception as error:  # one line, no stack, no values: the reader may hold secrets
        message = str(error).splitlines()[0] if str(error) else ""
        sys.stderr.write(f"s3ec.py {args.command}: {type(error).__name__}: {message}\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
