#!/usr/bin/env bash
# Contender (a): what an entrypoint script does with the aws CLI, one config after the other:
# `aws s3 cp` the KMS-encrypted blob, then `aws kms decrypt` it into the target.   aws-cli.sh N DIR
set -euo pipefail
n=$1 dir=$2 aws=${AWS_CLI:-aws}
for i in $(seq "$n"); do
    "$aws" s3 cp --quiet "s3://bench/blob/config-$i.bin" "$dir/config-$i.bin"
    "$aws" kms decrypt --ciphertext-blob "fileb://$dir/config-$i.bin" --query Plaintext --output text | base64 -d >"$dir/config-$i.json"
    rm -f "$dir/config-$i.bin"
done
