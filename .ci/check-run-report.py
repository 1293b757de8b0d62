"""Runs remsim as a CI job would under GitHub Actions, on a suite with one failing scenario, and
checks what it writes: the JSON report is exactly one document valid against
Schemas/run-report.schema.json, the JUnit report is read by junitparser and the SARIF log by
sarif-pydantic (consumers from PyPI) with the right counts and places, and the annotations are on
standard error, never in the reports.

Usage: check-run-report.py REMSIM_BINARY
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import jsonschema
import junitparser
import sarif_pydantic

binary = os.path.abspath(sys.argv[1])
root = os.getcwd()
problems = []


def check(condition, what):
    if not condition:
        problems.append(what)


with tempfile.TemporaryDirectory() as work:
    shutil.copytree(os.path.join(root, "Fixtures"), os.path.join(work, "Fixtures"))
    os.makedirs(os.path.join(work, "Scenarios"))
    for name in ["ssh-opened-to-world-is-closed.yaml", "public-access-block-restored.yaml"]:
        shutil.copy(os.path.join(root, "Scenarios", name), os.path.join(work, "Scenarios", name))
    failing = os.path.join(work, "Scenarios", "ssh-opened-to-world-is-closed.yaml")
    with open(failing) as f:
        text = f.read()
    assert "p95: {le: 5m}" in text
    with open(failing, "w") as f:
        f.write(text.replace("p95: {le: 5m}", "p95: {le: 30s}"))
    env = dict(os.environ, GITHUB_ACTIONS="true", NO_COLOR="1")

    def run(fmt, db):
        return subprocess.run([binary, "run", "Scenarios", "--format", fmt, "--db", db], cwd=work, env=env,
                              capture_output=True, text=True)

    report = run("json", "json.sqlite")
    check(report.returncode == 1, f"json run: exit {report.returncode}, expected 1")
    try:
        document = json.loads(report.stdout)
    except json.JSONDecodeError as e:
        problems.append(f"the JSON report is not one JSON document: {e}")
        document = None
    if document is not None:
        with open(os.path.join(root, "Schemas", "run-report.schema.json")) as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        for error in jsonschema.Draft202012Validator(schema).iter_errors(document):
            problems.append(f"run report: {'/'.join(map(str, error.absolute_path))}: {error.message[:200]}")
        check(document.get("passed") is False, "the JSON report does not say the run failed")
    check("::error file=Scenarios/ssh-opened-to-world-is-closed.yaml,line=" in report.stderr,
          "no annotation for the failed assertion on standard error")
    check("::" not in report.stdout, "an annotation went to standard output")

    junit = run("junit", "junit.sqlite")
    check(junit.returncode == 1, f"junit run: exit {junit.returncode}, expected 1")
    path = os.path.join(work, "report.xml")
    with open(path, "w") as f:
        f.write(junit.stdout)
    xml = junitparser.JUnitXml.fromfile(path)
    suites = list(xml) if isinstance(xml, junitparser.JUnitXml) else [xml]
    cases = [case for suite in suites for case in suite]
    check(len(cases) == 2, f"junitparser read {len(cases)} test cases, expected 2")
    failed = [case for case in cases if not case.is_passed]
    check([c.name for c in failed] == ["ssh-opened-to-world-is-closed"], f"failed cases: {[c.name for c in failed]}")
    check(all(c.classname.startswith("Scenarios.") and not c.classname.endswith(".yaml") for c in cases),
          f"class names: {[c.classname for c in cases]}")
    check(sum(c.time for c in cases) > 0, f"times: {[c.time for c in cases]}")
    check("::" not in junit.stdout, "an annotation went into the JUnit report")

    sarif = run("sarif", "sarif.sqlite")
    check(sarif.returncode == 1, f"sarif run: exit {sarif.returncode}, expected 1")
    try:
        log = sarif_pydantic.Sarif.model_validate_json(sarif.stdout)
        results = log.runs[0].results or []
        check(log.version == "2.1.0", f"SARIF version {log.version}")
        check([r.rule_id for r in results] == ["remsim/assertion-failed"], f"SARIF results: {[r.rule_id for r in results]}")
        place = results[0].locations[0].physical_location if results else None
        check(place is not None and place.artifact_location.uri == "Scenarios/ssh-opened-to-world-is-closed.yaml"
              and place.region.start_line > 0, f"SARIF location: {place}")
    except Exception as e:  # a log sarif-pydantic refuses
        problems.append(f"the SARIF log is not SARIF 2.1.0: {str(e)[:300]}")
    check("::" not in sarif.stdout, "an annotation went into the SARIF log")

for problem in problems:
    print(f"run report: {problem}")
print(f"run report: JSON, JUnit and SARIF checked, {len(problems)} problems")
sys.exit(1 if problems else 0)
