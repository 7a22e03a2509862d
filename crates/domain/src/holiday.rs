//! Public holidays, computed (never typed into a configuration).
//!
//! Nordrhein-Westfalen observes the nine nationwide holidays plus Fronleichnam and
//! Allerheiligen (Feiertagsgesetz NW § 2). The movable ones follow Easter Sunday, computed
//! with the Gregorian computus (the "anonymous Gregorian algorithm", Meeus/Jones/Butcher).

use jiff::civil::{date, Date};
use jiff::ToSpan;

/// Easter Sunday of `year` (Gregorian calendar, valid for 1583..=9999).
pub fn easter_sunday(year: i16) -> Date {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    // month is 3 or 4 and day 1..=31 by construction.
    date(year, month as i8, day as i8)
}

/// The public holidays of NRW in `year`, in date order, with their German names.
pub fn nrw(year: i16) -> Vec<(Date, &'static str)> {
    let easter = easter_sunday(year);
    let rel = |days: i32| easter.saturating_add(days.days());
    let mut v = vec![
        (date(year, 1, 1), "Neujahr"),
        (rel(-2), "Karfreitag"),
        (rel(1), "Ostermontag"),
        (date(year, 5, 1), "Tag der Arbeit"),
        (rel(39), "Christi Himmelfahrt"),
        (rel(50), "Pfingstmontag"),
        (rel(60), "Fronleichnam"),
        (date(year, 10, 3), "Tag der Deutschen Einheit"),
        (date(year, 11, 1), "Allerheiligen"),
        (date(year, 12, 25), "1. Weihnachtstag"),
        (date(year, 12, 26), "2. Weihnachtstag"),
    ];
    v.sort_by_key(|(d, _)| *d);
    v
}

/// The holiday of NRW on `day`, if it is one.
pub fn nrw_holiday(day: Date) -> Option<&'static str> {
    nrw(day.year())
        .into_iter()
        .find(|(d, _)| *d == day)
        .map(|(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn easter_dates_match_the_published_tables() {
        // Dates as published e.g. by the Physikalisch-Technische Bundesanstalt.
        for (y, m, d) in [
            (1961, 4, 2),
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2028, 4, 16),
            (2038, 4, 25),
            (2285, 3, 22),
        ] {
            assert_eq!(easter_sunday(y), date(y, m, d), "Easter {y}");
        }
    }

    #[test]
    fn nrw_2026() {
        let days: Vec<String> = nrw(2026).iter().map(|(d, _)| d.to_string()).collect();
        assert_eq!(
            days,
            [
                "2026-01-01",
                "2026-04-03",
                "2026-04-06",
                "2026-05-01",
                "2026-05-14",
                "2026-05-25",
                "2026-06-04",
                "2026-10-03",
                "2026-11-01",
                "2026-12-25",
                "2026-12-26"
            ]
        );
        assert_eq!(nrw_holiday(date(2026, 6, 4)), Some("Fronleichnam"));
        assert_eq!(nrw_holiday(date(2026, 6, 5)), None);
        // Reformationstag is a holiday in other Länder, not in NRW.
        assert_eq!(nrw_holiday(date(2026, 10, 31)), None);
    }

    #[test]
    fn movable_feasts_keep_their_weekday() {
        for y in 1900..2200 {
            let e = easter_sunday(y);
            assert_eq!(e.weekday(), jiff::civil::Weekday::Sunday, "{y}");
            assert!(
                (date(y, 3, 22)..=date(y, 4, 25)).contains(&e),
                "Easter {y} out of range: {e}"
            );
            let h = nrw(y);
            let by_name = |n: &str| h.iter().find(|(_, x)| *x == n).map(|(d, _)| *d);
            assert_eq!(
                by_name("Karfreitag").map(|d| d.weekday()),
                Some(jiff::civil::Weekday::Friday)
            );
            assert_eq!(
                by_name("Christi Himmelfahrt").map(|d| d.weekday()),
                Some(jiff::civil::Weekday::Thursday)
            );
            assert_eq!(
                by_name("Pfingstmontag").map(|d| d.weekday()),
                Some(jiff::civil::Weekday::Monday)
            );
            assert_eq!(
                by_name("Fronleichnam").map(|d| d.weekday()),
                Some(jiff::civil::Weekday::Thursday)
            );
            assert_eq!(h.len(), 11);
        }
    }
}
