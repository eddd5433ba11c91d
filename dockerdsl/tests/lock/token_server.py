"""A bearer-token service for Debian's docker-registry (`auth: token`), for the lock tests.

Usage: token_server.py PORT_FILE KEY_PEM CERT_PEM USER PASSWORD

Listens on 127.0.0.1, on a free port it writes to PORT_FILE. `GET /token?service=S&scope=S`
answers as Docker Hub's token service does: with the HTTP basic credentials USER:PASSWORD, a
token granting the scopes asked for; without credentials (anonymous), a token granting `pull`
on repositories under `public/` only; with other credentials, 401. The token is a JWT signed
RS256 with KEY_PEM (by the openssl command), CERT_PEM in its `x5c` header, which the registry
checks against its `rootcertbundle`. Python's standard library only.
"""
import base64, http.server, json, os, subprocess, sys, time, urllib.parse

port_file, key, cert, user, password = sys.argv[1:6]
der = subprocess.run(["openssl", "x509", "-in", cert, "-outform", "DER"], check=True, capture_output=True).stdout

def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

def token(service, scopes, anonymous):
    access = []
    for scope in scopes:
        parts = scope.split(":")
        if len(parts) == 3 and parts[0] == "repository":
            actions = parts[2].split(",")
            if anonymous:
                actions = [a for a in actions if a == "pull" and parts[1].startswith("public/")]
            access.append({"type": "repository", "name": parts[1], "actions": actions})
    now = int(time.time())
    header = {"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(der).decode()]}
    claims = {"iss": "dockerdsl-test-issuer", "sub": user, "aud": service, "exp": now + 600,
              "nbf": now - 10, "iat": now, "jti": str(time.time_ns()), "access": access}
    signing_input = b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=signing_input.encode(),
                         check=True, capture_output=True).stdout
    return signing_input + "." + b64(sig)

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        given = self.headers.get("Authorization")
        if url.path != "/token":
            self.send_error(404)
        elif given is not None and given != expected:
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}')
        else:
            body = json.dumps({"token": token(query.get("service", [""])[0], query.get("scope", []), given is None)}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args):
        pass

server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
