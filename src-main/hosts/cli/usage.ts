/** The command line's usage text, shown by `tessera --help` and with a bad option. */
export const USAGE = `usage:
  tessera run JOB.json [--json] [--out DIR] [--format parquet|csv] [--workers N] [--memory-limit 2GB]
                       [--scheduler threads|sync] [--trace trace.json] [--report report.html]
                       [--no-space-check] [--cluster tcp://HOST:8786 | --cluster local:N]
  tessera profile JOB.json [--dataset NAME] [--chunks 1e5,1e6,...|auto] [--repeat 3]
                       [--workers N] [--memory-limit 2GB] [--json] [--report report.html]
                       [--cluster tcp://HOST:8786 | --cluster local:N]
  tessera inspect FILE [--json]
  tessera serve [--port N] [--workers N] [--data DIR] [--allow DIR ...]

Profiles and the "auto" chunk model live in the data folder (--data DIR, or
$XDG_DATA_HOME/tessera, or ~/.local/share/tessera).

--cluster runs (or profiles) the job's tasks on a Dask distributed cluster: a running scheduler's
address, or local:N to start N local worker processes for the job (Python with dask and
distributed needed).

A job spec names datasets and outputs (numpy expressions); see the README.`;
