//! Guessing a code is made useless: every code (a guest's access code per reference, a
//! resume code per draft) allows a few wrong tries, then each further try must wait twice
//! as long as the one before (30 s, 1 min, 2 min … up to an hour); and each network address
//! may try only so many codes an hour, whichever reference or draft they are for. The
//! counts per code are in the database (shared by all instances); the per-address count
//! is in memory, so no address is stored.
//!
//! In the first hour a reference allows 5 + 6 = 11 tries, then one an hour; against a code
//! of 60 bits (access) or 40 bits (resume) that is nothing.

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use rathaus_store::{Db, StoreError};
use std::net::IpAddr;
use std::num::NonZeroU32;

/// Wrong tries that cost nothing.
pub const FREE_TRIES: i64 = 5;
/// The wait after the first try beyond them; it doubles with every further one.
pub const FIRST_WAIT_MS: i64 = 30_000;
/// The longest wait.
pub const MAX_WAIT_MS: i64 = 3_600_000;
/// Code tries per network address and hour.
pub const PER_ADDRESS_PER_HOUR: u32 = 30;
/// New guest grants of apps per network address and hour.
pub const GUEST_GRANTS_PER_HOUR: u32 = 60;
/// Loss reports per network address and hour (each may mail the address it names).
pub const LOSS_REPORTS_PER_HOUR: u32 = 10;

/// How long the next try must wait after `failures` wrong ones.
pub fn wait_after(failures: i64) -> i64 {
    if failures < FREE_TRIES {
        return 0;
    }
    let doublings = u32::try_from(failures - FREE_TRIES)
        .unwrap_or(u32::MAX)
        .min(20);
    (FIRST_WAIT_MS << doublings).min(MAX_WAIT_MS)
}

/// Whether a try may be made now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Not before this many milliseconds from now.
    Wait(i64),
}

pub struct Guesses {
    per_address: DefaultKeyedRateLimiter<IpAddr>,
    guest_grants: DefaultKeyedRateLimiter<IpAddr>,
    loss_reports: DefaultKeyedRateLimiter<IpAddr>,
}

impl Default for Guesses {
    fn default() -> Self {
        let n = NonZeroU32::new(PER_ADDRESS_PER_HOUR).unwrap_or(NonZeroU32::MIN);
        let g = NonZeroU32::new(GUEST_GRANTS_PER_HOUR).unwrap_or(NonZeroU32::MIN);
        Guesses {
            per_address: RateLimiter::keyed(Quota::per_hour(n)),
            guest_grants: RateLimiter::keyed(Quota::per_hour(g)),
            loss_reports: RateLimiter::keyed(Quota::per_hour(
                NonZeroU32::new(LOSS_REPORTS_PER_HOUR).unwrap_or(NonZeroU32::MIN),
            )),
        }
    }
}

impl Guesses {
    /// May `ip` try a code for `key` now? (Counts the try against the address.)
    pub async fn check(
        &self,
        db: &Db,
        tenant: &str,
        key: &str,
        ip: Option<IpAddr>,
    ) -> Result<Verdict, StoreError> {
        let (failures, last_at) = db.guess_failures(tenant, key).await?;
        let wait = last_at + wait_after(failures) - crate::clock::now_millis();
        if wait > 0 {
            return Ok(Verdict::Wait(wait));
        }
        if let Some(ip) = ip {
            if let Err(not_until) = self.per_address.check_key(&ip) {
                let ms = not_until
                    .wait_time_from(governor::clock::Clock::now(
                        &governor::clock::DefaultClock::default(),
                    ))
                    .as_millis();
                return Ok(Verdict::Wait(
                    i64::try_from(ms).unwrap_or(MAX_WAIT_MS).max(1),
                ));
            }
        }
        Ok(Verdict::Allowed)
    }

    /// The try was wrong.
    pub async fn failed(&self, db: &Db, tenant: &str, key: &str) -> Result<(), StoreError> {
        db.guess_failed(tenant, key).await
    }

    /// The try was right: the count for `key` starts again.
    pub async fn succeeded(&self, db: &Db, tenant: &str, key: &str) -> Result<(), StoreError> {
        db.guess_succeeded(tenant, key).await
    }

    /// May `ip` have another guest grant for an app now? (Counts it.)
    pub fn guest_grant(&self, ip: Option<IpAddr>) -> Verdict {
        allowance(&self.guest_grants, ip)
    }

    /// May `ip` file another loss report now? (Counts it.)
    pub fn loss_report(&self, ip: Option<IpAddr>) -> Verdict {
        allowance(&self.loss_reports, ip)
    }

    /// Forgets addresses whose allowance is full again.
    pub fn tidy(&self) {
        self.per_address.retain_recent();
        self.guest_grants.retain_recent();
        self.loss_reports.retain_recent();
    }
}

/// One more of `limiter`'s allowance for `ip` (no address: nothing to count).
fn allowance(limiter: &DefaultKeyedRateLimiter<IpAddr>, ip: Option<IpAddr>) -> Verdict {
    let Some(ip) = ip else {
        return Verdict::Allowed;
    };
    match limiter.check_key(&ip) {
        Ok(()) => Verdict::Allowed,
        Err(not_until) => {
            let ms = not_until
                .wait_time_from(governor::clock::Clock::now(
                    &governor::clock::DefaultClock::default(),
                ))
                .as_millis();
            Verdict::Wait(i64::try_from(ms).unwrap_or(MAX_WAIT_MS).max(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_and_are_capped() {
        assert_eq!(wait_after(0), 0);
        assert_eq!(wait_after(4), 0);
        assert_eq!(wait_after(5), 30_000);
        assert_eq!(wait_after(6), 60_000);
        assert_eq!(wait_after(11), 1_920_000);
        assert_eq!(wait_after(12), MAX_WAIT_MS);
        assert_eq!(wait_after(i64::MAX), MAX_WAIT_MS);
        // Tries possible within the first hour of an attack on one reference.
        let mut t = 0;
        let mut tries = 0;
        while t < 3_600_000 {
            t += wait_after(tries);
            if t < 3_600_000 {
                tries += 1;
            }
        }
        assert_eq!(tries, 11);
    }
}
