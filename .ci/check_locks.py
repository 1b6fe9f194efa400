"""Fails when a lock no longer satisfies pyproject.toml (a range changed without `.ci/lock`), or when a README
quick-start command stops installing from its lock."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def pins(lock: Path) -> dict[str, str]:
    found = re.findall(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)", lock.read_text(), re.MULTILINE)
    return {canonicalize_name(name): version for name, version in found}


def main() -> int:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    runtime = project["project"]["dependencies"] + project["build-system"]["requires"]
    wanted = {
        "requirements.lock": runtime,
        "requirements-test.lock": runtime + project["project"]["optional-dependencies"]["test"],
    }
    problems = []
    for lock, requirements in wanted.items():
        pinned = pins(ROOT / lock)
        for line in requirements:
            req = Requirement(line)
            version = pinned.get(canonicalize_name(req.name))
            if version is None or not req.specifier.contains(version, prereleases=True):
                problems.append(f"{lock}: {req.name}=={version} does not satisfy {line!r}")
    readme = (ROOT / "README.md").read_text()
    for marker, lock in (("run-command", "requirements.lock"), ("test-command", "requirements-test.lock")):
        command = readme.split(f"<!-- {marker} -->", 1)[-1].strip().splitlines()[0]
        if f"--require-hashes -r {lock}" not in command:
            problems.append(f"README.md: the {marker} does not install from {lock} with --require-hashes")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("Refresh the locks with .ci/lock (see README.md, Dependencies).", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
