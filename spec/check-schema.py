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
    broken = [
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
    print(f"schema valid; {count} example documents checked; {len(broken)} broken documents rejected; {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
