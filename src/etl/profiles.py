"""Profiles: where each service is (etl-profiles.json), the same format and rules as extension/core/profiles/.

The active profile is ETL_PROFILE (the environment wins over .env); empty or `local`: today's services on
ETL_BIND_HOST with the ports of .env. A profile places each service (s3, spark, elasticsearch, airflow, lineage):
`local`, `compose` or `external` with its endpoint. Secrets are never in the file, only the NAME of the
environment variable holding them (`…Env` fields). tests/fixtures/profiles/cases.json holds the cases the
TypeScript and Python loaders must agree on. Resolved profiles are plain dicts with the TypeScript field names.
"""
from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from etl.contract import PROJECT_ROOT

PROFILE_FILE = "etl-profiles.json"
LOCAL = "local"
MODES = ("local", "compose", "external")
SCHEMA_FILE = PROJECT_ROOT / "config" / "profiles.schema.json"


def _field_table(schema: dict[str, Any]) -> tuple[dict[str, dict[str, Any]], dict[str, list[str]]]:
    """Each service's fields and their kinds (the definition a field refers to, or its enum as a tuple), and
    what an external service cannot do without: from config/profiles.schema.json, the table TypeScript reads too."""
    definitions = schema["definitions"]
    fields: dict[str, dict[str, Any]] = {}
    required: dict[str, list[str]] = {}
    for service, spec in definitions["profile"]["properties"].items():
        if "$ref" not in spec:  # description, $comment
            continue
        section = definitions[spec["$ref"].rsplit("/", 1)[-1]]
        fields[service] = {name: tuple(spec["enum"]) if "enum" in spec else spec["$ref"].rsplit("/", 1)[-1]
                           for name, spec in section["properties"].items() if name not in ("mode", "$comment")}
        required[service] = next(part["then"]["required"] for part in section["allOf"] if "then" in part)
    return fields, required


@cache
def field_table() -> tuple[dict[str, dict[str, Any]], dict[str, list[str]]]:
    """The fields and required-when-external fields of config/profiles.schema.json, read once when first needed."""
    return _field_table(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
SECRET_FIELDS = {"accessKey", "secretKey", "secret", "password", "token", "apiKey", "sessionToken"}
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
README = 'see README "Run against your cluster"'


class ProfileError(ValueError):
    """The profile file or the active profile is wrong; the message names the file and the field."""


def profile_file(root: Path, values: dict[str, str]) -> Path:
    named = (values.get("ETL_PROFILES_FILE") or "").strip()
    return (root / named) if named else root / PROFILE_FILE  # an absolute `named` wins over the root


def read_profiles(file: Path) -> dict[str, dict[str, Any]]:
    if not file.exists():
        return {}
    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
    except ValueError as error:
        raise ProfileError(f"{file} is not valid JSON ({error}); fix the file ({README})") from None
    return parse_profile_file(raw, str(file))


def parse_profile_file(raw: Any, file: str) -> dict[str, dict[str, Any]]:
    def fail(where: str, what: str, hint: str) -> ProfileError:
        return ProfileError(f"{file}: {where} {what}; {hint}")

    if not isinstance(raw, dict) or not isinstance(raw.get("profiles"), dict):
        raise fail("the top level", 'has no "profiles" object',
                   f'write {{"profiles": {{"<name>": {{...}}}}}}, {README}')
    for key in raw:
        if key not in ("profiles", "$schema", "$comment"):
            raise fail(f'top-level field "{key}"', "is not known", 'only "profiles" (and "$comment") belong there')
    profiles = {}
    for name, body in raw["profiles"].items():
        if name == LOCAL:
            raise fail(f'profile "{name}"', "is reserved", f'"{LOCAL}" is the implicit profile (.env); rename it')
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", name):
            raise fail(f'profile "{name}"', "has an invalid name", 'use letters, digits, ".", "_" and "-"')
        profiles[name] = _parse_profile(body, f'profile "{name}"', fail)
    return profiles


def _parse_profile(body: Any, where: str, fail) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise fail(where, "is not an object", 'give each service a section: {"s3": {...}}')
    fields = field_table()[0]
    profile: dict[str, Any] = {service: {"mode": "local"} for service in fields}
    for key, value in body.items():
        if key in ("description", "$comment"):
            if not isinstance(value, str):
                raise fail(f'{where} field "{key}"', "is not a string", "write text")
            if key == "description":
                profile["description"] = value
            continue
        if key not in fields:
            raise fail(f'{where} field "{key}"', "is not known", f"known: description, {', '.join(fields)}")
        profile[key] = _parse_service(key, value, f"{where} {key}", fail)
    return profile


def _parse_service(service: str, body: Any, where: str, fail) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise fail(where, "is not an object", 'write {"mode": "external", ...}')
    fields, required = field_table()[0][service], field_table()[1]
    mode = body.get("mode", "local")
    if mode not in MODES:
        raise fail(f"{where}.mode", f"is {json.dumps(mode)}", f"use one of {', '.join(MODES)}")
    out: dict[str, Any] = {"mode": mode}
    for field, value in body.items():
        if field in ("mode", "$comment"):
            continue
        if field in SECRET_FIELDS:
            raise fail(f"{where}.{field}", "holds a secret in the file",
                       f'remove it; set "{field}Env" to the NAME of an environment variable that holds it '
                       f"(secrets never go in {PROFILE_FILE})")
        kind = fields.get(field)
        if kind is None:
            raise fail(f"{where}.{field}", "is not known", f"known: mode, {', '.join(fields)}")
        if mode != "external":
            raise fail(f"{where}.{field}", f'is set but mode is "{mode}"', "only an external service takes settings")
        out[field] = _check(kind, value, f"{where}.{field}", fail)
    missing = [f for f in required[service] if f not in out] if mode == "external" else []
    if missing:
        raise fail(where, f"is external but lacks {', '.join(missing)}", README)
    if out.get("deployMode") == "cluster":
        raise fail(f"{where}.deployMode", 'is "cluster"', "Spark standalone cannot run a Python application in "
                   'cluster deploy mode; use "client" and set driverHost')
    return out


def _check(kind: Any, value: Any, where: str, fail) -> Any:
    if kind == "port":
        if type(value) is not int or not 0 < value < 65536:
            raise fail(where, f"is {json.dumps(value)}, not a TCP port", "use a number from 1 to 65535")
        return value
    if kind == "buckets":
        if not isinstance(value, dict):
            raise fail(where, "is not an object", 'write {"rawzone": "...", "gold": "..."}')
        for key, name in value.items():
            if key not in ("rawzone", "gold"):
                raise fail(f"{where}.{key}", "is not known", "known: rawzone, gold")
            if not isinstance(name, str) or not BUCKET.match(name):
                raise fail(f"{where}.{key}", f"is {json.dumps(name)}, not an S3 bucket name",
                           "use 3-63 lowercase letters, digits, dots or hyphens")
        return dict(value)
    if not isinstance(value, str) or not value.strip():
        raise fail(where, "is not a non-empty string", "write text")
    if isinstance(kind, tuple) and value not in kind:
        raise fail(where, f'is "{value}"', f"use one of {', '.join(kind)}")
    if kind == "env" and not ENV_NAME.match(value):
        # Never echo it: a value here is most likely the secret itself.
        raise fail(where, "is not an environment variable name",
                   "name the variable that holds the value (letters, digits, _), never the value itself")
    if kind == "http" and not re.match(r"^https?://[^/\s]+", value):
        raise fail(where, f'is "{value}", not an http(s) URL', "for example https://s3.eu-west-1.amazonaws.com")
    if kind == "spark" and not re.match(r"^spark://[^/\s:]+:\d+$", value):
        raise fail(where, f'is "{value}", not a Spark master URL', "for example spark://spark-master.example.com:7077")
    return value.strip()


def active_name(values: dict[str, str]) -> str:
    return (values.get("ETL_PROFILE") or "").strip() or LOCAL


def resolve_profile(root: Path, values: dict[str, str], local: dict[str, Any]) -> dict[str, Any]:
    """The active profile, endpoints resolved. `local`: bindHost, minioApiPort, region, buckets,
    sparkMasterPort, sparkMasterUiPort, esPort, airflowPort, minioCertsDir (as LocalEndpoints in TypeScript)."""
    name = active_name(values)
    implicit = local_profile(root, local)
    if name == LOCAL:
        return implicit
    file = profile_file(root, values)
    if not file.exists():
        raise ProfileError(f"ETL_PROFILE={name}, but the profile file {file} does not exist; create it ({README}) "
                           f"or run `etl profile use {LOCAL}`")
    profiles = read_profiles(file)
    if name not in profiles:
        raise ProfileError(f'ETL_PROFILE={name}, but {file} has no profile "{name}"; known: '
                           f"{', '.join([LOCAL, *profiles])} (`etl profile list`)")
    return _apply(root, name, file, profiles[name], implicit)


def _apply(root: Path, name: str, file: Path, profile: dict[str, Any], implicit: dict[str, Any]) -> dict[str, Any]:
    resolved: dict[str, Any] = {"name": name, "file": str(file), "description": profile.get("description")}
    s3 = profile["s3"]
    resolved["s3"] = _external_s3(root, file, name, s3, implicit["s3"]) if s3["mode"] == "external" \
        else {**implicit["s3"], "mode": s3["mode"]}
    spark = profile["spark"]
    resolved["spark"] = dict(spark) if spark["mode"] == "external" else {**implicit["spark"], "mode": spark["mode"]}
    for service in ("elasticsearch", "airflow"):
        section = profile[service]
        url = section["url"] if section["mode"] == "external" else implicit[service]["url"]
        resolved[service] = {"mode": section["mode"], "url": url}
    lineage = profile["lineage"]  # a lineage server, or (local) only the event files
    resolved["lineage"] = {"mode": lineage["mode"]}
    if lineage["mode"] == "external":
        resolved["lineage"].update(url=lineage["url"].rstrip("/"), apiKeyEnv=lineage.get("apiKeyEnv"))
    return resolved


def _external_s3(root: Path, file: Path, name: str, s3: dict[str, Any], local: dict[str, Any]) -> dict[str, Any]:
    url = urlsplit(s3["endpoint"])
    secure = url.scheme == "https"
    ca_file = str(root / s3["caFile"]) if s3.get("caFile") else None
    if ca_file and not Path(ca_file).exists():
        raise ProfileError(f'{file}: profile "{name}" s3.caFile {ca_file} does not exist; point caFile at the PEM '
                           "file of the CA that signed the S3 endpoint's certificate")
    if ca_file and not secure:
        raise ProfileError(f'{file}: profile "{name}" s3.caFile is set but s3.endpoint {s3["endpoint"]} is plain '
                           "http; use the https:// endpoint, or remove caFile")
    buckets = s3.get("buckets", {})
    return {
        "mode": "external", "endpoint": f"{url.scheme}://{url.netloc}", "secure": secure, "host": url.hostname,
        "port": url.port or (443 if secure else 80), "caFile": ca_file,
        "pathStyle": s3.get("addressing", "path") == "path", "region": s3.get("region") or local["region"],
        "buckets": {"rawzone": buckets.get("rawzone", local["buckets"]["rawzone"]),
                    "gold": buckets.get("gold", local["buckets"]["gold"])},
        "accessKeyEnv": s3["accessKeyEnv"], "secretKeyEnv": s3["secretKeyEnv"],
    }


def local_profile(root: Path, local: dict[str, Any]) -> dict[str, Any]:
    host = local["bindHost"]
    certs = root / local["minioCertsDir"] if local.get("minioCertsDir") else None
    ca = certs / "CAs" / "ca.crt" if certs else None
    secure = certs is not None
    return {
        "name": LOCAL,
        "s3": {"mode": "local", "endpoint": f"{'https' if secure else 'http'}://{host}:{local['minioApiPort']}",
               "secure": secure, "host": host, "port": local["minioApiPort"],
               "caFile": str(ca) if ca and ca.exists() else None, "pathStyle": True, "region": local["region"],
               "buckets": dict(local["buckets"])},
        "spark": {"mode": "local", "masterUrl": f"spark://{host}:{local['sparkMasterPort']}",
                  "uiUrl": f"http://{host}:{local['sparkMasterUiPort']}"},
        "elasticsearch": {"mode": "local", "url": f"http://{host}:{local['esPort']}"},
        "airflow": {"mode": "local", "url": f"http://{host}:{local['airflowPort']}"},
        "lineage": {"mode": "local"},
    }


def secret_from(name: str | None, values: dict[str, str], environ: dict[str, str]) -> str | None:
    """A secret a profile names: the process environment, else .env (mode 600); never the profile file."""
    if not name:
        return None
    return environ.get(name) or values.get(name) or None
