"""Cloud Custodian's Azure and GCP providers on given resources, for remsim's differential test.

No emulator serves Azure Resource Manager or the GCP APIs, so Custodian runs here in process: its
own policy loading and schema validation, its own filters and its own actions, with only the
cloud's client replaced by one that records each call instead of sending it.

Reads {"policies": PATH, "resources": {TYPE: [RESOURCE, ...]}} on standard input (each resource
as the cloud's API describes it, which is what Custodian's filters see) and prints
{"matched": {POLICY: [INDEX, ...]}, "calls": {POLICY: [{"operation": ..., "parameters": ...}]}},
the indexes into the policy's type's list, each call named as remsim's operation catalog names it
(the GCP method, the Azure RBAC operation) with the parameters remsim gives that operation.
A policy file Custodian's schema refuses exits 2 with Custodian's message.
"""
import copy
import json
import sys
import tempfile
from unittest import mock

import yaml
from c7n.config import Config
from c7n.policy import PolicyCollection
from c7n.resources import load_resources
from c7n.schema import generate, validate

request = json.load(sys.stdin)
with open(request["policies"]) as f:
    data = yaml.safe_load(f)
load_resources(sorted({p["resource"].split(".")[0] + ".*" for p in data["policies"]}))
errors = validate(data, generate())
if errors:
    print("\n".join(str(e) for e in errors), file=sys.stderr)
    sys.exit(2)

from c7n_azure.utils import ResourceIdParser  # noqa: E402

calls = []


# GCP: every action reaches the API through Session.client(service, version, component) and the
# client's execute_command(method, params). `fields` and `projection` only shape the response.
class GCPClient:
    def __init__(self, service, component):
        self.prefix = f"{service}.{component}"

    def execute_command(self, op, params):
        params = {k: v for k, v in params.items() if k not in ("fields", "projection")}
        calls.append({"operation": f"{self.prefix}.{op}", "parameters": params})
        return {}

    def execute_query(self, op, params):
        return {}


class GCPSession:
    def client(self, service, version, component, **kw):
        return GCPClient(service, component)

    def get_default_project(self):
        return "project"


# Azure: an action calls client.GROUP.METHOD(args) on the resource type's SDK client. Each call
# Custodian's supported actions make, as remsim's operation and its parameters.
# A security rule's body names the rule again; remsim's call names it once, in `name`.
AZURE = {
    "storage_accounts.update": (
        "Microsoft.Storage/storageAccounts/write",
        lambda rg, name, body: {"resourceGroup": rg, "name": name, "body": body},
    ),
    "security_rules.begin_create_or_update": (
        "Microsoft.Network/networkSecurityGroups/securityRules/write",
        lambda rg, nsg, name, body: {
            "resourceGroup": rg,
            "networkSecurityGroupName": nsg,
            "name": name,
            "body": {k: v for k, v in body.items() if not (k == "name" and v == name)},
        },
    ),
}


class AzureGroup:
    def __init__(self, group):
        self.group = group

    def __getattr__(self, method):
        def call(*args, **kwargs):
            args = [a.serialize() if hasattr(a, "serialize") else a for a in args]
            name = f"{self.group}.{method}"
            if name in AZURE:
                operation, parameters = AZURE[name]
                calls.append({"operation": operation, "parameters": parameters(*args, **kwargs)})
            else:
                calls.append({"operation": f"unmapped Azure call {name}", "parameters": {"args": args}})

        return call


class AzureClient:
    def __getattr__(self, group):
        return AzureGroup(group)


matched = {}
made = {}
with tempfile.TemporaryDirectory() as out:
    for policy in PolicyCollection.from_data(data, Config.empty(output_dir=out)):
        policy.validate()
        manager = policy.resource_manager
        given = request["resources"].get(policy.resource_type, [])
        resources = copy.deepcopy(given)
        if policy.provider_name == "azure":
            for r in resources:
                r["resourceGroup"] = ResourceIdParser.get_resource_group(r["id"])
        index = {id(r): i for i, r in enumerate(resources)}
        del calls[:]
        if policy.provider_name == "azure":
            client = mock.patch.object(type(manager), "get_client", lambda self, *a, **k: AzureClient())
        else:
            client = mock.patch("c7n_gcp.actions.core.local_session", lambda factory: GCPSession())
        with client:
            found = manager.filter_resources(resources)
            for action in manager.actions:
                action.process(found)
        matched[policy.name] = [index[id(r)] for r in found]
        made[policy.name] = list(calls)

print(json.dumps({"matched": matched, "calls": made}, sort_keys=True))
