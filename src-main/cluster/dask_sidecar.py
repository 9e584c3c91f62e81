"""Tessera's side of a Dask distributed cluster (ADR 0029).

Started by the Tessera process that plans a job (dask-backend.ts), one per job, with
Debian's or the user's python3 and the cluster's own `distributed`, for the life of a backend.
It speaks JSON lines. The first line on stdin says where the cluster is and how to start a task
host, {"address": "tcp://host:8786" | "local:N", "host": [argv]}; the sidecar connects (or
starts a LocalCluster of N single-threaded worker processes, stopped when stdin ends) and says
"connected" (the cluster's workers, threads and dashboard) or "error". Then each line
{"job": <portable job>} runs a job, one at a time, and stdout carries its events, a JSON object
a line: "tasks" (when each task ran, by worker and thread, as its group finishes), "memory" (per worker, from the
scheduler's own metrics), "lost" (a worker that left mid-job: Dask reruns its tasks), then
"done" with the output chunks (base64) or "error". A line {"cancel": ID} cancels job ID, running or
still queued (so a cancel that comes before its job starts is not lost).

A job with "persist": NAME keeps its output chunks on the cluster (their futures held here under
NAME) and sends back only their headers; a later job names them in "external" and its tasks read
them where they are, so tables used as arrays never pass through this process. A line
{"release": NAME} lets them go.

Each group of Tessera tasks (a task and the source tasks only it reads: task-groups.ts) is one
Dask task. The Dask worker that runs it hands it, with its input chunks, to a Tessera task host
beside it (a `node ... task-host` process that a worker plugin starts once per worker and
keeps), which runs it with Tessera's native kernels and returns its chunk. Dask's scheduler decides placement, moves chunks between workers, retries the
tasks of a lost worker and frees chunks nobody needs: no scheduler of Tessera's own sits
between machines, and the data never passes through this process except for the outputs.
"""
import base64
import json
import queue
import struct
import subprocess
import sys
import threading
import time
from concurrent.futures import CancelledError

from dask.delayed import Delayed
from distributed.comm.core import CommClosedError
from distributed import Client, LocalCluster, WorkerPlugin, get_client, get_worker, wait


# How often the task stream and memory are read from the scheduler while a job runs.
POLL_S = 0.2


def emit(event, **data):
    sys.stdout.write(json.dumps({"event": event, **data}) + "\n")
    sys.stdout.flush()


class TesseraTaskHost(WorkerPlugin):
    """One Tessera task host per Dask worker, started on first use and stopped with the worker."""

    name = "tessera-task-host"

    def __init__(self, argv):
        self.argv = argv

    def setup(self, worker):
        self.proc = None
        self.lock = threading.Lock()
        self.loaded = set()
        self.jobs = {}  # job id -> the job's JSON text, sent ahead by the sidecar (offer_job)
        self.finished = []  # jobs to drop from the task host (forget), before the next group runs
        self.req = 0

    def teardown(self, worker):
        # The task host ends when its stdin closes; not waited for here (this is the worker's event loop).
        if self.proc is not None:
            self.proc.stdin.close()

    def _read_exactly(self, n):
        buf = bytearray()
        while len(buf) < n:
            piece = self.proc.stdout.read(n - len(buf))
            if not piece:
                raise RuntimeError("the Tessera task host ended (see the worker's log for why)")
            buf += piece
        return bytes(buf)

    def _call(self, header, payloads=()):
        self.req += 1
        header = dict(header, req=self.req)
        head = json.dumps(header).encode()
        size = 4 + len(head) + sum(len(p) for p in payloads)
        self.proc.stdin.write(struct.pack("<II", size, len(head)) + head)
        for p in payloads:
            self.proc.stdin.write(p)
        self.proc.stdin.flush()
        size, head_len = struct.unpack("<II", self._read_exactly(8))
        body = self._read_exactly(size - 4)
        reply = json.loads(body[:head_len])
        if not reply.get("ok"):
            err = reply.get("error", {})
            raise RuntimeError("tessera-error " + json.dumps(err))
        return reply, body[head_len:]

    def job_text(self, job_id):
        """The job's JSON: sent ahead to every worker; a worker that joined since asks the scheduler."""
        if job_id not in self.jobs:
            self.jobs[job_id] = get_client().run_on_scheduler(job_on_scheduler, job_id=job_id)
        return self.jobs[job_id]

    def forget(self, job_id):
        """Marks a finished job to be dropped from the task host by the next group run here: this
        runs on the worker's event loop (client.run), which must not wait for a group or a pipe."""
        self.jobs.pop(job_id, None)
        self.finished.append(job_id)

    def run(self, job_id, key, inputs):
        text = None if job_id in self.loaded else self.job_text(job_id)  # asked before the lock: it may need the event loop
        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
                self.loaded = set()
            while self.finished:
                done = self.finished.pop()
                if done in self.loaded and done != job_id:
                    self._call({"op": "drop", "job": done})
                    self.loaded.discard(done)
            if job_id not in self.loaded:
                self._call({"op": "load"}, [text if text is not None else self.job_text(job_id)])
                self.loaded.add(job_id)
            reply, data = self._call({"op": "run", "job": job_id, "key": key, "inputs": [h for h, _ in inputs]}, [d for _, d in inputs])
            return reply, data


def run_tessera_group(job_id, key, *inputs):
    """A Dask task: Tessera's task group `key` over its input chunks, on this worker's task host.
    When each of its tasks ran goes to the scheduler as an event of the job's topic."""
    worker = get_worker()
    reply, data = worker.plugins[TesseraTaskHost.name].run(job_id, key, inputs)
    worker.log_event(f"tessera-{job_id}", {"worker": worker.address, "thread": threading.get_ident(), "times": reply["times"], "nbytes": len(data)})
    return reply["out"], data


def headers_of(results):
    """The headers of a persisted job's output chunks (their data stays on the workers)."""
    return [header for header, _ in results]


def offer_job(dask_worker, job_id, text):
    dask_worker.plugins[TesseraTaskHost.name].jobs[job_id] = text


def forget_job(dask_worker, job_id):
    dask_worker.plugins[TesseraTaskHost.name].forget(job_id)


def keep_job_on_scheduler(dask_scheduler, job_id, text):
    """Keeps a job's text on the scheduler for workers that join mid-job; None forgets it, and its task events."""
    if not hasattr(dask_scheduler, "tessera_jobs"):
        dask_scheduler.tessera_jobs = {}
    if text is None:
        dask_scheduler.tessera_jobs.pop(job_id, None)
        dask_scheduler.events.pop(f"tessera-{job_id}", None)
        dask_scheduler.event_counts.pop(f"tessera-{job_id}", None)
    else:
        dask_scheduler.tessera_jobs[job_id] = text


def job_on_scheduler(dask_scheduler, job_id):
    return dask_scheduler.tessera_jobs[job_id]


def poll(dask_scheduler, topic, seen):
    """One visit to the scheduler per poll: the job's task events after the first `seen` (by the
    scheduler's count of them: its deque of events is bounded, and drops the oldest once full),
    how many there are now, and every worker's memory."""
    total = dask_scheduler.event_counts.get(topic, 0)
    kept = list(dask_scheduler.events.get(topic, ()))
    fresh = kept[max(0, len(kept) - (total - seen)):] if total > seen else []
    return [msg for _, msg in fresh], total, worker_memory(dask_scheduler)


def worker_memory(dask_scheduler):
    out = {}
    for addr, ws in dask_scheduler.workers.items():
        m = ws.memory
        out[addr] = {"managed": m.managed_in_memory if hasattr(m, "managed_in_memory") else m.managed,
                     "process": m.process, "host": ws.host, "name": str(ws.name), "threads": ws.nthreads,
                     "limit": ws.memory_limit}
    return out


class Cancels:
    """The jobs cancelled (by id), and whether every job is (stdin ended)."""

    def __init__(self):
        self.ids = set()
        self.all = False

    def __contains__(self, job_id):
        return self.all or job_id in self.ids


def run_job(client, job, host, cancelled, persisted):
    prefix = f"tessera-{job['id']}-"
    # The job goes to every worker ahead of its tasks, and is kept on the scheduler for a worker
    # that joins later. It is no dependency of the tasks: Dask would run them all where it lies
    # (a literal of the graph), or spend ~150 ms a job on it (a scattered future).
    text = json.dumps(job).encode()
    client.run_on_scheduler(keep_job_on_scheduler, job_id=job["id"], text=text)
    client.run(offer_job, job_id=job["id"], text=text)
    # A chunk an earlier job kept is its future in the task: Dask reads it where it is.
    external = {key: persisted[name]["futures"][there] for key, (name, there) in job.get("external", {}).items()}
    dsk = {prefix + g["key"]: (run_tessera_group, job["id"], g["key"], *[external.get(d, prefix + d) for d in g["inputs"]]) for g in job["groups"]}
    topic = f"tessera-{job['id']}"
    names = [k for o in job["outputs"] for k in o["keys"]]
    out_keys = [prefix + k for k in names]
    # An output may be a kept chunk itself (a table's column as the array): its future, not a key of this graph.
    out_refs = [external.get(k, prefix + k) for k in names]
    kept = []
    if job.get("persist"):
        # The outputs stay on the workers, as futures held here; their headers come back.
        dsk[prefix + "headers"] = (headers_of, out_refs)
        futures, *kept = client.get(dsk, [prefix + "headers", *out_keys], sync=False)
        futures = [futures]
    else:
        # One future for the outputs, through client.compute: the collect task holds them together.
        dsk[prefix + "outputs"] = (list, out_refs)
        futures = [client.compute(Delayed(prefix + "outputs", dsk))]
    seen = 0
    known = set(client.scheduler_info()["workers"])
    while True:
        if job["id"] in cancelled:
            client.cancel(futures + kept)
            emit("error", code="CANCELLED", message="the job was cancelled", hint="")
            return
        try:
            wait(futures, timeout=POLL_S)  # returns as soon as the job is done
        except TimeoutError:
            pass
        done = all(f.done() for f in futures)
        events, seen, memory = client.run_on_scheduler(poll, topic=topic, seen=seen)
        if events:
            emit("tasks", groups=events)
        emit("memory", t=time.time(), workers=memory)
        for lost in sorted(known - set(memory)):
            emit("lost", worker=lost)
        known = set(memory)
        if done:
            break
    failed = [f for f in futures if f.status == "error"]
    if failed:
        for f in kept:
            f.release()
        text = str(failed[0].exception())
        if text.startswith("tessera-error "):
            emit("error", **json.loads(text[len("tessera-error "):]))
        else:
            emit("error", code="CLUSTER_TASK_FAILED", message=f"a task failed on the cluster: {text}",
                 hint="see the Dask worker's log; the task hosts run `" + " ".join(host) + "`")
        return
    if job.get("persist"):
        persisted[job["persist"]] = {"job": job["id"], "futures": {key[len(prefix):]: f for key, f in zip(out_keys, kept)}}
        outputs = {key[len(prefix):]: {"header": header, "base64": ""} for key, header in zip(out_keys, futures[0].result())}
        futures[0].release()  # the headers: else the scheduler keeps the job's records until the next job
    else:
        outputs = {key[len(prefix):]: {"header": header, "base64": base64.b64encode(data).decode()}
                   for key, (header, data) in zip(out_keys, futures[0].result())}
    emit("done", outputs=outputs)


def forget(client, job_id):
    """After a job's answer has gone out (or its kept chunks were let go): its programs and text go from the workers."""
    try:
        client.run(forget_job, job_id=job_id)
        client.run_on_scheduler(keep_job_on_scheduler, job_id=job_id, text=None)
    except (OSError, CommClosedError, TimeoutError):
        pass  # the next job finds the scheduler gone, and says so


def main():
    hello = json.loads(sys.stdin.readline())
    address = hello["address"]
    cluster = None
    try:
        if address.startswith("local:"):
            cluster = LocalCluster(n_workers=int(address[6:]), threads_per_worker=1, processes=True,
                                   dashboard_address="127.0.0.1:0", host="127.0.0.1")
            client = Client(cluster, timeout=30)
        else:
            client = Client(address, timeout=hello.get("timeout", 5))
    except (OSError, TimeoutError) as e:
        emit("error", code="CLUSTER_UNREACHABLE", message=f"cannot reach the Dask scheduler at {address}: {e}",
             hint="start it (`dask scheduler`) and its workers (`dask worker ADDRESS`), or check the address and port")
        return 1
    jobs = queue.Queue()
    cancelled = Cancels()
    persisted = {}  # name -> {"job": its job's id, "futures": {key: Future}} (a "persist" job's chunks)

    def read_stdin():
        for line in sys.stdin:
            if line.strip():
                request = json.loads(line)
                if "cancel" in request:
                    cancelled.ids.add(request["cancel"])
                else:
                    jobs.put(request)
        # The end of stdin: the Tessera process closed the backend or died. A running job is
        # cancelled (its tasks would compute for nobody) and the sidecar ends.
        cancelled.all = True
        jobs.put(None)
    threading.Thread(target=read_stdin, daemon=True).start()
    with client:
        workers = client.scheduler_info()["workers"]
        emit("connected", address=client.scheduler.address, workers=len(workers),
             threads=sum(w["nthreads"] for w in workers.values()), dashboard=client.dashboard_link)
        client.register_worker_plugin(TesseraTaskHost(hello["host"]), name=TesseraTaskHost.name)
        while (request := jobs.get()) is not None:
            if "release" in request:
                kept = persisted.pop(request["release"], None)
                if kept is not None:
                    for f in kept["futures"].values():
                        f.release()
                    forget(client, kept["job"])
                continue
            job_id = request["job"]["id"]
            try:
                run_job(client, request["job"], hello["host"], cancelled, persisted)
            except (OSError, CommClosedError, TimeoutError, CancelledError) as e:
                # Futures we did not cancel are cancelled by the client when it loses the scheduler.
                why = "" if isinstance(e, CancelledError) else f": {e}"
                emit("error", code="CLUSTER_LOST", message=f"lost the Dask scheduler at {address} while the job ran{why}",
                     hint="check that the scheduler is still running and reachable, then run the job again")
                break
            except Exception as e:  # noqa: BLE001 - anything else ends this job, not the sidecar
                emit("error", code="CLUSTER_FAILED", message=f"the job failed on the cluster: {type(e).__name__}: {e}",
                     hint="run with TESSERA_SIDECAR_LOG=1 to see Dask's log")
                continue
            # A persisted job's text stays while its chunks do: Dask recomputes them if a worker is lost.
            if job_id not in [p["job"] for p in persisted.values()]:
                forget(client, job_id)
    if cluster is not None:
        cluster.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
