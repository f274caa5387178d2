"""crawler.workers: calls answered by the right call, failures carried back, dead workers
replaced, workers gone with their crawl."""

from __future__ import annotations

import asyncio
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time

import psutil
import pytest

from crawler.workers import RemoteError, WorkerDied, WorkerPool

STARTED: list[str] = []


def remember(value: str) -> None:
    STARTED.append(value)


def warm() -> None:
    STARTED.append("warm")


def started() -> list[str]:
    return STARTED


def echo(value: object, seconds: float = 0.0) -> tuple[int, object]:
    time.sleep(seconds)
    return os.getpid(), value


def fail(message: str) -> None:
    raise ValueError(message)


class Unpicklable(Exception):
    def __reduce__(self):  # type: ignore[override]
        raise TypeError("cannot pickle this exception")


def fail_unpicklably() -> None:
    raise Unpicklable("kept as text")


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.fixture
def pool():
    workers = WorkerPool(2, remember, ("initialised",), warm)
    yield workers
    workers.close()


def test_answers_go_to_their_calls_across_workers(pool: WorkerPool) -> None:
    async def calls() -> list[tuple[int, object]]:
        return await asyncio.gather(*(pool.run(echo, index, 0.01 * (index % 3)) for index in range(40)))

    answers = asyncio.run(calls())
    assert [value for _, value in answers] == list(range(40))
    assert {pid for pid, _ in answers} == {worker.process.pid for worker in pool.workers}


def test_each_worker_is_initialised_then_warmed_up(pool: WorkerPool) -> None:
    async def both() -> list[list[str]]:
        return await asyncio.gather(pool.run(started), pool.run(started))

    assert asyncio.run(both()) == [["initialised", "warm"], ["initialised", "warm"]]


def test_exceptions_come_back_as_themselves_or_as_text(pool: WorkerPool) -> None:
    async def failing() -> None:
        with pytest.raises(ValueError, match="bad page"):
            await pool.run(fail, "bad page")
        with pytest.raises(RemoteError, match="kept as text"):
            await pool.run(fail_unpicklably)
        with pytest.raises((pickle.PicklingError, AttributeError)):
            await pool.run(echo, lambda: None)  # an argument that cannot travel fails at once
        assert (await pool.run(echo, "still serving"))[1] == "still serving"
        assert not any(worker.pending for worker in pool.workers)

    asyncio.run(failing())


def test_a_dead_worker_fails_its_calls_only_and_is_replaced() -> None:
    pool = WorkerPool(1, remember, ("initialised",))
    try:
        async def crash() -> None:
            first = pool.workers[0].process.pid
            dying = asyncio.ensure_future(pool.run(die))
            queued = asyncio.ensure_future(pool.run(echo, "queued behind the crash"))
            for call in (dying, queued):
                with pytest.raises(WorkerDied):
                    await call
            pid, value = await pool.run(echo, "after")
            assert value == "after" and pid != first

        asyncio.run(crash())
    finally:
        pool.close()


def test_workers_leave_when_their_crawl_is_killed(tmp_path) -> None:
    script = textwrap.dedent(f"""
        import asyncio, sys, time
        sys.path.insert(0, {os.getcwd()!r})
        from crawler.workers import WorkerPool
        from tests.test_workers import echo, remember
        pool = WorkerPool(2, remember, ("x",))
        print(asyncio.run(pool.run(echo, "ready"))[1], flush=True)
        time.sleep(60)
    """)
    crawl = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert crawl.stdout.readline().strip() == "ready"
        workers = psutil.Process(crawl.pid).children()
        assert len(workers) == 2
        crawl.kill()
        _, alive = psutil.wait_procs(workers, timeout=10)
        assert not alive
    finally:
        crawl.kill()
        crawl.wait()


def test_closing_from_the_crawls_loop_lets_the_workers_leave_at_once() -> None:
    """Scrapy closes the pool in a signal handler, on its running loop: the workers see
    their request pipes end there and then, and leave by themselves (not killed)."""
    pool = WorkerPool(2, remember, ("x",))

    async def crawl() -> float:
        await asyncio.gather(pool.run(echo, 1), pool.run(echo, 2))
        started = time.monotonic()
        pool.close(timeout=5)
        return time.monotonic() - started

    assert asyncio.run(crawl()) < 3
    assert [worker.process.returncode for worker in pool.workers] == [0, 0]


def test_requests_wait_for_room_rather_than_pile_up_in_the_pipe_buffer(pool: WorkerPool) -> None:
    """At most IN_FLIGHT requests are written ahead of a worker: page-sized requests then
    go straight into the pipe, never into asyncio's write buffer (which is shifted down by
    memmove after every partial write, megabytes per page when requests pile up)."""
    from crawler.workers import IN_FLIGHT

    page = os.urandom(200_000)
    buffered: list[int] = []

    async def many() -> None:
        await asyncio.gather(*(pool.run(echo, index) for index in range(2)))  # pipes joined
        for worker in pool.workers:
            write = worker._writer.write

            def watched(data: bytes, write=write, transport=worker._writer) -> None:
                write(data)
                buffered.append(transport.get_write_buffer_size())
            worker._writer.write = watched
        answers = await asyncio.gather(*(pool.run(echo, (index, page), 0.01) for index in range(30)))
        assert [value[0] for _, value in answers] == list(range(30))
        assert max(worker.load for worker in pool.workers) == 0

    asyncio.run(many())
    assert len(buffered) == 30 and max(buffered) == 0
    assert IN_FLIGHT * len(page) < 1 << 20


def shout() -> str:
    print("a library printing to standard output", flush=True)
    return "answered"


def test_what_a_worker_prints_goes_to_standard_error_not_the_crawls_output() -> None:
    script = textwrap.dedent(f"""
        import asyncio, sys
        sys.path.insert(0, {os.getcwd()!r})
        from crawler.workers import WorkerPool
        from tests.test_workers import remember, shout
        pool = WorkerPool(1, remember, ("x",))
        print(asyncio.run(pool.run(shout)))
        pool.close()
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert run.stdout == "answered\n"
    assert "a library printing" in run.stderr
