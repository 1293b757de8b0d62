"""Cloud Custodian's own value filter on test cases, for remsim's differential test.

Reads a JSON list of cases ({"filter": {...}, "resource": {...}}) on standard input and prints a
JSON list with, for each, true or false (the filter's verdict), "invalid" (the filter fails
Custodian's validation) or "error" (Custodian raises while evaluating it).
"""
import json
import sys

from c7n.exceptions import PolicyValidationError
from c7n.filters.core import ValueFilter


def verdict(case):
    try:
        f = ValueFilter(dict(case["filter"]), None)
        f.validate()
    except (PolicyValidationError, ValueError, TypeError):
        return "invalid"
    try:
        return bool(f(json.loads(json.dumps(case["resource"]))))
    except Exception:
        return "error"


print(json.dumps([verdict(c) for c in json.load(sys.stdin)]))
