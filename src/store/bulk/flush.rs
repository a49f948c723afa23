//! Writing the new database file to disk while its indexes are built: a background thread syncs the
//! file over and over, so the disk writes overlap the index build instead of all waiting for
//! the final sync (~2 s per million audit rows on this machine). Errors are left to the final
//! `sync_all`, which the caller still makes.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

pub struct Flusher {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Flusher {
    /// Starts syncing `path` in the background (nothing happens when it cannot be opened).
    pub fn start(path: &Path) -> Flusher {
        let stop = Arc::new(AtomicBool::new(false));
        let handle = std::fs::File::open(path).ok().and_then(|file| {
            let stop = Arc::clone(&stop);
            std::thread::Builder::new()
                .name("flusher".into())
                .spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        let _ = file.sync_data();
                        std::thread::park_timeout(Duration::from_millis(100));
                    }
                })
                .ok()
        });
        Flusher { stop, handle }
    }
}

impl Drop for Flusher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            h.thread().unpark();
            let _ = h.join();
        }
    }
}
