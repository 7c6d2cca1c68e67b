"""Which store the transform reads, and which extraction runs went to another one (etl.store_identity).

The native and compose stacks and a profile's S3 keep their own MinIO while sharing one manifest: a run of
another store is left out (its objects are not here), by its recorded store id, or for runs of older
manifests by its endpoint and bucket.
"""
from __future__ import annotations

from dataclasses import dataclass

import urllib3
from minio.error import S3Error

from etl.config import load_settings
from etl.store_identity import MARKER_KEY, describe_store, read_store_id, stack_mode
from etl.transform.errors import TransformError


@dataclass(frozen=True)
class Store:
    """Where this transform reads: endpoint, rawzone bucket, mode (its id is read apart, only when needed)."""
    endpoint: str
    bucket: str
    mode: str

    @property
    def label(self) -> str:
        return f"{self.mode}, {self.endpoint}, bucket {self.bucket}"


_STORE_IDS: dict[tuple[str, str], str | None] = {}  # read once per process: the driver selects runs several times


def this_store() -> Store:
    """The store this transform reads (the native and compose stacks and a profile's S3 are separate stores that
    share one manifest)."""
    settings = load_settings()
    return Store(settings.minio_url, settings.rawzone_bucket, stack_mode(settings))


def this_store_id() -> str | None:
    """The id in the marker the extractor writes (etl.store_identity); None when the store has none yet (nothing
    extracted to it since runs record their store): runs that recorded one then went elsewhere. A store that
    cannot be read is a TransformError saying why (a stopped stack is not "every run went elsewhere")."""
    from etl.extract.store import make_client, refused, unreachable  # local: minio only when a run records one

    settings = load_settings()
    key = (settings.minio_url, settings.rawzone_bucket)
    if key not in _STORE_IDS:
        try:
            _STORE_IDS[key] = read_store_id(make_client(settings), settings.rawzone_bucket)
        except S3Error as error:
            raise TransformError(refused(settings, settings.rawzone_bucket, error.code)) from None
        except (urllib3.exceptions.HTTPError, OSError) as error:
            raise TransformError(f"{unreachable(settings, error)} (reading its store marker {MARKER_KEY})") from None
    return _STORE_IDS[key]


def is_elsewhere(run: dict, here: Store) -> bool:
    """Whether a run went to another store: by its store id when it records one (the marker is read only then,
    so a manifest without stores never reaches MinIO), else (older manifests) by its endpoint and bucket."""
    recorded = run.get("store")
    if recorded:
        return recorded.get("id") != this_store_id()
    return (run.get("minio_endpoint") or here.endpoint, run.get("bucket") or here.bucket) != (here.endpoint,
                                                                                            here.bucket)


def split_by_store(runs: list[dict], here: Store) -> tuple[list[dict], list[dict]]:
    """(the runs stored where this transform reads, the runs stored elsewhere), each in manifest order."""
    elsewhere = [is_elsewhere(run, here) for run in runs]
    return ([r for r, out in zip(runs, elsewhere, strict=True) if not out],
            [r for r, out in zip(runs, elsewhere, strict=True) if out])


def where(run: dict) -> str:
    """A run's store as messages name it."""
    if run.get("store"):
        return describe_store(run["store"])
    return f"{run.get('minio_endpoint', '?')}, bucket {run.get('bucket', '?')}"


def left_out_message(elsewhere: list[dict], here: Store) -> str:
    named = "; ".join(f"{r['run_id']} ({where(r)})" for r in elsewhere)
    return (f"left out {len(elsewhere)} extraction run(s) stored elsewhere than where this transform reads "
            f"({here.label}): {named}")


def every_run_elsewhere(elsewhere: list[dict], here: Store) -> str:
    stores = sorted({where(r) for r in elsewhere})
    return (f"every extraction run in the manifest ({len(elsewhere)}) was stored elsewhere ({'; '.join(stores)}) "
            f"than where this transform reads ({here.label}): extract months in this mode first "
            f"(`etl extract`), or {switch_hint(elsewhere)}")


def switch_hint(runs: list[dict]) -> str:
    """How to transform with the store these runs went to."""
    modes = sorted({(r.get("store") or {}).get("mode", "") for r in runs} - {""})
    if len(modes) == 1 and modes[0] in ("native", "compose"):
        return f"transform in the mode that extracted them (`etl transform --mode {modes[0]}`)"
    if len(modes) == 1 and modes[0].startswith("profile:"):
        return f"transform with the profile that extracted them (ETL_PROFILE={modes[0].removeprefix('profile:')})"
    return "transform with the stack or profile that extracted them"
