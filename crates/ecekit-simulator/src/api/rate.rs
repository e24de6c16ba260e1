//! `--rate-limit N`: a token bucket of N requests per second (a burst of N),
//! shared by every coordinator request. Past it the coordinator answers 429
//! with `Retry-After` (the seconds until a request would pass).

use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Bucket {
    per_second: u32,
    state: Mutex<(f64, Instant)>,
}

impl Bucket {
    pub fn new(per_second: u32) -> Bucket {
        Bucket {
            per_second,
            state: Mutex::new((f64::from(per_second), Instant::now())),
        }
    }

    pub fn per_second(&self) -> u32 {
        self.per_second
    }

    /// Takes one token, or says how long until one is there.
    pub fn take(&self) -> Result<(), Duration> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (tokens, last) = &mut *state;
        let now = Instant::now();
        let rate = f64::from(self.per_second);
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * rate).min(rate);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *tokens) / rate))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_past_the_rate_waits() {
        let b = Bucket::new(3);
        assert!(b.take().is_ok());
        assert!(b.take().is_ok());
        assert!(b.take().is_ok());
        let wait = b.take().unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_millis(334),
            "{wait:?}"
        );
    }
}
