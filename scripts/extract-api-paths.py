#!/usr/bin/env python3
"""Derive crates/ecekit-core/data/api-paths.json from the official ECE / Elastic
Cloud OpenAPI (Swagger 2.0) specs.

The product must not read the specs at run time: this compact table is what
ecekit-core embeds (`api.rs`). One endpoint per line:

  method          upper case HTTP method
  path            path template relative to /api/v1, e.g. /deployments/{deployment_id}
  operation_id    the spec's operationId (identical in every spec that has the path)
  specs           which specs hold it: "ece" (current ECE, 3.8 / ms-112),
                  "ess" (Elastic Cloud), "ece-2.13" (ECE 2.13, before the
                  clusters API was removed)
  headers         required header parameters (e.g. X-Management-Request)
  body            body schema: a definition name, "string", or null for no body
  body_required   whether the body parameter is required
  enums           path parameters restricted to an enum (union over the specs)

headers, body, body_required and enums are left out when empty / null / false.

Usage: scripts/extract-api-paths.py [SPECS_DIR] [OUT]   (OUT "-" = stdout)
Defaults: /work/shared/specs and crates/ecekit-core/data/api-paths.json.
The test crates/ecekit-core/tests/api_spec.rs re-derives the same table from
the specs and fails when this file is stale.
"""
import json
import os
import sys

SPECS = [
    ("ece", "ece-openapi.json"),
    ("ess", "ess-openapi.json"),
    ("ece-2.13", "ece-2.13-legacy-openapi.json"),
]
METHODS = ["get", "put", "post", "patch", "delete", "head", "options"]


def compact(entry):
    """Leaves out the fields that hold their default (no headers, no body,
    body not required, no enums) to keep the embedded table small."""
    out = {}
    for name, value in entry.items():
        if name in ("headers", "enums", "body", "body_required") and not value:
            continue
        out[name] = value
    return out


def main():
    specs_dir = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/specs"
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        here, "..", "crates", "ecekit-core", "data", "api-paths.json")

    table = {}
    order = []
    for spec_name, file_name in SPECS:
        with open(os.path.join(specs_dir, file_name), encoding="utf-8") as f:
            spec = json.load(f)
        for path, item in spec["paths"].items():
            for method in METHODS:
                op = item.get(method)
                if op is None:
                    continue
                key = (method.upper(), path)
                params = item.get("parameters", []) + op.get("parameters", [])
                headers = sorted(p["name"] for p in params
                                 if p.get("in") == "header" and p.get("required"))
                body = None
                body_required = False
                for p in params:
                    if p.get("in") == "body":
                        schema = p.get("schema", {})
                        ref = schema.get("$ref")
                        body = ref.rsplit("/", 1)[-1] if ref else schema.get("type", "object")
                        body_required = bool(p.get("required"))
                enums = {p["name"]: p["enum"] for p in params
                         if p.get("in") == "path" and "enum" in p}
                entry = table.get(key)
                if entry is None:
                    # The first spec (ece, then ess, then ece-2.13) defines the entry.
                    entry = {
                        "method": key[0],
                        "path": path,
                        "operation_id": op.get("operationId", ""),
                        "specs": [],
                        "headers": headers,
                        "body": body,
                        "body_required": body_required,
                        "enums": {},
                    }
                    table[key] = entry
                    order.append(key)
                entry["specs"].append(spec_name)
                for name, values in enums.items():
                    merged = entry["enums"].setdefault(name, [])
                    for v in values:
                        if v not in merged:
                            merged.append(v)

    keys = sorted(order, key=lambda k: (k[1], METHODS.index(k[0].lower())))
    lines = [json.dumps(compact(table[k]), separators=(",", ":"), ensure_ascii=False)
             for k in keys]
    text = ('{"sources":{"ece":"ece-openapi.json (ECE 3.8.0, ms-112)",'
            '"ess":"ess-openapi.json (Elastic Cloud)",'
            '"ece-2.13":"ece-2.13-legacy-openapi.json (ECE 2.13.0)"},\n'
            '"endpoints":[\n' + ",\n".join(lines) + "\n]}\n")
    if out == "-":
        sys.stdout.write(text)
    else:
        with open(out, "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
