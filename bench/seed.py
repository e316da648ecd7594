#!/usr/bin/env python3
"""Seeds moto for bench/ and prepares the protocol floor's requests.

    python3 bench/seed.py store N          # bucket "bench" (versioned), alias/bench, N KMS blobs of 1 KiB
    python3 bench/seed.py floor N ENDPOINT WORK   # curl configs for N S3 GETs and N KMS Decrypts, via ENDPOINT

The blobs are what an entrypoint script with the aws CLI really fetches: s3://bench/blob/config-I.bin holds the
ciphertext of kms.encrypt over 1 KiB (KMS encrypts at most 4 KiB). The floor's requests are made before the clock
starts: each S3 GET is a pre-signed URL (SigV4 query signature), each KMS Decrypt a POST whose SigV4 Authorization,
X-Amz-Date and X-Amz-Target headers and JSON body (the blob, base64) are computed here. moto checks no signature, so
the floor's requests are real-sized and well-formed but their signatures are not verified by anyone.
"""
import base64, json, os, sys
import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest

REGION = "us-east-1"


def clients(endpoint):
    kw = dict(endpoint_url=endpoint, region_name=REGION)
    return boto3.client("s3", **kw), boto3.client("kms", **kw)


def store(n):
    s3, kms = clients(os.environ["AWS_ENDPOINT_URL"])
    s3.create_bucket(Bucket="bench")
    s3.put_bucket_versioning(Bucket="bench", VersioningConfiguration={"Status": "Enabled"})
    key = kms.create_key(Description="secret-agent bench")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/bench", TargetKeyId=key)
    for i in range(1, n + 1):
        plain = base64.b64encode(os.urandom(768))  # 1024 bytes
        blob = kms.encrypt(KeyId="alias/bench", Plaintext=plain)["CiphertextBlob"]
        s3.put_object(Bucket="bench", Key=f"blob/config-{i}.bin", Body=blob)


def floor(n, endpoint, work):
    s3, _ = clients(os.environ["AWS_ENDPOINT_URL"])
    signer_s3, _ = clients(endpoint)
    creds = boto3.Session().get_credentials()
    with open(f"{work}/floor-s3.cfg", "w") as s3cfg, open(f"{work}/floor-kms.cfg", "w") as kmscfg:
        for i in range(1, n + 1):
            key = f"blob/config-{i}.bin"
            url = signer_s3.generate_presigned_url("get_object", Params={"Bucket": "bench", "Key": key}, ExpiresIn=86400)
            # "next" between requests: options (above all data-binary) would otherwise carry over, and accumulate.
            sep = "next\n" if i > 1 else ""
            s3cfg.write(f'{sep}url = "{url}"\noutput = "{work}/floor-out/blob-{i}"\n')
            blob = s3.get_object(Bucket="bench", Key=key)["Body"].read()
            body = json.dumps({"CiphertextBlob": base64.b64encode(blob).decode()})
            req = AWSRequest(method="POST", url=endpoint + "/", data=body, headers={
                "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.Decrypt"})
            SigV4Auth(creds, "kms", REGION).add_auth(req)
            with open(f"{work}/floor-body-{i}.json", "w") as f:
                f.write(body)
            kmscfg.write(f'{sep}url = "{endpoint}/"\nrequest = "POST"\ndata-binary = "@{work}/floor-body-{i}.json"\n')
            for h, v in req.headers.items():
                kmscfg.write(f'header = "{h}: {v}"\n')
            kmscfg.write(f'output = "{work}/floor-out/plain-{i}.json"\n')


if __name__ == "__main__":
    if sys.argv[1] == "store":
        store(int(sys.argv[2]))
    else:
        floor(int(sys.argv[2]), sys.argv[3].rstrip("/"), sys.argv[4])
