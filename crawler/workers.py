"""Worker processes fed over pipes by the crawl's event loop.

Why not `concurrent.futures.ProcessPoolExecutor`: it passes every call through a manager
thread and a queue-feeder thread, and each hand-over between those and the event loop's
thread waits for the GIL. Measured with 200 KB pages and 4 ms of work a call, that cost the
crawl's thread ~1.0 ms of CPU a call against ~0.5-0.7 ms here, where the loop itself writes
each request to a worker's pipe and reads the answer from another. And a pool whose worker
died (a crash in a C library, the OOM killer) stayed broken for the rest of the crawl; here
only the calls that worker held fail, and a new worker takes its place.

Frames: an 8-byte length, then a pickle. The first frame a worker reads is
(initializer, initargs, warm_up); then requests (call id, function, args); answers are
(call id, ok, pickled value or exception), pickled apart so that a value the crawl cannot
unpickle still fails its own call. A worker leaves when its request pipe closes, which is
also what happens when the crawl process is killed.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import pickle
import signal
import struct
import subprocess
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

logger = logging.getLogger(__name__)
Result = TypeVar("Result")
_LENGTH = struct.Struct("!Q")
MAX_REPLACEMENTS = 10  # workers started in place of dead ones, per pool
PIPE_SIZE = 1 << 20
IN_FLIGHT = 4  # requests written to a worker's pipe and not yet answered


class WorkerDied(RuntimeError):
    """The worker process running a call ended before answering."""


class RemoteError(RuntimeError):
    """An exception of a worker that could not be sent back as itself."""


def _widen(pipe: int) -> None:
    """Let a pipe hold a whole page (Linux: 64 KB by default, up to 1 MB unprivileged), so
    that a request is one write instead of several turns of the event loop."""
    try:
        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
    except (AttributeError, OSError):  # not Linux, or above the system's limit: the default
        pass


def _pickled(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _frame(payload: object) -> bytes:
    data = _pickled(payload)
    return _LENGTH.pack(len(data)) + data


class _Worker(asyncio.Protocol):
    """One worker process, its two pipes and the calls it holds."""

    def __init__(self, start: tuple[Callable[..., Any], Sequence[Any], Callable[[], Any] | None],
                 on_exit: Callable[[_Worker], None]):
        requests_read, self._requests = os.pipe()
        self._answers, answers_write = os.pipe()
        _widen(self._requests)
        # The crawl's own import path, as multiprocessing's spawn gives it: functions and
        # values travel by module name.
        code = (f"import sys; sys.path[:] = {sys.path!r}; import crawler.workers as w; "
                f"w.serve({requests_read}, {answers_write})")
        self.process = subprocess.Popen(
            [sys.executable, "-c", code],
            pass_fds=(requests_read, answers_write), stdin=subprocess.DEVNULL)
        os.close(requests_read)
        os.close(answers_write)
        os.write(self._requests, _frame(start))  # a small frame: the empty pipe takes it at once
        self.pending: dict[int, asyncio.Future[Any]] = {}
        self.load = 0  # calls given to this worker and not yet answered
        self._on_exit = on_exit
        self._buffer = bytearray()
        self._writer: asyncio.WriteTransport | None = None
        self._reader: asyncio.ReadTransport | None = None
        self._connecting: asyncio.Task[None] | None = None
        # Requests written ahead of the worker: enough to keep it busy, few enough to fit
        # its pipe. More would wait in the transport's buffer, which asyncio shifts down
        # by memmove after every write to the pipe: megabytes moved per page.
        self._room = asyncio.Semaphore(IN_FLIGHT)

    async def call(self, call_id: int, function: Callable[..., Result], args: tuple[Any, ...]) -> Result:
        self.load += 1
        try:
            return await self._call(call_id, function, args)
        finally:
            self.load -= 1

    async def _call(self, call_id: int, function: Callable[..., Result], args: tuple[Any, ...]) -> Result:
        if self._writer is None:
            if self._connecting is None:
                self._connecting = asyncio.ensure_future(self._connect())
            await asyncio.shield(self._connecting)
        request = _frame((call_id, function, args))  # what cannot be pickled fails here
        async with self._room:
            if self._writer is None or self._writer.is_closing():
                raise WorkerDied(f"analysis worker {self.process.pid} has ended")
            future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            self.pending[call_id] = future
            self._writer.write(request)
            return await future

    async def _connect(self) -> None:
        loop = asyncio.get_running_loop()
        self._writer, _ = await loop.connect_write_pipe(asyncio.BaseProtocol,
                                                        os.fdopen(self._requests, "wb", 0))
        self._reader, _ = await loop.connect_read_pipe(lambda: self, os.fdopen(self._answers, "rb", 0))

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(self._buffer)
            if len(self._buffer) < _LENGTH.size + size:
                return
            frame = bytes(self._buffer[_LENGTH.size:_LENGTH.size + size])
            del self._buffer[:_LENGTH.size + size]
            self._answer(frame)

    def _answer(self, frame: bytes) -> None:
        call_id, ok, pickled = pickle.loads(frame)
        future = self.pending.pop(call_id, None)
        if future is None or future.done():
            return
        try:
            value = pickle.loads(pickled)
        except Exception as exc:  # noqa: BLE001 - an answer that cannot be read fails its call
            future.set_exception(RemoteError(
                f"unreadable answer from analysis worker {self.process.pid}: {exc!r}"))
            return
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)

    def connection_lost(self, exc: Exception | None) -> None:
        """The worker's answer pipe closed: it ended (or was stopped)."""
        if self._writer is not None:
            self._writer.close()
        status = self.process.poll()
        if status is None:
            try:
                status = self.process.wait(timeout=1)
            except subprocess.TimeoutExpired:
                status = None
        for future in self.pending.values():
            if not future.done():
                future.set_exception(WorkerDied(
                    f"analysis worker {self.process.pid} ended (exit status {status}) during the call"))
        self.pending.clear()
        self._on_exit(self)

    def stop(self, timeout: float) -> None:
        """Close the request pipe (the worker then leaves) and wait for it; kill it if it
        does not leave in time."""
        if self._writer is not None and self._reader is not None:
            for transport in (self._writer, self._reader):
                try:
                    transport.close()
                except RuntimeError:  # its event loop has closed
                    pass
                # A transport closes its pipe on the loop's next turn, but the wait below
                # holds the loop: closed now, the worker sees the end of its requests.
                transport.get_extra_info("pipe").close()
        elif self._connecting is None:
            os.close(self._requests)
            os.close(self._answers)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class WorkerPool:
    """`workers` worker processes. Each starts with `initializer(*initargs)` and then
    `warm_up()`; each call goes to the worker holding the fewest calls. The pipes are
    joined to the event loop of the first call: a pool serves one loop."""

    def __init__(self, workers: int, initializer: Callable[..., Any], initargs: Sequence[Any] = (),
                 warm_up: Callable[[], Any] | None = None):
        self._start = (initializer, tuple(initargs), warm_up)
        self._closed = False
        self._calls = 0
        self._replacements = 0
        self.workers = [_Worker(self._start, self._replace) for _ in range(workers)]

    async def run(self, function: Callable[..., Result], *args: Any) -> Result:
        if self._closed:
            raise RuntimeError("the analysis workers have been shut down")
        self._calls += 1
        worker = min(self.workers, key=lambda w: w.load)
        return await worker.call(self._calls, function, args)

    def _replace(self, worker: _Worker) -> None:
        if self._closed or worker not in self.workers:
            return
        if self._replacements >= MAX_REPLACEMENTS:
            logger.error("analysis worker %s ended (exit status %s); %d have ended already: "
                         "not starting another", worker.process.pid, worker.process.returncode,
                         self._replacements)
            return
        self._replacements += 1
        logger.error("analysis worker %s ended (exit status %s); starting another",
                     worker.process.pid, worker.process.returncode)
        self.workers[self.workers.index(worker)] = _Worker(self._start, self._replace)

    def close(self, timeout: float = 10) -> None:
        self._closed = True
        for worker in self.workers:
            worker.stop(timeout)


def serve(requests_fd: int, answers_fd: int) -> None:
    """A worker's loop: read a request, run it, write the answer, until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the crawl, which stops us
    os.dup2(2, 1)  # the crawl's output may be JSON lines: a library's prints go to stderr
    requests, answers = os.fdopen(requests_fd, "rb"), os.fdopen(answers_fd, "wb")
    start = _read_frame(requests)
    if start is None:
        return
    initializer, initargs, warm_up = start
    initializer(*initargs)
    if warm_up is not None:
        warm_up()
    while (request := _read_frame(requests)) is not None:
        call_id, function, args = request
        try:
            answer = _frame((call_id, True, _pickled(function(*args))))
        except Exception as exc:  # noqa: BLE001 - every failure goes back to its caller
            answer = _failure(call_id, exc)
        try:
            answers.write(answer)
            answers.flush()
        except BrokenPipeError:  # the crawl has gone
            return


def _failure(call_id: int, exc: Exception) -> bytes:
    try:
        return _frame((call_id, False, _pickled(exc)))
    except Exception:  # noqa: BLE001 - an exception pickle cannot carry goes back as text
        text = "".join(traceback.format_exception(exc)).strip()
        return _frame((call_id, False, _pickled(RemoteError(text))))


def _read_frame(stream: Any) -> Any:
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    data = stream.read(size)
    return pickle.loads(data) if len(data) == size else None
