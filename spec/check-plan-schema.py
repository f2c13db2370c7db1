#!/usr/bin/env python3
"""Checks spec/plan.schema.json: that it is a valid JSON Schema (draft
2020-12), that spec/plan.example.json (written by the Swift test suite, see
PlanExampleTests) satisfies it, and that broken variants of it do not.

Needs: pip install jsonschema
"""
import copy
import json
import pathlib
import sys

import jsonschema

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main() -> int:
    schema = json.loads((ROOT / "spec" / "plan.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    example = json.loads((ROOT / "spec" / "plan.example.json").read_text())
    failures = 0
    for error in validator.iter_errors(example):
        print(f"plan.example.json: {error.json_path}: {error.message}")
        failures += 1

    def broken(name, edit):
        nonlocal failures
        doc = copy.deepcopy(example)
        edit(doc)
        if validator.is_valid(doc):
            print(f"broken variant accepted: {name}")
            failures += 1

    def set_(path, value):
        def edit(doc):
            target = doc
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
        return edit

    delete = next(i for i, c in enumerate(example["changes"]) if c["action"] == "delete")
    update = next(i for i, c in enumerate(example["changes"]) if c["action"] == "update")
    user = next(i for i, c in enumerate(example["changes"]) if c["kind"] == "User")
    tier = next(i for i, c in enumerate(example["changes"]) if c["kind"] == "Tier")
    broken("formatVersion 2", set_(["formatVersion"], 2))
    broken("summary missing", lambda d: d.pop("summary"))
    broken("fingerprint not sha256", set_(["liveFingerprint"], "md5:abc"))
    broken("createdAt with offset", set_(["createdAt"], "2026-06-01T12:00:00+02:00"))
    broken("delete with after", set_(["changes", delete, "after"], example["changes"][update]["after"]))
    broken("update without after", lambda d: d["changes"][update].pop("after"))
    broken("unknown action", set_(["changes", update, "action"], "replace"))
    broken("sensitive value shown", set_(["changes", user, "fields", 0, "before"], "$2b$12$leaked"))
    broken("null value", set_(["changes", tier, "fields", 0, "before"], None))
    broken("fractional value", set_(["changes", tier, "fields", 0, "after"], 1.5))
    broken("field change with neither side", set_(["changes", tier, "fields", 0], {"path": "quota"}))
    broken("unknown tier field", set_(["changes", tier, "after", "spec", "anonymousPul"], True))
    broken("invalid duration", set_(["changes", tier, "after", "spec", "retention", "keepPulledWithin"], "30 days"))
    broken("empty labels", set_(["changes", tier, "after", "labels"], {}))
    broken("no reasons", set_(["changes", tier, "reasons"], []))
    print(f"plan.example.json checked; {failures} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
