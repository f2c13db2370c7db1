#!/usr/bin/env python3
"""Checks spec/declarations.schema.json: that it is a valid JSON Schema
(draft 2020-12), that every document under examples/ satisfies it, and that a
few broken documents do not.

Needs: pip install jsonschema pyyaml
"""
import json
import pathlib
import re
import sys

import jsonschema
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent


class CoreLoader(yaml.SafeLoader):
    """YAML 1.2 core-ish scalars, as Berth reads them: only true/false are
    booleans (not yes/no/on/off) and dates stay strings."""


CoreLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for first in "tTfF":
    CoreLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), [first])


def main() -> int:
    schema = json.loads((ROOT / "spec" / "declarations.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    failures = 0
    count = 0
    for path in sorted((ROOT / "examples").rglob("*.y*ml")):
        for doc in yaml.load_all(path.read_text(), Loader=CoreLoader):
            if doc is None:
                continue
            count += 1
            for error in validator.iter_errors(doc):
                failures += 1
                print(f"{path.relative_to(ROOT)}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
    # Kinds that examples/ does not declare (a Webhook there would make `make run` deliver to nowhere).
    webhook = {"apiVersion": "berth.dev/v1alpha1", "kind": "Webhook", "metadata": {"name": "security-feed"},
               "spec": {"url": "https://hooks.example.com/berth", "events": ["manifest-push", "verdict-change"],
                        "repositories": ["payments/*"], "secretRef": {"env": "BERTH_WEBHOOK_SECURITY"}, "timeout": "10s"}}
    for error in validator.iter_errors(webhook):
        failures += 1
        print(f"the Webhook of declarations.md: {'/'.join(map(str, error.absolute_path))}: {error.message}")

    def webhook_with(**spec):
        return {**webhook, "spec": {**webhook["spec"], **spec}}

    broken = [
        webhook_with(url="https://user:password@hooks.example.com/berth"),
        webhook_with(secretRef={"env": "BERTH_WEBHOOK_SECURITY", "file": "/etc/berth/webhook.key"}),
        webhook_with(events=["manifest-pushed"]),
        webhook_with(timeout="2m"),
        {"apiVersion": "berth.dev/v1alpha1", "kind": "Tier", "metadata": {"name": "t"},
         "spec": {"scanning": {"vulnerabilities": {"onpush": "block"}}}},
        {"apiVersion": "berth.dev/v1alpha1", "kind": "User", "metadata": {"name": "u"},
         "spec": {"password": "hunter2"}},
        {"apiVersion": "berth.dev/v1alpha1", "kind": "Repository", "metadata": {"name": "Web/Shop-*"},
         "spec": {"tier": "internal"}},
        {"apiVersion": "berth.dev/v1alpha1", "kind": "RoleBinding", "metadata": {"name": "b"},
         "spec": {"role": "r", "repositories": ["a/*"], "subjects": [{"user": "a", "team": "b"}]}},
    ]
    for doc in broken:
        if validator.is_valid(doc):
            failures += 1
            print(f"a broken document passed the schema: {doc}")
    print(f"schema valid; {count} example documents and 1 Webhook checked; {len(broken)} broken documents rejected; {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
