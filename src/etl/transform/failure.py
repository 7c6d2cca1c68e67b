"""Turns a Spark/py4j failure into one line that names what failed (not a py4j call id)."""
from __future__ import annotations

import re

# Spark 4 wraps a task's read error as FAILED_READ_FILE "Encountered error while reading file <path>."
_READ_FILE = re.compile(r"(?:FAILED_READ_FILE[^\n]*?|Encountered error while reading file)\s+(s3a://\S+?)\.?(?:\s|$)")
_CAUSE = re.compile(r"Caused by: ([\w.$]+(?:Exception|Error)[^\n]*)")
# An executor out of heap: the JVM's own error, or the standalone worker's report of its exit code 52
# (SparkExitCode.OOM), which is all the driver sees once the executor is gone.
_OUT_OF_MEMORY = re.compile(r"java\.lang\.OutOfMemoryError|GC overhead limit exceeded|exited with code 52\b")
# The object store refused a write for want of space: MinIO's code for its full drive, or any S3's HTTP 507.
_STORAGE_FULL = re.compile(r"XMinioStorageFull|Status Code: 507\b")
_WRITING_TO = re.compile(r"Task failed while writing rows to (s3a://\S+?)\.?(?:\s|$)")
# The driver asked to listen on an address that is not this machine's (ETL_DRIVER_HOST set to another host).
_DRIVER_BIND = re.compile(r"BindException: Cannot assign requested address: Service 'sparkDriver'")


def first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:400] if text else type(error).__name__


def unreadable_object(text: str) -> str | None:
    """The s3a path Spark could not read (a corrupt page in a valid footer), if that is the failure."""
    match = _READ_FILE.search(text)
    return match.group(1) if match else None


def root_cause(text: str) -> str | None:
    causes = _CAUSE.findall(text)
    return causes[-1][:300] if causes else None


def out_of_memory(text: str) -> bool:
    return bool(_OUT_OF_MEMORY.search(text))


def driver_cannot_bind(text: str, address: str) -> str | None:
    if not _DRIVER_BIND.search(text):
        return None
    return (f"the Spark driver cannot listen on {address or 'its address'}: it is not an address of this machine. "
            "Set ETL_DRIVER_HOST in .env to an address of this machine that the workers can reach; if they reach it "
            "through another address (NAT, a container), set that one as the profile's driverHost and this machine's "
            "as its driverBindAddress")


def storage_full(text: str) -> str | None:
    """The table whose write the store refused for want of space (its s3a path, or "gold"), if that is the
    failure."""
    if not _STORAGE_FULL.search(text):
        return None
    table = _WRITING_TO.search(text)
    return table.group(1) if table else "gold"


def explain(error: BaseException, log_hint: str, executor_memory: str | None = None, driver_bind: str = "",
            store: str = "the object store", free_space: str = "free space in it and rerun",
            kept: str = "the previous gold snapshot is intact") -> str:
    """store: how to name the store ("MinIO at …"); free_space: where to free it; kept: what gold keeps (the
    tables this run committed before the failure, etl.transform.watchdog.Activity.kept)."""
    text = str(error)
    full = storage_full(text)
    if full:
        code = "XMinioStorageFull" if "XMinioStorageFull" in text else "HTTP 507 Insufficient Storage"
        return f"{store} has no space left for the write of {full} ({code}); {kept}; {free_space}"
    cannot_bind = driver_cannot_bind(text, driver_bind)
    if cannot_bind:
        return cannot_bind
    if out_of_memory(text):
        heap = f" ({executor_memory} each)" if executor_memory else ""
        return (f"Spark executors ran out of memory{heap}: this input does not fit their heap; "
                "raise SPARK_EXECUTOR_MEMORY in .env (within what the workers offer, SPARK_WORKER_MEMORY) "
                f"and run again (each gold table month is published whole or keeps its previous version); {log_hint}")
    path = unreadable_object(text)
    if path:
        cause = root_cause(text)
        return (f"cannot read {path}: it is not valid Parquet inside (corrupt page or column chunk"
                f"{f': {cause}' if cause else ''}); the previous gold snapshot is intact; "
                "re-extract that month with `etl extract` and run again")
    return f"Spark job failed: {first_line(error)}; {log_hint}"
