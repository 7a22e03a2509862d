//! The API's allowance of requests per network address (in memory: no address is stored).

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

/// Requests per network address and minute.
pub struct ApiLimiter {
    per_address: DefaultKeyedRateLimiter<IpAddr>,
    seen: AtomicU64,
}

impl ApiLimiter {
    pub fn new(per_minute: u32) -> ApiLimiter {
        let n = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        ApiLimiter {
            per_address: RateLimiter::keyed(Quota::per_minute(n)),
            seen: AtomicU64::new(0),
        }
    }

    /// `Err(seconds)`: `ip` must wait that long.
    pub fn check(&self, ip: IpAddr) -> Result<(), u64> {
        // Now and then, addresses whose allowance is full again are forgotten.
        if self.seen.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            self.per_address.retain_recent();
        }
        self.per_address.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(
                &governor::clock::DefaultClock::default(),
            ));
            wait.as_secs().max(1)
        })
    }
}
