"""What a preview reads: an extraction run (`--run`), months of the rawzone (`--months`), the bundled sample
(`--sample`: its newest extraction into the rawzone), or by default the last extraction run. The same trip files
and zone table a transform of that input reads, found the same way (etl.transform.sources)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from etl.extract.layout import SAMPLE_DIR, SAMPLE_FILE_TEMPLATE, ZONES_FILE
from etl.extract.months import parse_months
from etl.manifest import load_manifest, manifest_path
from etl.transform.errors import TransformError
from etl.transform.sources import (
    Month,
    TripFile,
    check_parquet_object,
    parse_zone_ids,
    trip_files,
    zone_ids,
    zones_path,
)


@dataclass(frozen=True)
class PreviewInputs:
    """described: what the preview says it read ("extraction run extract-…", "2024-01 of the rawzone", "the bundled
    sample (run …)"); zones: the zone table's URL; sizes: each month's trip bytes (they size its classification)."""
    described: str
    files: list[TripFile]
    zones: str
    zone_ids: list[int]
    sizes: dict[Month, int] = field(default_factory=dict)

    @property
    def months(self) -> list[str]:
        return sorted({f.label for f in self.files})


def select_inputs(client, rawzone_bucket: str, *, run: str | None = None, months: str | None = None,
                  sample: bool = False) -> PreviewInputs:
    if sample:
        run = sample_run()
        return rawzone_inputs(client, rawzone_bucket, trip_files(run), f"the bundled sample (run {run})", run)
    if months:
        return rawzone_inputs(client, rawzone_bucket, _month_files(months), f"{months} of the rawzone", None)
    run = run or last_run()
    return rawzone_inputs(client, rawzone_bucket, trip_files(run), f"extraction run {run}", run)


def last_run(manifest: Path | None = None) -> str:
    """The newest extraction run of the manifest that stored a trip file."""
    runs = [r for r in load_manifest(manifest)["runs"] if any(f["kind"] == "trips" for f in r["files"])]
    if not runs:
        raise TransformError(f"nothing is extracted yet ({manifest or manifest_path()} lists no trip file); run "
                             "`etl extract --months 2024-01..2024-02 --sample`, or preview the bundled sample with "
                             "`etl preview --sample`")
    return runs[-1]["run_id"]


def _month_files(spec: str) -> list[TripFile]:
    wanted = {str(month) for month in parse_months(spec)}
    files = [f for f in trip_files(None) if f.label in wanted]
    missing = sorted(wanted - {f.label for f in files})
    if missing:
        raise TransformError(f"{', '.join(missing)} not extracted (the manifest {manifest_path()} has no trip file "
                             f"for it); run `etl extract --months {','.join(missing)}` first")
    return files


def rawzone_inputs(client, rawzone_bucket: str, files: list[TripFile], described: str,
                   run: str | None) -> PreviewInputs:
    zones = zones_path(run, rawzone_bucket)
    sizes: dict[Month, int] = {}
    for trip_file in files:  # the job's own check: a truncated object fails now, with its name
        month = (trip_file.year, trip_file.month)
        sizes[month] = sizes.get(month, 0) + check_parquet_object(client, trip_file.path)
    return PreviewInputs(described, files, zones, zone_ids(client, zones), sizes)


def sample_run(manifest: Path | None = None) -> str:
    """The newest extraction run of the bundled sample (Data_extracted/, natively or in a container)."""
    runs = [r for r in load_manifest(manifest)["runs"]
            if str(r.get("source_template", "")).startswith("file://")
            and str(r.get("source_template", "")).endswith(f"{SAMPLE_DIR.name}/{SAMPLE_FILE_TEMPLATE}")
            and any(f["kind"] == "trips" for f in r["files"])]
    if not runs:
        where = manifest or manifest_path()
        raise TransformError(f"the bundled sample is not in the rawzone yet (no run of it in {where}); "
                             "run `etl extract --months 2024-01..2024-02 --sample` first")
    return runs[-1]["run_id"]


def local_sample_inputs(folder: Path = SAMPLE_DIR) -> PreviewInputs:
    """The committed sample files read where they are (file://): the dev session's warm-up, which needs no
    store (etl.dev.server)."""
    files = [TripFile(*(int(part) for part in path.stem.rsplit("_", 1)[1].split("-")), path.resolve().as_uri())
             for path in sorted(folder.glob(SAMPLE_FILE_TEMPLATE.replace("{YYYY}-{MM}", "*")))]
    zones = folder / ZONES_FILE
    return PreviewInputs("the bundled sample (local files)", files, zones.resolve().as_uri(),
                         parse_zone_ids(zones.read_text(encoding="utf-8-sig")),
                         {(f.year, f.month): Path(f.path.removeprefix("file://")).stat().st_size for f in files})
