#!/usr/bin/env python3
"""Serves a directory on loopback the way `make run` needs: like
`python3 -m http.server`, and a file's precompressed `FILE.gz` (dist/web
ships one per file, see scripts/assemble.py) when the browser accepts gzip.

    python3 scripts/serve.py PORT HOST DIR
"""
import functools
import os
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer


def accepts_gzip(header: str) -> bool:
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() == "gzip":
            q = params.strip().removeprefix("q=").strip()
            try:
                return not q or float(q) > 0
            except ValueError:
                return False
    return False


class PrecompressedHandler(SimpleHTTPRequestHandler):
    def send_head(self):
        path = self.translate_path(self.path)
        if self.path.split("?", 1)[0].endswith("/"):
            path = os.path.join(path, "index.html")
        packed = f"{path}.gz"
        if not (os.path.isfile(path) and os.path.isfile(packed)
                and accepts_gzip(self.headers.get("Accept-Encoding", ""))):
            return super().send_head()
        f = open(packed, "rb")
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(os.fstat(f.fileno()).st_size))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return f


def main() -> None:
    port, host, directory = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    handler = functools.partial(PrecompressedHandler, directory=directory)
    with ThreadingHTTPServer((host, port), handler) as server:
        # Port 0 picks a free one: print the one taken.
        print(f"Serving {directory} on http://{host}:{server.server_address[1]}/", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
