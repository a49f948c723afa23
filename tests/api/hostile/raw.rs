//! A minimal HTTP/1.1 client over a plain TCP socket: the request target and body go out
//! byte for byte (no URL normalisation, so `..`, `%2e` and invalid UTF-8 reach the server as
//! written), the body is written from a second thread while the response is read (a server
//! may answer 413 before reading a 10 MB body), and a read timeout turns a hung connection
//! into a test failure instead of a hang.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

pub struct RawResp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResp {
    pub fn header(&self, name: &str) -> Option<&str> {
        crate::common::find_header(&self.headers, name)
    }
}

pub struct RawReq<'a> {
    pub method: &'a str,
    pub target: &'a [u8],
    pub token: Option<&'a str>,
    pub body: Option<&'a [u8]>,
    /// Send the body with `Transfer-Encoding: chunked` instead of a `Content-Length`.
    pub chunked: bool,
}

const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Sends one request on a fresh connection (`Connection: close`) and reads the whole answer.
pub fn send(addr: &str, req: &RawReq) -> Result<RawResp, String> {
    let mut stream = TcpStream::connect(addr).map_err(|e| format!("connect: {e}"))?;
    stream
        .set_read_timeout(Some(READ_TIMEOUT))
        .map_err(|e| e.to_string())?;
    let mut head = Vec::new();
    head.extend_from_slice(req.method.as_bytes());
    head.push(b' ');
    head.extend_from_slice(req.target);
    head.extend_from_slice(b" HTTP/1.1\r\nHost: ");
    head.extend_from_slice(addr.as_bytes());
    head.extend_from_slice(b"\r\nConnection: close\r\nUser-Agent: hostile-test\r\n");
    if let Some(t) = req.token {
        head.extend_from_slice(format!("Coder-Session-Token: {t}\r\n").as_bytes());
    }
    if let Some(b) = req.body {
        head.extend_from_slice(b"Content-Type: application/json\r\n");
        if req.chunked {
            head.extend_from_slice(b"Transfer-Encoding: chunked\r\n");
        } else {
            head.extend_from_slice(format!("Content-Length: {}\r\n", b.len()).as_bytes());
        }
    }
    head.extend_from_slice(b"\r\n");
    stream
        .write_all(&head)
        .map_err(|e| format!("write head: {e}"))?;
    let body = req.body.map(|b| b.to_vec());
    let chunked = req.chunked;
    let mut writer = stream.try_clone().map_err(|e| e.to_string())?;
    // Write errors are expected when the server answers early and closes: ignored.
    let w = std::thread::spawn(move || {
        if let Some(b) = body {
            if chunked {
                for c in b.chunks(64 * 1024) {
                    if writer
                        .write_all(format!("{:x}\r\n", c.len()).as_bytes())
                        .and_then(|_| writer.write_all(c))
                        .and_then(|_| writer.write_all(b"\r\n"))
                        .is_err()
                    {
                        return;
                    }
                }
                let _ = writer.write_all(b"0\r\n\r\n");
            } else {
                let _ = writer.write_all(&b);
            }
        }
    });
    let mut buf = Vec::new();
    let read = read_response(&mut stream, &mut buf, req.method == "HEAD");
    let _ = stream.shutdown(std::net::Shutdown::Both);
    let _ = w.join();
    read?;
    parse(&buf, req.method == "HEAD")
}

/// Reads until the answer is complete (by `Content-Length`, the last chunk, or EOF), as a real
/// client does; a reset after a complete head is tolerated (the server may close while the
/// client is still sending a body it refused).
fn read_response(stream: &mut TcpStream, buf: &mut Vec<u8>, head_only: bool) -> Result<(), String> {
    let mut chunk = [0u8; 64 * 1024];
    loop {
        if complete(buf, head_only) {
            return Ok(());
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Ok(()),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Err(format!(
                    "no complete answer within {READ_TIMEOUT:?} (hung connection); got {} bytes",
                    buf.len()
                ))
            }
            Err(e) if find(buf, b"\r\n\r\n").is_some() => {
                let _ = e;
                return Ok(());
            }
            Err(e) => return Err(format!("read: {e} after {} bytes", buf.len())),
        }
    }
}

/// Whether `buf` holds a whole response.
fn complete(buf: &[u8], head_only: bool) -> bool {
    let Some(end) = find(buf, b"\r\n\r\n") else {
        return false;
    };
    if head_only {
        return true;
    }
    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
    let body = &buf[end + 4..];
    if let Some(len) = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        return body.len() >= len;
    }
    head.contains("transfer-encoding: chunked") && body.ends_with(b"0\r\n\r\n")
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn parse(buf: &[u8], head_only: bool) -> Result<RawResp, String> {
    let end = find(buf, b"\r\n\r\n").ok_or_else(|| {
        format!(
            "incomplete response head: {:?}",
            String::from_utf8_lossy(&buf[..buf.len().min(200)])
        )
    })?;
    let head = String::from_utf8_lossy(&buf[..end]);
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| format!("bad status line {status_line:?}"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let raw_body = &buf[end + 4..];
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    let body = if head_only {
        Vec::new()
    } else if chunked {
        dechunk(raw_body)?
    } else {
        raw_body.to_vec()
    };
    Ok(RawResp {
        status,
        headers,
        body,
    })
}

fn dechunk(mut b: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let line_end = find(b, b"\r\n").ok_or("truncated chunked body")?;
        let size_text = String::from_utf8_lossy(&b[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| format!("bad chunk size {size_text:?}"))?;
        b = &b[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if b.len() < size + 2 {
            return Err("truncated chunk".into());
        }
        out.extend_from_slice(&b[..size]);
        b = &b[size + 2..];
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
