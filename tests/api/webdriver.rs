//! A small W3C WebDriver client (over `ureq`) driving Debian's headless Chromium through
//! chromedriver, for the UI tests. One browser at a time (the machine has 2 cores); a test
//! that panics leaves a screenshot in `target/ui-screenshots/<test>.png`.

#![allow(dead_code)]

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long a wait may poll before the test fails (generous: the CI machine is small).
const WAIT: Duration = Duration::from_secs(30);

static ONE_BROWSER: Mutex<()> = Mutex::new(());

fn chromium_bin() -> String {
    std::env::var("CHROMIUM_BIN").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

fn chromedriver_bin() -> String {
    std::env::var("CHROMEDRIVER_BIN").unwrap_or_else(|_| "/usr/bin/chromedriver".into())
}

/// Where failure screenshots go: `$CARGO_TARGET_DIR/ui-screenshots` or `./target/...`.
pub fn screenshot_dir() -> PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("ui-screenshots")
}

#[derive(Clone, Debug)]
pub struct Element(pub String);

pub struct Browser {
    name: String,
    base: String,
    session: String,
    agent: ureq::Agent,
    driver: Child,
    _profile: tempfile::TempDir,
    _lock: MutexGuard<'static, ()>,
}

impl Browser {
    /// Starts chromedriver on a free port and a fresh headless Chromium session. Fails (never
    /// skips) when the browser is not installed.
    pub fn start(name: &str) -> Browser {
        let (chromium, driver_bin) = (chromium_bin(), chromedriver_bin());
        for bin in [&chromium, &driver_bin] {
            assert!(
                Path::new(bin).exists(),
                "{bin} is missing: the UI tests need Debian's chromium and chromium-driver. \
                 Run ./scripts/test (it installs them) or `apt-get install -y chromium chromium-driver`."
            );
        }
        let lock = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
            l.local_addr().expect("addr").port()
        };
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {driver_bin}: {e}"));
        let base = format!("http://127.0.0.1:{port}");
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(90))
            .build();
        let profile = tempfile::tempdir().expect("profile dir");
        let mut browser = Browser {
            name: name.to_string(),
            base,
            session: String::new(),
            agent,
            driver,
            _profile: profile,
            _lock: lock,
        };
        browser.wait_for_driver();
        let args = json!([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,1000",
            format!("--user-data-dir={}", browser._profile.path().display()),
        ]);
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args},
        }}});
        let v = browser
            .call("POST", "/session", Some(caps))
            .unwrap_or_else(|e| panic!("cannot start a Chromium session: {e}"));
        browser.session = v["sessionId"].as_str().expect("session id").to_string();
        browser
    }

    fn wait_for_driver(&mut self) {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(v) = self.call("GET", "/status", None) {
                if v["ready"].as_bool() == Some(true) {
                    return;
                }
            }
            if let Ok(Some(status)) = self.driver.try_wait() {
                panic!("chromedriver exited at start: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not become ready"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// One WebDriver command; returns its `value` or the driver's error text.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let req = self
            .agent
            .request(method, &format!("{}{}", self.base, path));
        let result = match body {
            Some(b) => req.send_json(b),
            None if method == "POST" => req.send_json(json!({})),
            None => req.call(),
        };
        match result {
            Ok(r) => {
                let v: Value = r.into_json().map_err(|e| e.to_string())?;
                Ok(v.get("value").cloned().unwrap_or(Value::Null))
            }
            Err(ureq::Error::Status(code, r)) => {
                let v: Value = r.into_json().unwrap_or(Value::Null);
                Err(format!(
                    "{method} {path}: {code} {} {}",
                    v["value"]["error"].as_str().unwrap_or(""),
                    v["value"]["message"].as_str().unwrap_or("")
                ))
            }
            Err(e) => Err(format!("{method} {path}: {e}")),
        }
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}{}", self.session, path);
        self.call(method, &path, body)
            .unwrap_or_else(|e| panic!("webdriver: {e}"))
    }

    pub fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }

    pub fn refresh(&self) {
        self.cmd("POST", "/refresh", None);
    }

    pub fn back(&self) {
        self.cmd("POST", "/back", None);
    }

    pub fn current_url(&self) -> String {
        self.cmd("GET", "/url", None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    pub fn set_window_size(&self, width: u32, height: u32) {
        self.cmd(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
    }

    /// Adds a cookie for the current page's origin (navigate there first).
    pub fn set_cookie(&self, name: &str, value: &str) {
        self.cmd(
            "POST",
            "/cookie",
            Some(json!({"cookie": {"name": name, "value": value, "path": "/", "httpOnly": true}})),
        );
    }

    /// Runs a synchronous script in the page and returns its result.
    pub fn js(&self, script: &str, args: Value) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    pub fn find_all(&self, css: &str) -> Vec<Element> {
        let v = self.cmd(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        );
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e[ELEMENT_KEY].as_str().map(|s| Element(s.to_string())))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn find(&self, css: &str) -> Option<Element> {
        self.find_all(css).into_iter().next()
    }

    /// Polls until `cond` holds; panics with `what` after the deadline.
    pub fn wait_until(&self, what: &str, cond: impl Fn(&Browser) -> bool) {
        let deadline = Instant::now() + WAIT;
        while !cond(self) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what} (at {})",
                self.current_url()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits for a visible element matching `css`.
    pub fn wait(&self, css: &str) -> Element {
        let mut found = None;
        let deadline = Instant::now() + WAIT;
        while found.is_none() {
            found = self.find_all(css).into_iter().find(|e| self.displayed(e));
            if found.is_none() {
                assert!(
                    Instant::now() < deadline,
                    "timed out waiting for `{css}` at {}; page text: {}",
                    self.current_url(),
                    self.page_text()
                );
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        found.expect("found")
    }

    /// Waits until `css` matches an element whose text contains `needle`.
    pub fn wait_text(&self, css: &str, needle: &str) -> Element {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(e) = self
                .find_all(css)
                .into_iter()
                .find(|e| self.text_opt(e).is_some_and(|t| t.contains(needle)))
            {
                return e;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for `{css}` containing {needle:?} at {}; page text: {}",
                self.current_url(),
                self.page_text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn page_text(&self) -> String {
        self.js(
            "return document.body ? document.body.innerText : ''",
            json!([]),
        )
        .as_str()
        .unwrap_or("")
        .chars()
        .take(2000)
        .collect()
    }

    fn el(&self, e: &Element, rest: &str) -> String {
        format!("/element/{}{}", e.0, rest)
    }

    pub fn click(&self, e: &Element) {
        self.cmd("POST", &self.el(e, "/click"), None);
    }

    /// Presses Enter in the element (submits its form).
    pub fn enter(&self, e: &Element) {
        self.type_text(e, "\u{E007}");
    }

    /// Replaces an input's text.
    pub fn fill(&self, e: &Element, text: &str) {
        self.clear(e);
        self.type_text(e, text);
    }

    /// Signs the browser in with an existing session token (sets the cookie on `base`).
    pub fn sign_in_with_token(&self, base: &str, token: &str) {
        self.goto(&format!("{base}/assets/favicon.svg"));
        self.set_cookie("coder_session_token", token);
    }

    /// A JSON array of strings computed by `script` (which must `return` an array).
    pub fn strings(&self, script: &str) -> Vec<String> {
        self.js(script, json!([]))
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|v| v.as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn clear(&self, e: &Element) {
        self.cmd("POST", &self.el(e, "/clear"), None);
    }

    /// Types text into an input (keys as a user would).
    pub fn type_text(&self, e: &Element, text: &str) {
        self.cmd("POST", &self.el(e, "/value"), Some(json!({ "text": text })));
    }

    /// The element's text, or None when it went stale (the page re-rendered).
    pub fn text_opt(&self, e: &Element) -> Option<String> {
        self.call(
            "GET",
            &format!("/session/{}{}", self.session, self.el(e, "/text")),
            None,
        )
        .ok()
        .map(|v| v.as_str().unwrap_or("").to_string())
    }

    pub fn text(&self, e: &Element) -> String {
        self.cmd("GET", &self.el(e, "/text"), None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    pub fn attr(&self, e: &Element, name: &str) -> Option<String> {
        self.cmd("GET", &self.el(e, &format!("/attribute/{name}")), None)
            .as_str()
            .map(str::to_string)
    }

    pub fn displayed(&self, e: &Element) -> bool {
        self.call(
            "GET",
            &format!("/session/{}{}", self.session, self.el(e, "/displayed")),
            None,
        )
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
    }

    /// Saves a PNG of the viewport.
    pub fn screenshot(&self, path: &Path) -> Result<(), String> {
        let v = self.call(
            "GET",
            &format!("/session/{}/screenshot", self.session),
            None,
        )?;
        let png = base64_decode(v.as_str().unwrap_or("")).ok_or("bad base64")?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        std::fs::write(path, png).map_err(|e| e.to_string())
    }

    /// With `UI_SNAPSHOTS=1`, saves `target/ui-screenshots/<test>-<step>.png` (to look at
    /// pages by hand).
    pub fn snapshot(&self, step: &str) {
        if std::env::var_os("UI_SNAPSHOTS").is_none() {
            return;
        }
        let path = screenshot_dir().join(format!("{}-{step}.png", self.name));
        if let Err(e) = self.screenshot(&path) {
            eprintln!("screenshot {}: {e}", path.display());
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if std::thread::panicking() && !self.session.is_empty() {
            let path = screenshot_dir().join(format!("{}.png", self.name));
            match self.screenshot(&path) {
                Ok(()) => eprintln!("UI test failed; screenshot saved to {}", path.display()),
                Err(e) => eprintln!("UI test failed; no screenshot: {e}"),
            }
        }
        if !self.session.is_empty() {
            let _ = self.call("DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Standard base64 (with padding) to bytes.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => (c - b'A') as u32,
            b'a'..=b'z' => (c - b'a') as u32 + 26,
            b'0'..=b'9' => (c - b'0') as u32 + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        })
    }
    let bytes: Vec<u8> = s
        .bytes()
        .filter(|b| !b.is_ascii_whitespace() && *b != b'=')
        .collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= val(c)? << (18 - 6 * i);
        }
        let take = match chunk.len() {
            4 => 3,
            3 => 2,
            2 => 1,
            _ => return None,
        };
        out.extend_from_slice(&n.to_be_bytes()[1..1 + take]);
    }
    Some(out)
}

#[test]
fn base64_round_trip() {
    assert_eq!(base64_decode("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
    assert_eq!(base64_decode("aGk=").as_deref(), Some(&b"hi"[..]));
    assert_eq!(base64_decode("YWJj").as_deref(), Some(&b"abc"[..]));
}
