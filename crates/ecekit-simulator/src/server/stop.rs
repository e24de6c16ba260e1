//! The signal that stops a running simulator: every listener stops
//! accepting, and every delay, hang and open connection ends early.

use std::future::Future;
use std::time::Duration;
use tokio::sync::watch;

/// Sets the stop signal (from any thread, async or not).
pub struct StopSender(watch::Sender<bool>);

/// Waits for the stop signal; cheap to clone into every connection.
#[derive(Clone)]
pub struct Stop(watch::Receiver<bool>);

/// A new signal, not yet set.
pub fn channel() -> (StopSender, Stop) {
    let (tx, rx) = watch::channel(false);
    (StopSender(tx), Stop(rx))
}

impl StopSender {
    pub fn stop(&self) {
        self.0.send_replace(true);
    }
}

impl Stop {
    /// Resolves once the signal is set (or its sender is gone).
    pub async fn stopped(&self) {
        let mut rx = self.0.clone();
        let _ = rx.wait_for(|stopped| *stopped).await;
    }

    /// Runs `work` unless the signal comes first; `None` when it did.
    pub async fn unless_stopped<T>(&self, work: impl Future<Output = T>) -> Option<T> {
        tokio::select! {
            out = work => Some(out),
            () = self.stopped() => None,
        }
    }

    /// Sleeps for `duration`, or less when the signal comes first.
    pub async fn sleep(&self, duration: Duration) {
        if !duration.is_zero() {
            self.unless_stopped(tokio::time::sleep(duration)).await;
        }
    }
}
