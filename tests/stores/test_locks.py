"""Lock stores (in memory and a real Redis): one conversation's turns never interleave,
different conversations run in parallel, waits time out with a clear error."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from dbservers import RedisServer, free_port

from assistant.errors import InvalidConfigError, LockTimeoutError, StoreUnavailableError
from assistant.stores.locks import InMemoryLockStore, LockStore, RedisLockStore, make_lock_store


@pytest.fixture(params=["memory", "redis"])
def locks(request: pytest.FixtureRequest) -> Iterator[LockStore]:
    if request.param == "memory":
        yield InMemoryLockStore()
        return
    server: RedisServer = request.getfixturevalue("redis_server")
    store = RedisLockStore(server.url, prefix=f"test:{request.node.name}:")
    yield store
    store.client.close()


def run_threads(n: int, target, *args) -> None:  # type: ignore[no-untyped-def]
    ths = [threading.Thread(target=target, args=(i, *args)) for i in range(n)]
    for t in ths:
        t.start()
    for t in ths:
        t.join(30)


class TestLocks:
    def test_one_conversation_never_interleaves(self, locks: LockStore) -> None:
        inside = 0
        peak = 0
        log: list[tuple[int, str]] = []
        guard = threading.Lock()

        def turn(i: int) -> None:
            nonlocal inside, peak
            for _ in range(3):
                with locks.lock("conv"):
                    with guard:
                        inside += 1
                        peak = max(peak, inside)
                        log.append((i, "in"))
                    time.sleep(0.005)  # a read-modify-write that would interleave without the lock
                    with guard:
                        inside -= 1
                        log.append((i, "out"))

        run_threads(6, turn)
        assert peak == 1
        assert len(log) == 36
        assert all(log[k][0] == log[k + 1][0] and log[k][1] == "in" and log[k + 1][1] == "out" for k in range(0, 36, 2))

    def test_different_conversations_run_in_parallel(self, locks: LockStore) -> None:
        both_inside = threading.Barrier(2, timeout=5)
        ok: list[int] = []

        def turn(i: int) -> None:
            with locks.lock(f"conv-{i}"):
                both_inside.wait()  # would raise BrokenBarrierError if the locks were shared
                ok.append(i)

        run_threads(2, turn)
        assert sorted(ok) == [0, 1]

    def test_timeout_then_free_again(self, locks: LockStore) -> None:
        held, release = threading.Event(), threading.Event()

        def holder(_: int) -> None:
            with locks.lock("busy"):
                held.set()
                release.wait(10)

        t = threading.Thread(target=holder, args=(0,))
        t.start()
        held.wait(5)
        started = time.monotonic()
        with pytest.raises(LockTimeoutError, match="'busy' is busy"):
            with locks.lock("busy", wait=0.2):
                pass
        assert 0.15 < time.monotonic() - started < 2
        release.set()
        t.join(5)
        with locks.lock("busy", wait=1):  # the abandoned wait does not block later turns
            pass


class TestInMemory:
    def test_fifo_order_and_cleanup(self) -> None:
        locks = InMemoryLockStore()
        order: list[int] = []
        release = threading.Event()
        entered = threading.Event()

        def first() -> None:
            with locks.lock("c"):
                entered.set()
                release.wait(10)

        def waiter(i: int) -> None:
            with locks.lock("c"):
                order.append(i)

        t0 = threading.Thread(target=first)
        t0.start()
        entered.wait(5)
        waiters = []
        for i in range(5):  # queue them in a known order
            w = threading.Thread(target=waiter, args=(i,))
            w.start()
            deadline = time.monotonic() + 5
            while locks._queues["c"].next_ticket < i + 2 and time.monotonic() < deadline:
                time.sleep(0.001)
            waiters.append(w)
        release.set()
        for w in [t0, *waiters]:
            w.join(5)
        assert order == [0, 1, 2, 3, 4]
        assert not locks.is_locked("c")  # no entry left behind

    def test_exception_inside_releases(self) -> None:
        locks = InMemoryLockStore()
        with pytest.raises(RuntimeError):
            with locks.lock("c"):
                raise RuntimeError("turn failed")
        with locks.lock("c", wait=0.1):
            pass


class TestRedis:
    def test_expired_lock_frees_and_release_is_token_checked(self, redis_server: RedisServer) -> None:
        store = RedisLockStore(redis_server.url, ttl=0.2, prefix="ttl:")
        other = RedisLockStore(redis_server.url, ttl=5, prefix="ttl:")
        with store.lock("c"):  # this worker "hangs" past the ttl
            time.sleep(0.35)
            with other.lock("c", wait=1):  # the lock expired, so another worker gets it
                pass
            with other.lock("c", wait=1):
                key_holder = store.client.get("ttl:c")
                assert key_holder is not None
            # re-take it for "other" and check the stale holder's release leaves it alone
            lk = other.client.lock("ttl:c", timeout=5)
            assert lk.acquire(blocking=False)
        assert store.client.get("ttl:c") == lk.local.token  # not deleted by the expired holder
        lk.release()
        store.client.close()
        other.client.close()

    def test_unreachable_redis_is_a_clear_error(self) -> None:
        store = RedisLockStore(f"redis://127.0.0.1:{free_port()}/0", socket_timeout=0.5)
        with pytest.raises(StoreUnavailableError, match="unavailable"):
            with store.lock("c", wait=0.5):
                pass

    def test_make_lock_store(self) -> None:
        assert isinstance(make_lock_store(None), InMemoryLockStore)
        assert isinstance(make_lock_store("redis://127.0.0.1:1/0"), RedisLockStore)
        with pytest.raises(InvalidConfigError, match="redis://"):
            make_lock_store("memcached://x")


_HOLDER = """
import sys, time
from assistant.stores.locks import RedisLockStore
store = RedisLockStore(sys.argv[1], lease=float(sys.argv[2]), prefix="crash:")
with store.lock("c"):
    print("held", flush=True)
    time.sleep(600)  # a live turn far longer than the lease, until it is killed
"""


class TestRedisLease:
    """The lock is a short lease the live holder renews: a slow live turn keeps it, a killed process frees it."""

    def test_a_slow_live_holder_keeps_its_lock_past_many_leases(self, redis_server: RedisServer) -> None:
        holder = RedisLockStore(redis_server.url, lease=0.3, prefix="slow:")
        other = RedisLockStore(redis_server.url, lease=0.3, prefix="slow:")
        ttls: list[int] = []
        with holder.lock("c"):
            assert holder.held() == 1
            t0 = time.monotonic()
            with pytest.raises(LockTimeoutError):  # 1.2 s = 4 leases: renewed all along
                with other.lock("c", wait=1.2):
                    pass
            assert time.monotonic() - t0 >= 1.1
            ttls.append(holder.client.pttl("slow:c"))
        assert 0 < ttls[0] <= 300  # a lease, not a long TTL
        assert holder.held() == 0 and holder.client.get("slow:c") is None  # released, not left to expire
        with other.lock("c", wait=0.1):
            pass
        holder.client.close()
        other.client.close()

    def test_a_killed_holder_frees_the_conversation_within_one_lease(self, redis_server: RedisServer) -> None:
        import subprocess
        import sys

        from shared_paths import ROOT  # type: ignore[import-not-found]

        lease = 1.0
        proc = subprocess.Popen([sys.executable, "-c", _HOLDER, redis_server.url, str(lease)], cwd=ROOT,
                                stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
            other = RedisLockStore(redis_server.url, lease=lease, prefix="crash:")
            with pytest.raises(LockTimeoutError):  # alive: its renewals keep it for 3 leases
                with other.lock("c", wait=3 * lease):
                    pass
            proc.kill()  # SIGKILL: no release, no more renewals
            proc.wait(10)
            t0 = time.monotonic()
            with other.lock("c", wait=10):
                freed_after = time.monotonic() - t0
            assert freed_after <= lease + 0.3, freed_after
            other.client.close()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)

    def test_a_turn_stuck_past_the_longest_hold_lets_its_lock_lapse(self, redis_server: RedisServer) -> None:
        holder = RedisLockStore(redis_server.url, lease=0.3, ttl=0.6, prefix="stuck:")
        other = RedisLockStore(redis_server.url, lease=0.3, prefix="stuck:")
        with holder.lock("c"):
            t0 = time.monotonic()
            with other.lock("c", wait=3):  # renewed until 0.6 s, then lapses within one more lease
                waited = time.monotonic() - t0
            assert 0.55 <= waited <= 1.3, waited
            assert holder.held() == 0
        holder.client.close()
        other.client.close()

    def test_bad_lease(self) -> None:
        with pytest.raises(InvalidConfigError, match="lease"):
            RedisLockStore("redis://127.0.0.1:1/0", lease=0)
