"""Logging in: growing delays after failed logins, and a bound on password hashing.

Throttling instead of a lockout. After :attr:`Policy.free` failed logins, each further attempt
must wait, the wait doubling with every failure up to a cap; a success clears it. Two counters
apply to each attempt:

* per address (:data:`BY_ADDRESS`; an IPv6 client counts by its /64 network, what one household
  or one machine gets): a stranger guessing from one place soon waits up to 15 minutes between
  guesses, and only that place waits;
* per account (:data:`BY_ACCOUNT`, only for names that exist): it needs more failures and waits at
  most a minute, so that guessing one account from many addresses is slowed down, while a
  stranger can at worst make its owner wait that minute, never lock them out.

A counter forgets after :data:`FORGET_AFTER_S` without failures. The check and the count of an
attempt happen together under one lock, *before* the password is checked (a success then clears
the count), so parallel requests cannot slip past: of 40 wrong logins sent at once, 3 are checked.
The counters live in the server's memory: ``matchcore serve`` is one process, and a restart is
something a stranger cannot do.

Hashing a password with argon2id takes 64 MiB for a moment (argon2-cffi's default profile); at
most :data:`HASH_SLOTS` run at once, and an attempt that finds no free slot within
:data:`HASH_WAIT_S` is answered 503 at once, so a crowd of anonymous logins cannot push the
server's memory up.
"""
from __future__ import annotations

import ipaddress
import math
import threading
import time
from dataclasses import dataclass

from matchcore.web import accounts, audit

__all__ = ["BY_ACCOUNT", "BY_ADDRESS", "FORGET_AFTER_S", "HASH_SLOTS", "HASH_WAIT_S",
           "UNKNOWN_USER", "LoginGate", "Outcome", "Policy", "address_key", "attempt"]

# The audit line of a failed login for a name that is no account: what was typed may be a
# password typed into the wrong field, so it is never stored.
UNKNOWN_USER = "unknown user"


@dataclass(frozen=True)
class Policy:
    free: int        # failures without any wait
    first_s: float   # the wait after the last free failure; doubles with each further one
    cap_s: float     # the longest wait

    def delay(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return min(self.first_s * 2 ** min(failures - self.free, 40), self.cap_s)


# A coach who mistypes three times waits 1 s, then 2, 4, ... A guesser from one address gets
# about 3 + 10 guesses in the first 15 minutes, then one per 15 minutes.
BY_ADDRESS = Policy(free=3, first_s=1.0, cap_s=900.0)
BY_ACCOUNT = Policy(free=10, first_s=1.0, cap_s=60.0)
FORGET_AFTER_S = 3600.0
MAX_KEYS = 10_000  # bounds the memory a crowd of addresses can make the counters take

HASH_SLOTS = threading.BoundedSemaphore(2)  # one per core of a small server
HASH_WAIT_S = 0.25  # a few hashes' time: a normal burst of logins waits, a crowd is turned away


def address_key(host: str | None) -> str:
    """The counter of a client address: the address itself, or its /64 for IPv6."""
    try:
        ip = ipaddress.ip_address((host or "").strip("[]"))
    except ValueError:
        return f"addr:{host or '?'}"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:  # ::ffff:192.0.2.7 is 192.0.2.7
            return f"addr:{ip.ipv4_mapped}"
        return f"addr:{ipaddress.ip_network(f'{ip}/64', strict=False)}"
    return f"addr:{ip}"


@dataclass
class _Count:
    failures: int
    last_at: float
    blocked_until: float


class LoginGate:
    """The failure counters of one server (see the module)."""

    def __init__(self, *, by_address: Policy = BY_ADDRESS, by_account: Policy = BY_ACCOUNT,
                 clock=time.monotonic):
        self.by_address = by_address
        self.by_account = by_account
        self.clock = clock
        self._lock = threading.Lock()
        self._counts: dict[str, _Count] = {}

    def _live(self, key: str, now: float) -> _Count | None:
        count = self._counts.get(key)
        if count is not None and now - count.last_at > FORGET_AFTER_S:
            del self._counts[key]
            return None
        return count

    def admit(self, address: str, account: str | None) -> float:
        """0 and the attempt counted as a failure, or the seconds to wait (nothing counted)."""
        keys = [(address, self.by_address)]
        if account:
            keys.append((f"user:{account}", self.by_account))
        with self._lock:
            now = self.clock()
            wait = max((c.blocked_until - now for c in (self._live(k, now) for k, _ in keys) if c),
                       default=0.0)
            if wait > 0:
                return wait
            for key, policy in keys:
                count = self._counts.get(key) or _Count(0, now, now)
                count.failures += 1
                count.last_at = now
                count.blocked_until = now + policy.delay(count.failures)
                self._counts[key] = count
            if len(self._counts) > MAX_KEYS:
                self._prune(now)
            return 0.0

    def succeeded(self, address: str, account: str) -> None:
        with self._lock:
            self._counts.pop(address, None)
            self._counts.pop(f"user:{account}", None)

    def _prune(self, now: float) -> None:
        """Drop the forgotten counters, then the oldest, down to 3/4 of MAX_KEYS."""
        for key in [k for k, c in self._counts.items() if now - c.last_at > FORGET_AFTER_S]:
            del self._counts[key]
        if len(self._counts) > MAX_KEYS * 3 // 4:
            oldest = sorted(self._counts, key=lambda k: self._counts[k].last_at)
            for key in oldest[:len(self._counts) - MAX_KEYS * 3 // 4]:
                del self._counts[key]


@dataclass(frozen=True)
class Outcome:
    status: str             # "ok", "wrong", "throttled" or "busy"
    token: str | None = None
    retry_after: int = 0    # seconds, for "throttled" and "busy"


def attempt(store, gate: LoginGate, name: str, password: str, client_host: str | None,
            old_token: str | None) -> Outcome:
    """One login: throttled, hashed within the bound, audited; a new session when it succeeds."""
    if not HASH_SLOTS.acquire(timeout=HASH_WAIT_S):
        return Outcome("busy", retry_after=1)
    try:
        known = accounts.user_exists(store, name)
        address = address_key(client_host)
        wait = gate.admit(address, name if known else None)
        if wait > 0:
            return Outcome("throttled", retry_after=max(1, math.ceil(wait)))
        ok = accounts.verify_password(store, name, password)
    finally:
        HASH_SLOTS.release()
    if not ok:
        with store.write(bump=False):
            audit.record(store, None, "login.failed", f"user:{name}" if known else UNKNOWN_USER)
        return Outcome("wrong")
    gate.succeeded(address, name)
    accounts.end_session(store, old_token)
    token, _ = accounts.new_session(store, name)
    with store.write(bump=False):
        audit.record(store, name, "login", f"user:{name}")
    accounts.purge_sessions(store)
    return Outcome("ok", token=token)
