"""Throughput under concurrent load with wrk, and the server's memory meanwhile."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import time


def ensure_wrk(install: bool) -> str | None:
    path = shutil.which("wrk")
    if path or not install:
        return path
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print("    installing wrk (apt-get)", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(sudo + ["apt-get", "update", "-qq"], env=env, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "wrk"], env=env, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return shutil.which("wrk")


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(wrk: str, server, url: str, token: str, connections: int, seconds: int,
            accept_encoding: str | None = "gzip") -> dict:
    """wrk -t2 -cN -dS --latency -H 'Accept-Encoding: gzip' (None: no Accept-Encoding, identity);
    samples the server's RSS every 50 ms meanwhile."""
    peak = {"VmRSS": 0.0}
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            try:
                r = server.rss()
                if r.get("VmRSS", 0) > peak["VmRSS"]:
                    peak.update(r)
            except OSError:
                pass
            time.sleep(0.05)
    t = threading.Thread(target=sample, daemon=True)
    t.start()
    # The headers real clients send: gzip asked for (wrk does not decompress; it reads the
    # compressed body as a Go client would before inflating it).
    cmd = [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
           "-H", f"Coder-Session-Token: {token}", "-H", "User-Agent: Go-http-client/1.1"]
    if accept_encoding:
        cmd += ["-H", f"Accept-Encoding: {accept_encoding}"]
    cmd.append(url)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    stop.set()
    t.join()
    res = {"connections": connections, "seconds": seconds, "accept_encoding": accept_encoding or "identity", "peak_rss_mib": peak.get("VmRSS"),
           "peak_rss_anon_mib": peak.get("RssAnon"), "peak_rss_file_mib": peak.get("RssFile")}
    m = re.search(r"Transfer/sec:\s+([\d.]+)([KMG]?B)", out)
    if m:
        res["transfer_mib_per_s"] = round(float(m.group(1)) * {"B": 1 / 2**20, "KB": 1 / 1024, "MB": 1.0,
                                                               "GB": 1024.0}[m.group(2)], 2)
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    res["requests_per_s"] = float(m.group(1)) if m else None
    for pct in ("50", "99"):
        m = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)\b", out)
        res[f"p{pct}_ms"] = round(_ms(*m.groups()), 2) if m else None
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    res["errors"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: (.*)", out)
    if m:
        res["socket_errors"] = m.group(1).strip()
    return res
