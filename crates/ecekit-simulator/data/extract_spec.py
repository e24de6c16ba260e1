#!/usr/bin/env python3
"""Extract what the coordinator simulator needs from the official ECE spec.

The simulator must not read the spec at run time, so this script copies the
parts it uses into data/ece-api-subset.json, which the crate embeds:

  * the request-body definitions it validates (and everything they reference),
    copied verbatim;
  * for each simulated operation: method, path, body definition, required
    header parameters, path-parameter enums, and the error codes per status
    (from the `x-cloud-error-codes` response headers).

Usage (from the repository root):
  python3 crates/ecekit-simulator/data/extract_spec.py            # rewrite the data file
  python3 crates/ecekit-simulator/data/extract_spec.py --check    # exit 1 if it is stale

The spec path defaults to ../shared/specs/ece-openapi.json next to the
repository; pass --spec PATH to use another copy. The Rust test
tests/spec_data.rs checks the same thing independently of this script.
"""

import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
DEFAULT_SPEC = os.path.normpath(os.path.join(REPO, "..", "shared", "specs", "ece-openapi.json"))
OUT = os.path.join(HERE, "ece-api-subset.json")

# Request bodies the simulator accepts (roots; referenced definitions follow).
BODY_DEFINITIONS = [
    "KeystoreContents",
    "LoginRequest",
    "SearchRequest",
    "SnapshotRepositoryConfiguration",
]
# Shapes the simulator writes, kept for reference and for the spec test.
REPLY_DEFINITIONS = ["BasicFailedReply", "TokenResponse", "RepositoryConfig"]

# operationId -> what the simulator implements.
OPERATIONS = [
    "login",
    "refresh-token",
    "list-deployments",
    "search-deployments",
    "get-deployment",
    "get-deployment-es-resource-keystore",
    "set-deployment-es-resource-keystore",
    "get-deployment-resource-proxy-requests",
    "post-deployment-resource-proxy-requests",
    "put-deployment-resource-proxy-requests",
    "delete-deployment-resource-proxy-requests",
    "get-snapshot-repositories",
    "get-snapshot-repository",
    "set-snapshot-repository",
]

REF = re.compile(r"#/definitions/([A-Za-z0-9_.-]+)")


def closure(definitions, roots):
    seen = []
    stack = list(roots)
    while stack:
        name = stack.pop(0)
        if name in seen:
            continue
        seen.append(name)
        stack.extend(REF.findall(json.dumps(definitions[name])))
    return sorted(seen)


def operation(spec, wanted):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method == "parameters" or op.get("operationId") != wanted:
                continue
            params = item.get("parameters", []) + op.get("parameters", [])
            body = None
            headers = []
            path_enums = {}
            for p in params:
                if p.get("in") == "body":
                    ref = p.get("schema", {}).get("$ref")
                    body = ref.split("/")[-1] if ref else p.get("schema", {}).get("type")
                elif p.get("in") == "header" and p.get("required"):
                    headers.append(p["name"])
                elif p.get("in") == "path" and "enum" in p:
                    path_enums[p["name"]] = p["enum"]
            errors = {}
            for status, reply in sorted(op.get("responses", {}).items()):
                codes = reply.get("headers", {}).get("x-cloud-error-codes", {}).get("enum")
                if codes:
                    errors[status] = codes
            return {
                "operationId": wanted,
                "method": method.upper(),
                "path": path,
                "body": body,
                "required_headers": headers,
                "path_enums": path_enums,
                "statuses": sorted(op.get("responses", {}).keys()),
                "errors": errors,
            }
    raise SystemExit(f"operation {wanted} not found in the spec")


def extract(spec):
    definitions = spec["definitions"]
    names = closure(definitions, BODY_DEFINITIONS + REPLY_DEFINITIONS)
    return {
        "source": {
            "file": "shared/specs/ece-openapi.json",
            "title": spec["info"]["title"],
            "version": spec["info"].get("version"),
            "basePath": spec["basePath"],
        },
        "body_definitions": BODY_DEFINITIONS,
        "definitions": {n: definitions[n] for n in names},
        "operations": [operation(spec, o) for o in OPERATIONS],
    }


def render(data):
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spec", default=DEFAULT_SPEC)
    ap.add_argument("--check", action="store_true", help="compare instead of writing")
    args = ap.parse_args()
    with open(args.spec, encoding="utf-8") as f:
        text = render(extract(json.load(f)))
    if args.check:
        with open(OUT, encoding="utf-8") as f:
            if f.read() != text:
                print(f"{OUT} is stale: run {sys.argv[0]} without --check", file=sys.stderr)
                return 1
        print("data file matches the spec")
        return 0
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
