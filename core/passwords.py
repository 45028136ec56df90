"""The password policy: long enough, varied, not the user name, not breached, not the demo password."""

import re
from functools import cache
from pathlib import Path

MIN_LENGTH = 10
MAX_LENGTH = 200
MIN_DISTINCT = 5
DEMO_PASSWORD = "kpilot-demo"
BREACHED_FILE = Path(__file__).resolve().parent / "data" / "breached_passwords.txt"
_TRAILING = re.compile(r"[\d\W_]+$")


@cache
def breached_passwords() -> frozenset[str]:
    """The shipped list of passwords found in public breaches (lower case)."""
    lines = BREACHED_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _is_breached(password: str) -> bool:
    lowered = password.lower()
    stem = _TRAILING.sub("", lowered)  # "Password2024!" is "password" with decoration
    known = breached_passwords()
    return lowered in known or (len(stem) >= 4 and stem in known)


def password_problems(password: str, *, username: str, demo: bool) -> list[str]:
    """Why `password` may not be used by `username` (empty when it may)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"use at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        problems.append(f"use at most {MAX_LENGTH} characters")
    if len(set(password)) < MIN_DISTINCT:
        problems.append(f"use at least {MIN_DISTINCT} different characters")
    name = username.strip().lower()
    if len(name) >= 3 and name in password.lower():
        problems.append("must not contain the user name")
    if password == DEMO_PASSWORD:
        if not demo:
            problems.append("the demo password is only allowed in demo mode")
    elif _is_breached(password):
        problems.append("this password appears in lists of breached passwords; choose another")
    return problems
