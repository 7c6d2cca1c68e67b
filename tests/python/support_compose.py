"""docker-compose.yml as compose reads it, for the tests of both tiers: the checkout's root, .env.example's values
and compose's own variable substitution."""
from __future__ import annotations

import re
from pathlib import Path

from dotenv import dotenv_values

ROOT = Path(__file__).resolve().parents[2]
VARIABLE = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}")
ENV = {k: v or "" for k, v in dotenv_values(ROOT / ".env.example").items()}


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error} substitution; $$ stays a literal $."""
    def value(match: re.Match[str]) -> str:
        name, op, arg = match.group(1), match.group(2), match.group(3)
        if env.get(name):
            return env[name]
        if op and op.endswith("?"):
            raise KeyError(f"{name}: {arg}")
        return arg or "" if op else ""
    return VARIABLE.sub(value, text.replace("$$", "\0")).replace("\0", "$")
