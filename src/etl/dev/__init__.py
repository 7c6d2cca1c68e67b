"""Developing the transform: a warm dev session and `etl preview`.

- `server`: the dev session, a Spark Connect server in its own local mode (`python -m etl.dev.server`,
  what `etl up --with dev` and the compose service `spark-connect` run), with the transform's s3a and
  Delta jars and settings. Local mode: it never takes the standalone workers' executors from a real run.
- `session`: a client session on it, and the working tree's `etl` package shipped to it.
- `inputs`: what a preview reads (an extraction run, months, or the bundled sample).
- `preview`: `python -m etl.dev.preview`, the job's own read, classify and model functions on that input,
  written as Parquet beside gold (never into it) for the TypeScript diff (extension/core/diff).
- `problems`: an error in the edited code as its file and line.
- `notebook`: the dev notebook (`# %%` cells), also a plain script.
"""
