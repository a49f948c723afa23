"""Browser figure: navigation → rendered audit rows in Debian's headless Chromium, driven through
chromedriver's W3C WebDriver HTTP protocol with the standard library only (urllib).

The audit page renders `#audit-table tr.audit-row` per log (web/assets/js/pages/audit_row.js)
and asks for `?size=` rows (one of PAGE_SIZES in web/assets/js/query.js; 50 here). The time of
a navigation is `performance.now()` (relative to the navigation's timeOrigin) when the wanted
number of rows is first in the DOM: a MutationObserver, installed before any page script with
chromedriver's CDP bridge (Page.addScriptToEvaluateOnNewDocument), records it; an
executeAsync script then collects it (or polls with requestAnimationFrame where CDP is not
available, which can only be later)."""
from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from .server import free_port
from .timing import summarize

CHROMIUM = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")
ROW_SELECTOR = "#audit-table tr.audit-row"
WANT_ROWS = 50

# Runs in every new document before the app's scripts.
OBSERVER_JS = """
(() => {
  const want = %d, sel = %s;
  window.__benchRows = null;
  const check = () => {
    if (window.__benchRows === null && document.querySelectorAll(sel).length >= want) {
      window.__benchRows = performance.now();
      requestAnimationFrame(() => { window.__benchFrame = performance.now(); });
      obs.disconnect();
    }
  };
  const obs = new MutationObserver(check);
  obs.observe(document, {childList: true, subtree: true});
})();
"""

# executeAsync: resolves with the observer's time, or polls per animation frame.
WAIT_JS = """
const [want, sel, done] = arguments;
const finish = (t) => {
  const rs = performance.getEntriesByType('resource').filter(e => e.name.includes('/api/v2/audit?'));
  const nav = performance.getEntriesByType('navigation')[0];
  const frame = () => done({rows_ms: t, frame_ms: window.__benchFrame || null,
    rows: document.querySelectorAll(sel).length,
    observer: window.__benchRows !== undefined,
    api_ms: rs.length ? rs[rs.length - 1].duration : null,
    api_start_ms: rs.length ? rs[rs.length - 1].startTime : null,
    dom_content_loaded_ms: nav ? nav.domContentLoadedEventEnd : null,
    url: location.pathname + location.search});
  if (window.__benchFrame) frame(); else requestAnimationFrame(() => requestAnimationFrame(frame));
};
const poll = () => {
  if (typeof window.__benchRows === 'number') return finish(window.__benchRows);
  if (window.__benchRows === undefined && document.querySelectorAll(sel).length >= want)
    return finish(performance.now());
  requestAnimationFrame(poll);
};
poll();
"""


class WebDriverError(RuntimeError):
    pass


class Driver:
    """chromedriver on a free port with one headless Chromium session."""

    def __init__(self, log_path: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.profile_dir = tempfile.mkdtemp(prefix="coderlite-bench-chromium-")
        self.log = open(log_path, "ab")
        self.proc = subprocess.Popen([CHROMEDRIVER, f"--port={self.port}"], stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.session = None
        deadline = time.monotonic() + 30
        while True:
            try:
                if self.call("GET", "/status").get("ready"):
                    break
            except (OSError, WebDriverError):
                pass
            if self.proc.poll() is not None:
                raise WebDriverError(f"chromedriver exited at start ({self.proc.returncode})")
            if time.monotonic() > deadline:
                raise WebDriverError("chromedriver did not become ready in 30 s")
            time.sleep(0.1)
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1000", f"--user-data-dir={self.profile_dir}"]
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome", "pageLoadStrategy": "normal",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args}}}}
        v = self.call("POST", "/session", caps)
        self.session = v["sessionId"]
        self.browser_version = (v.get("capabilities") or {}).get("browserVersion")

    def call(self, method: str, path: str, body=None, timeout: float = 90):
        data = json.dumps(body if body is not None else {}).encode() if method == "POST" else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return json.loads(r.read() or b"{}").get("value")
        except urllib.error.HTTPError as e:
            try:
                v = json.loads(e.read()).get("value") or {}
            except ValueError:
                v = {}
            raise WebDriverError(f"{method} {path}: {e.code} {v.get('error', '')} "
                                 f"{str(v.get('message', ''))[:300]}") from None

    def cmd(self, method: str, path: str, body=None):
        return self.call(method, f"/session/{self.session}{path}", body)

    def goto(self, url: str):
        self.cmd("POST", "/url", {"url": url})

    def close(self):
        try:
            if self.session:
                self.call("DELETE", f"/session/{self.session}", timeout=30)
        except (OSError, WebDriverError):
            pass
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.profile_dir, ignore_errors=True)


def page_size(origin: str) -> int | None:
    """The largest page the web UI the server ships can show up to WANT_ROWS rows: its
    PAGE_SIZES (chosen with `?size=`) or, in older builds, its fixed PAGE_SIZE."""
    try:
        with urllib.request.urlopen(origin + "/assets/js/query.js", timeout=10) as r:
            src = r.read().decode()
    except OSError:
        return None
    m = re.search(r"export const PAGE_SIZES\s*=\s*\[([\d,\s]+)\]", src)
    if m:
        sizes = [int(x) for x in m.group(1).split(",") if x.strip()]
        fit = [x for x in sizes if x <= WANT_ROWS]
        return max(fit) if fit else min(sizes)
    m = re.search(r"export const PAGE_SIZE\s*=\s*(\d+)", src)
    return int(m.group(1)) if m else None


def run(port: int, token: str, reps: int, log_path: str, log=print) -> dict:
    """Times `reps` navigations to /audit (after one untimed one). Returns a dict with
    `skipped` when Chromium or chromedriver is missing or the session cannot start."""
    for b in (CHROMIUM, CHROMEDRIVER):
        if not os.path.exists(b):
            return {"skipped": f"{b} not installed (apt-get install chromium chromium-driver)"}
    origin = f"http://127.0.0.1:{port}"
    ps = page_size(origin)
    want = min(WANT_ROWS, ps) if ps else WANT_ROWS
    if ps and ps < WANT_ROWS:
        log(f"    the audit page shows at most {ps} rows a page (web/assets/js/query.js): "
            f"timing navigation -> {want} rendered rows")
    path = f"/audit?size={want}"
    try:
        d = Driver(log_path)
    except (OSError, WebDriverError) as e:
        return {"skipped": f"cannot start a Chromium session: {e}"}
    try:
        try:
            d.cmd("POST", "/goog/cdp/execute", {"cmd": "Page.addScriptToEvaluateOnNewDocument",
                                                 "params": {"source": OBSERVER_JS % (want, json.dumps(ROW_SELECTOR))}})
            observer = True
        except WebDriverError:
            observer = False
        d.cmd("POST", "/timeouts", {"script": 60_000, "pageLoad": 60_000})
        d.goto(origin + "/assets/favicon.svg")  # same origin, no app script: then the cookie
        d.cmd("POST", "/cookie", {"cookie": {"name": "coder_session_token", "value": token, "path": "/",
                                             "httpOnly": True}})
        samples = []
        for i in range(reps + 1):
            d.goto("about:blank")
            d.goto(origin + path)
            r = d.cmd("POST", "/execute/async", {"script": WAIT_JS, "args": [want, ROW_SELECTOR]})
            if not r or r.get("rows", 0) < want:
                raise WebDriverError(f"audit page rendered {r and r.get('rows')} rows, wanted {want} ({r})")
            if not r["url"].startswith("/audit"):
                raise WebDriverError(f"navigation ended at {r['url']} (not signed in?)")
            if i:
                samples.append(r)
        rows = [s["rows_ms"] for s in samples]
        st = summarize(rows)
        med = lambda k: (round(statistics.median([s[k] for s in samples if s.get(k) is not None]), 2)  # noqa: E731
                         if any(s.get(k) is not None for s in samples) else None)
        return {"reps": len(samples), "rows": want, "page_size": ps, "url": path,
                "median_ms": st["median_ms"], "p95_ms": st["p95_ms"], "min_ms": st["min_ms"],
                "max_ms": st["max_ms"], "frame_median_ms": med("frame_ms"), "api_median_ms": med("api_ms"),
                "api_start_median_ms": med("api_start_ms"), "dcl_median_ms": med("dom_content_loaded_ms"),
                "observer": observer, "chromium": d.browser_version, "samples_ms": [round(x, 1) for x in rows]}
    except (OSError, WebDriverError) as e:
        return {"error": str(e)}
    finally:
        d.close()
