"""Runs the agent inside the network namespace it was started in (unshare -n), where the ECS task-role address
169.254.170.2 is put on the namespace's own loopback: nothing can leave the namespace. One small HTTP server answers
the credentials request on 169.254.170.2:80 and stands in for S3 on 127.0.0.1 (404 NoSuchKey), recording who asked
what and which access key signed it. Prints one JSON line: the agent's exit code, its stderr, the requests."""
import http.server, json, subprocess, sys, threading

AGENT, RELATIVE_URI, KEY_ID = sys.argv[1], sys.argv[2], sys.argv[3]
seen = []

class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, code, body, content_type="application/json"):
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def record(self):
        auth = self.headers.get("Authorization") or ""
        signer = auth.split("Credential=")[1].split("/")[0] if "Credential=" in auth else None
        seen.append({"host": self.server.server_address[0], "method": self.command, "path": self.path, "signer": signer})

    def do_GET(self):
        self.record()
        if self.server.server_address[0] == "169.254.170.2" and self.path == RELATIVE_URI:
            self.reply(200, json.dumps({"AccessKeyId": KEY_ID, "SecretAccessKey": "secret-" + KEY_ID,
                                        "Token": "token-" + KEY_ID, "Expiration": "2099-01-01T00:00:00Z",
                                        "RoleArn": "arn:aws:iam::123456789012:role/task"}))
        else:
            self.reply(404, "<Error><Code>NoSuchKey</Code><Message>none</Message></Error>", "application/xml")

    do_HEAD = do_GET

def serve(address):
    server = http.server.ThreadingHTTPServer(address, Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server

subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
subprocess.run(["ip", "addr", "add", "169.254.170.2/32", "dev", "lo"], check=True)
serve(("169.254.170.2", 80))
s3 = serve(("127.0.0.1", 0))
env = {
    "PATH": "/usr/bin:/bin",
    "HOME": "/nonexistent",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": RELATIVE_URI,
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
    "AWS_CONFIG_FILE": "/nonexistent/config",
    "AWS_REGION": "us-east-1",
    "AWS_ENDPOINT_URL": "http://127.0.0.1:%d" % s3.server_address[1],
    "SECRET_AGENT_SOURCE": "s3://bucket/prod/",
    "SECRET_AGENT_KMS_KEY_ID": "alias/test",
    "SECRET_AGENT_MANIFEST": sys.argv[4],
    "SECRET_AGENT_DIR": sys.argv[5],
}
agent = subprocess.run([AGENT, "fetch"], env=env, capture_output=True, text=True, timeout=60)
print(json.dumps({"exit": agent.returncode, "stderr": agent.stderr, "requests": seen}))
