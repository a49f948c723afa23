//! A minimal webhook receiver on 127.0.0.1 (plain HTTP or TLS) that records each POST's JSON
//! body and its `X-Coderlite-Audit-*` headers, and answers 200.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct Received {
    pub body: serde_json::Value,
    pub seq: i64,
    pub hash: String,
}

pub struct Receiver {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Receiver {
    /// Plain HTTP on `port` (0 = any); returns the receiver and its port.
    pub fn start(port: u16, got: Arc<Mutex<Vec<Received>>>) -> (Receiver, u16) {
        Self::start_tls(port, got, None)
    }

    /// HTTPS with the given server configuration when `tls` is set.
    pub fn start_tls(
        port: u16,
        got: Arc<Mutex<Vec<Received>>>,
        tls: Option<Arc<rustls::ServerConfig>>,
    ) -> (Receiver, u16) {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind receiver");
        let port = listener.local_addr().expect("addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let thread = std::thread::spawn(move || {
            while !stop2.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((s, _)) => {
                        let _ = s.set_nonblocking(false);
                        let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
                        match &tls {
                            None => serve_one(s, &got),
                            Some(cfg) => {
                                if let Ok(conn) = rustls::ServerConnection::new(cfg.clone()) {
                                    serve_one(rustls::StreamOwned::new(conn, s), &got);
                                }
                            }
                        }
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        (
            Receiver {
                stop,
                thread: Some(thread),
            },
            port,
        )
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve_one(mut s: impl Read + Write, got: &Mutex<Vec<Received>>) {
    if let Some(r) = read_request(&mut s) {
        got.lock().expect("lock").push(r);
    }
    let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let _ = s.flush();
}

fn read_request(s: &mut impl Read) -> Option<Received> {
    let mut r = BufReader::new(s);
    let mut line = String::new();
    r.read_line(&mut line).ok()?;
    let (mut len, mut seq, mut hash) = (0usize, 0i64, String::new());
    loop {
        line.clear();
        r.read_line(&mut line).ok()?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (k, v) = l.split_once(':')?;
        match k.to_ascii_lowercase().as_str() {
            "content-length" => len = v.trim().parse().ok()?,
            "x-coderlite-audit-seq" => seq = v.trim().parse().ok()?,
            "x-coderlite-audit-hash" => hash = v.trim().to_string(),
            _ => {}
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body).ok()?;
    Some(Received {
        body: serde_json::from_slice(&body).ok()?,
        seq,
        hash,
    })
}
