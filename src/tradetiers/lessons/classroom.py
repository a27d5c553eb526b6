"""Class predictions: a session code, students' votes, the teacher's tally.

Kept in the server process only (no accounts, no files), and bounded: at most
:data:`MAX_ROOMS` open sessions (the oldest are dropped), each with at most
:data:`MAX_VOTES` voters, forgotten after :data:`TTL` seconds. A voter is an anonymous
token of one browser session; voting again replaces the vote.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field

#: letters and digits that cannot be confused when read off a projector
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 5
MAX_ROOMS = 200
MAX_VOTES = 500
TTL = 6 * 3600.0


@dataclass
class Room:
    """One class session: the lesson, the allowed choices, the votes, the teacher's step."""

    code: str
    lesson: str
    choices: tuple[str, ...]
    created: float = field(default_factory=time.time)
    votes: dict[str, str] = field(default_factory=dict)
    revealed: bool = False
    version: int = 0

    def tally(self) -> dict[str, int]:
        """Votes per choice, every choice listed (0 if none)."""
        counts = Counter(self.votes.values())
        return {c: counts.get(c, 0) for c in self.choices}


class Classroom:
    """The open class sessions of this server process (thread-safe)."""

    def __init__(self, max_rooms: int = MAX_ROOMS, max_votes: int = MAX_VOTES, ttl: float = TTL):
        self.max_rooms, self.max_votes, self.ttl = max_rooms, max_votes, ttl
        self._rooms: OrderedDict[str, Room] = OrderedDict()
        self._lock = threading.Lock()

    def _expire(self) -> None:
        now = time.time()
        for code in [c for c, r in self._rooms.items() if now - r.created > self.ttl]:
            del self._rooms[code]
        while len(self._rooms) >= self.max_rooms:
            self._rooms.popitem(last=False)

    def open(self, lesson: str, choices: list[str]) -> Room:
        """Open a session for a lesson and return it (with a fresh code)."""
        with self._lock:
            self._expire()
            code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
            while code in self._rooms:
                code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
            room = Room(code, lesson, tuple(choices))
            self._rooms[code] = room
            return room

    def get(self, code: str) -> Room | None:
        """The session with this code (case and spaces ignored), or None."""
        code = "".join(str(code).split()).upper()[: CODE_LENGTH + 1]
        with self._lock:
            room = self._rooms.get(code)
            if room is not None and time.time() - room.created > self.ttl:
                del self._rooms[code]
                return None
            return room

    def vote(self, code: str, voter: str, choice: str) -> bool:
        """Record (or replace) a voter's choice; False if refused (no room, bad choice, full)."""
        room = self.get(code)
        if room is None or choice not in room.choices or not voter or len(voter) > 64:
            return False
        with self._lock:
            if voter not in room.votes and len(room.votes) >= self.max_votes:
                return False
            room.votes[voter] = choice
            room.version += 1
            return True

    def reveal(self, code: str) -> None:
        """Mark the session revealed (students' screens show the run)."""
        room = self.get(code)
        if room is not None:
            with self._lock:
                room.revealed = True
                room.version += 1

    def close(self, code: str) -> None:
        """Forget a session."""
        with self._lock:
            self._rooms.pop(code, None)

    def __len__(self) -> int:
        return len(self._rooms)


#: the server process's class sessions
CLASSROOM = Classroom()
