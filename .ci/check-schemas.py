"""Validates every shipped scenario, fixture and built-in policy against Schemas/*.schema.json."""
import glob
import json
import sys

import jsonschema
import yaml

checks = [
    ("Schemas/scenario.schema.json", sorted(glob.glob("Scenarios/**/*.yaml", recursive=True))),
    ("Schemas/fixture.schema.json", sorted(f for f in glob.glob("Fixtures/**/*.yaml", recursive=True) if not f.startswith("Fixtures/policies/"))),
    ("Schemas/policy.schema.json", sorted(glob.glob("Sources/PolicyPack/Policies/**/*.yaml", recursive=True) + glob.glob("Fixtures/policies/**/*.yaml", recursive=True))),
]
failures = 0
count = 0
for schema_path, files in checks:
    with open(schema_path) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in files:
        with open(path) as f:
            document = yaml.safe_load(f)
        count += 1
        for error in validator.iter_errors(document):
            failures += 1
            where = "/".join(str(p) for p in error.absolute_path)
            print(f"{path}: {where}: {error.message[:300]}")
print(f"schemas: {count} files checked, {failures} problems")
sys.exit(1 if failures or count == 0 else 0)
