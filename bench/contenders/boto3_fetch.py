#!/usr/bin/env python3
"""Contender (b): a parallel boto3 script, GET the KMS-encrypted blob then Decrypt it, all configs at once.

    boto3_fetch.py N DIR
"""
import concurrent.futures, sys
import boto3

n, target = int(sys.argv[1]), sys.argv[2]
session = boto3.session.Session()
s3, kms = session.client("s3"), session.client("kms")  # clients are thread-safe; one of each, as a script would


def one(i):
    blob = s3.get_object(Bucket="bench", Key=f"blob/config-{i}.bin")["Body"].read()
    plain = kms.decrypt(CiphertextBlob=blob)["Plaintext"]
    with open(f"{target}/config-{i}.json", "wb") as f:
        f.write(plain)


with concurrent.futures.ThreadPoolExecutor(max_workers=min(n, 32)) as pool:
    list(pool.map(one, range(1, n + 1)))
