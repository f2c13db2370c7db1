#!/usr/bin/env python3
"""Generate a synthetic, valid Berth declarations repository for the reconciler benchmark.

    python3 bench/gen-declarations.py OUT_DIR --repositories 10000 --teams 500 --bindings 50000

Layout (one file per team, so the loader sees many files, as in a real monorepo of declarations):

    tiers/tiers.yaml          4 tiers (public, internal, confidential, restricted); the last two require signers
    signers/signers.yaml      3 signers, each with a real Ed25519 PEM public key made by openssl at generation time
    access/roles.yaml         4 roles (admin, maintainer, developer, guest)
    access/admins.yaml        one RoleBinding granting admin on "**" to team-0000
    repositories/catch-all.yaml  the "**" Repository
    people/users-NNN.yaml     users, 100 per file, bcrypt-shaped password hashes
    robots/robots.yaml        robot accounts (one per 10 teams), delivered to ssh-ed25519 keys (Ed25519 keys made by openssl)
    exceptions/exceptions.yaml   a few VulnerabilityExceptions (expiring 2099-12-31)
    teams/team-NNNN.yaml      per team: the Team, its Repositories (exact names team-NNNN/service-NNNN and the
                              glob "team-NNNN/*") and its RoleBindings

Every name a document refers to exists, every binding pattern matches a declared repository, and no two
globs of the same shape overlap, so `berth validate` reports 0 errors and 0 warnings.

The output is deterministic for given parameters and --seed (the PEM keys aside, which openssl makes fresh;
pass --keys-from DIR to reuse the keys of an earlier run, so two generated trees differ only where --change
says). --change PERCENT alters that percentage of the Repository declarations (retention.keepLast) and of
the RoleBindings (one more subject), for a "small commit" plan.
"""
import argparse
import base64
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile

API = "apiVersion: berth.dev/v1alpha1"
BCRYPT = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
ROLES = ["admin", "maintainer", "developer", "guest"]
# Non-admin roles only for team bindings, weighted towards the common ones.
BINDING_ROLES = ["maintainer"] * 3 + ["developer"] * 4 + ["guest"] * 3
TIERS = ["public", "internal", "confidential", "restricted"]
SIGNERS = ["release-pipeline", "security-team", "vendor-acme"]


def ed25519_public_pem() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        key = os.path.join(tmp, "k.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", key],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out = subprocess.run(["openssl", "pkey", "-in", key, "-pubout"], check=True, capture_output=True, text=True)
    pem = out.stdout.strip()
    assert pem.startswith("-----BEGIN PUBLIC KEY-----"), pem
    return pem


def ssh_ed25519_line(pem: str) -> str:
    """The OpenSSH form of an Ed25519 PEM public key: tokens are sealed in the age format, whose ssh-ed25519
    recipient takes this form (an Ed25519 PEM key is refused as a deliverTo key)."""
    der = base64.b64decode("".join(pem.splitlines()[1:-1]))
    raw = der[-32:]
    def string(data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + data
    return "ssh-ed25519 " + base64.b64encode(string(b"ssh-ed25519") + string(raw)).decode()


def block(pem: str, indent: int) -> str:
    pad = " " * indent
    return "\n".join(pad + line for line in pem.splitlines())


def doc(kind: str, name: str, spec: str, labels: str = "") -> str:
    quoted = f'"{name}"' if "*" in name else name
    meta = f"  name: {quoted}\n" + (f"  labels: {labels}\n" if labels else "")
    return f"{API}\nkind: {kind}\nmetadata:\n{meta}spec:\n{spec}"


def write(root: str, rel: str, docs: list) -> None:
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("---\n".join(d if d.endswith("\n") else d + "\n" for d in docs))


def spread(total: int, parts: int) -> list:
    """total split into `parts` near-equal non-negative integers."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out", help="output folder (replaced if it exists)")
    p.add_argument("--repositories", type=int, default=10_000, help="exact Repository declarations [10000]")
    p.add_argument("--teams", type=int, default=500, help="teams; each also gets a 'team-N/*' glob [500]")
    p.add_argument("--bindings", type=int, default=50_000, help="RoleBindings, including the one admin binding [50000]")
    p.add_argument("--users-per-team", type=int, default=4, help="users = teams x this [4]")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--change", type=float, default=0.0, help="percent of repositories and bindings to alter [0]")
    p.add_argument("--keys-from", help="reuse the PEM keys stored in DIR/.keys by an earlier run")
    a = p.parse_args()
    if a.teams < 1 or a.repositories < a.teams or a.bindings < a.teams + 1:
        p.error("need teams >= 1, repositories >= teams and bindings > teams")

    rng = random.Random(a.seed)
    n_users = a.teams * a.users_per_team
    n_robots = max(1, a.teams // 10)

    # Keys: 3 signers + robots. Kept in OUT/.keys (a dot folder: never read by berth) for --keys-from.
    keys = None
    if a.keys_from:
        with open(os.path.join(a.keys_from, ".keys")) as f:
            keys = [k.strip() + "\n-----END PUBLIC KEY-----" for k in f.read().split("-----END PUBLIC KEY-----") if k.strip()]
        if len(keys) < len(SIGNERS) + n_robots:
            p.error(f"--keys-from {a.keys_from}: only {len(keys)} keys")
    else:
        keys = [ed25519_public_pem() for _ in range(len(SIGNERS) + n_robots)]
    if os.path.exists(a.out):
        shutil.rmtree(a.out)
    os.makedirs(a.out)
    with open(os.path.join(a.out, ".keys"), "w") as f:
        f.write("\n".join(keys) + "\n")

    changed = lambda i: a.change > 0 and (i * a.change) % 100 < a.change  # every (100/change)-th item

    # ---------------------------------------------------------------- shared
    tiers = []
    for i, t in enumerate(TIERS):
        spec = [f"  description: Tier {t}.", f"  anonymousPull: {'true' if t == 'public' else 'false'}",
                "  scanning:",
                f"    vulnerabilities: {{onPush: {'warn' if t == 'public' else 'block'}, onPull: {'block' if i >= 2 else 'off'}, "
                f"threshold: {'critical' if i < 2 else 'high'}, rescanEvery: {7 if i == 0 else 1}d}}",
                "    secrets: {onPush: block}"]
        if i >= 2:
            spec.append(f"  signing: {{requiredSigners: [{', '.join(SIGNERS[:i - 1])}], minimum: 1}}")
        spec += [f"  retention: {{keepLast: {10 * (i + 1)}, keepPulledWithin: 30d, protect: [\"v*\", \"release-*\"]}}",
                 "  immutableTags: [\"v*\"]", f"  quota: {50 * (i + 1)}GiB"]
        tiers.append(doc("Tier", t, "\n".join(spec) + "\n", labels=f"{{sensitivity: level-{i}}}"))
    write(a.out, "tiers/tiers.yaml", tiers)

    write(a.out, "signers/signers.yaml", [
        doc("Signer", s, f"  description: Signer {s}.\n  publicKeys:\n    - |\n{block(keys[i], 6)}\n")
        for i, s in enumerate(SIGNERS)])

    perms = {"admin": "pull, push, delete, admin", "maintainer": "pull, push, delete", "developer": "pull, push", "guest": "pull"}
    write(a.out, "access/roles.yaml", [doc("Role", r, f"  description: The {r} role.\n  permissions: [{perms[r]}]\n") for r in ROLES])
    write(a.out, "access/admins.yaml", [doc("RoleBinding", "registry-admins",
                                            "  role: admin\n  repositories: [\"**\"]\n  subjects:\n    - {team: team-0000}\n")])
    write(a.out, "repositories/catch-all.yaml", [doc("Repository", "**", "  tier: internal\n  description: Anything else.\n")])

    users = [f"user-{i:05d}" for i in range(n_users)]
    for f0 in range(0, n_users, 100):
        docs = []
        for u in users[f0:f0 + 100]:
            h = "$2b$12$" + "".join(rng.choice(BCRYPT) for _ in range(53))
            docs.append(doc("User", u, f"  passwordHash: \"{h}\"\n  email: {u}@example.com\n"))
        write(a.out, f"people/users-{f0 // 100:03d}.yaml", docs)

    robots = [f"ci-{i:03d}" for i in range(n_robots)]
    write(a.out, "robots/robots.yaml", [
        doc("RobotAccount", r, f"  description: CI pipeline {r}.\n  expiresIn: 90d\n  rotateEvery: 30d\n"
                               f"  deliverTo:\n    recipientPublicKey: {ssh_ed25519_line(keys[len(SIGNERS) + i])}\n")
        for i, r in enumerate(robots)])

    # ---------------------------------------------------------------- per team
    teams = [f"team-{i:04d}" for i in range(a.teams)]
    repo_counts = spread(a.repositories, a.teams)
    binding_counts = spread(a.bindings - 1, a.teams)  # minus registry-admins
    repo_index = binding_index = 0
    exceptions = []
    for t, team in enumerate(teams):
        docs = []
        members = sorted(set(users[(t * a.users_per_team + k) % n_users] for k in range(a.users_per_team))
                         | set(rng.sample(users, 2)))
        docs.append(doc("Team", team, f"  description: Team {t}.\n  members: [{', '.join(members)}]\n"))
        tier = TIERS[t % len(TIERS)]
        docs.append(doc("Repository", f"{team}/*", f"  tier: {tier}\n  description: Every {team} service.\n"))
        repos = [f"{team}/service-{k:04d}" for k in range(repo_counts[t])]
        for name in repos:
            # Mostly the team's tier; one in 8 is one tier up (a more sensitive service).
            rtier = TIERS[min(len(TIERS) - 1, t % len(TIERS) + (1 if rng.random() < 0.125 else 0))]
            spec = f"  tier: {rtier}\n  description: Service {name}.\n"
            keep = rng.choice([None, None, 5, 20, 50])
            if changed(repo_index):
                keep = (keep or 0) + 7
            if keep is not None:
                spec += f"  retention: {{keepLast: {keep}}}\n"
            if rng.random() < 0.05:
                spec += "  immutableTags: [\"v*\", \"stable\"]\n"
            docs.append(doc("Repository", name, spec))
            repo_index += 1
        if t % 50 == 0 and repos:
            exceptions.append(doc("VulnerabilityException", f"cve-2024-45337-{team}",
                                  f"  vulnerability: CVE-2024-45337\n  repositories: [\"{team}/*\"]\n  expires: 2099-12-31\n"
                                  f"  reason: Not reachable in {team} services.\n  owner: {team}\n"))
        patterns = repos + [f"{team}/*"]
        for b in range(binding_counts[t]):
            role = rng.choice(BINDING_ROLES)
            repos_b = sorted(set(rng.sample(patterns, min(len(patterns), rng.randint(1, 3)))))
            subjects = [f"{{team: {team}}}"] if rng.random() < 0.5 else []
            subjects += [f"{{user: {u}}}" for u in rng.sample(members, min(len(members), rng.randint(0 if subjects else 1, 2)))]
            if rng.random() < 0.2:
                subjects.append(f"{{robot: {robots[t % n_robots]}}}")
            if changed(binding_index):
                extra = f"{{robot: {robots[(t + 1) % n_robots]}}}"
                if extra in subjects:
                    extra = f"{{team: {teams[(t + 1) % a.teams]}}}"
                subjects.append(extra)
            subj = "".join(f"\n    - {s}" for s in subjects)
            docs.append(doc("RoleBinding", f"{team}-b{b:05d}",
                            f"  role: {role}\n  repositories: [{', '.join(chr(34) + r + chr(34) for r in repos_b)}]\n  subjects:{subj}\n"))
            binding_index += 1
        write(a.out, f"teams/{team}.yaml", docs)
    if exceptions:
        write(a.out, "exceptions/exceptions.yaml", exceptions)

    files = sum(len(fs) for _, _, fs in os.walk(a.out)) - 1
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(a.out) for f in fs)
    print(f"{a.out}: {files} files, {size / 1e6:.1f} MB; {a.repositories} repositories + {a.teams + 1} globs, "
          f"{a.teams} teams, {n_users} users, {n_robots} robots, {a.bindings} bindings, change {a.change:g}%",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
