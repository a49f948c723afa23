#!/usr/bin/env python3
"""What the AI Gateway session triggers cost a write: on a copy of each given seeded file,
300 interceptions warm it up, then 1,000 more join existing sessions (each with a token usage and a prompt) in one
transaction; prints the time per interception.

    bench/session_write_cost.py WORK/gateway-200k.db [OTHER.db ...]
"""
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path


def cost(src: str, n: int = 1000, warm: int = 300) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        dst = Path(tmp) / "copy.db"
        shutil.copy(src, dst)
        c = sqlite3.connect(dst, isolation_level=None)
        sessions = c.execute(
            "SELECT session_id, initiator_id, max_started_at FROM aibridge_session_order "
            "ORDER BY session_id LIMIT ?", (n + warm,)).fetchall()
        # The first writes into the fresh copy read its pages from disk: a warm-up batch, then
        # the timed one.
        write(c, sessions[:warm], "warm")
        t = time.perf_counter()
        write(c, sessions[warm:], "timed")
        elapsed = time.perf_counter() - t
        c.close()
        return elapsed / n * 1e3


def write(c, sessions, tag: str) -> None:
    c.execute("BEGIN")
    for i, (session, user, at) in enumerate(sessions):
        iid = f"write-cost-{tag}-{i}"
        c.execute("INSERT INTO aibridge_interceptions (id, initiator_id, provider, provider_name, "
                  "model, started_at, ended_at, client, client_session_id) "
                  "VALUES (?, ?, 'openai', 'oa', 'gpt-5', ?, ?, 'Codex', ?)",
                  (iid, user, at + 1, at + 2, session))
        c.execute("INSERT INTO aibridge_token_usages (id, interception_id, input_tokens, "
                  "output_tokens, created_at) VALUES (?, ?, 5, 6, ?)", ("t-" + iid, iid, at + 2))
        c.execute("INSERT INTO aibridge_user_prompts (id, interception_id, prompt, created_at) "
                  "VALUES (?, ?, 'hi', ?)", ("p-" + iid, iid, at + 2))
    c.execute("COMMIT")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for f in sys.argv[1:]:
        print(f"{f}: {cost(f):.2f} ms per interception (with a token usage and a prompt)")
