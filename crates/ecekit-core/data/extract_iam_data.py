#!/usr/bin/env python3
"""Regenerates s3-actions.json and iam-policy.json from parliament's IAM data.

Usage: python3 extract_iam_data.py path/to/parliament/iam_definition.json

The source is duo-labs/parliament 1.6.4 (PyPI), whose iam_definition.json is
built from the AWS Service Authorization Reference. Only what the policy
validator needs is kept: the whole S3 action table (access level, resource
types, condition keys), the KMS actions, the list of service prefixes and the
condition operators. The hand-written parts (global condition keys, API
operation names, the snapshot action lists, quotas) are kept from the current
files, so run this from the data directory.
"""
import json
import re
import sys
from collections import Counter

SRC = "duo-labs/parliament 1.6.4 iam_definition.json (from the AWS Service Authorization Reference)"


def service(defs, prefix):
    return [s for s in defs if s["prefix"] == prefix][0]


def collapse(key):
    """kms:RecipientAttestation:PCR0..PCR31 -> one pattern key (the validator reads <...> as "any tail")."""
    m = re.match(r"^(.*:PCR)[0-9]+$", key)
    return m.group(1) + "<n>" if m else key


def action_entry(priv, common=None):
    resources = [r["resource_type"] for r in priv["resource_types"] if r["resource_type"]]
    keys = set()
    for r in priv["resource_types"]:
        keys |= {collapse(k) for k in r["condition_keys"]}
    entry = {"access": priv["access_level"], "resources": resources}
    if common is not None:
        extra = sorted(keys - common)
        without = sorted(common - keys)
        if extra:
            entry["conditions"] = extra
        if without:
            entry["without"] = without
    return entry


def common_keys(svc, share):
    """Condition keys that at least `share` of the service's actions support."""
    counts = Counter()
    for p in svc["privileges"]:
        keys = set()
        for r in p["resource_types"]:
            keys |= set(r["condition_keys"])
        counts.update(keys)
    return {k for k, n in counts.items() if n >= share * len(svc["privileges"])}


def dump_compact(value):
    """Two levels of indentation, then one line per entry: readable diffs, small file."""
    lines = ["{"]
    items = list(value.items())
    for i, (k, v) in enumerate(items):
        comma = "," if i + 1 < len(items) else ""
        if isinstance(v, dict):
            lines.append(" %s: {" % json.dumps(k))
            inner = list(v.items())
            for j, (k2, v2) in enumerate(inner):
                c2 = "," if j + 1 < len(inner) else ""
                lines.append("  %s: %s%s" % (json.dumps(k2), json.dumps(v2, separators=(",", ":")), c2))
            lines.append(" }" + comma)
        else:
            lines.append(" %s: %s%s" % (json.dumps(k), json.dumps(v, separators=(",", ":")), comma))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    defs = json.load(open(sys.argv[1]))
    s3 = service(defs, "s3")
    common = common_keys(s3, 0.9)

    old = json.load(open("s3-actions.json"))
    out = {
        "$comment": "S3 actions for the IAM policy validator. Regenerate with extract_iam_data.py.",
        "source": SRC,
        "resource_types": {r["resource"]: r["arn"] for r in s3["resources"]},
        "condition_keys": {c["condition"]: c["type"] for c in s3["conditions"]},
        "common_condition_keys": sorted(common),
        "actions": {p["privilege"]: action_entry(p, common) for p in s3["privileges"]},
        "api_operations": old["api_operations"],
        "snapshot": old["snapshot"],
    }
    with open("s3-actions.json", "w") as f:
        f.write(dump_compact(out))

    kms = service(defs, "kms")
    old = json.load(open("iam-policy.json"))
    old["services"] = sorted({s["prefix"] for s in defs})
    kms_common = common_keys(kms, 0.4)
    old["kms"] = {
        "resource_types": {r["resource"]: r["arn"] for r in kms["resources"]},
        "condition_keys": {collapse(c["condition"]): c["type"] for c in kms["conditions"]},
        "common_condition_keys": sorted(kms_common),
        "actions": {p["privilege"]: action_entry(p, kms_common) for p in kms["privileges"]},
    }
    with open("iam-policy.json", "w") as f:
        f.write(dump_compact(old))


if __name__ == "__main__":
    main()
