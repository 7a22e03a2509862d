//! The portal's clock: now, today and times in Europe/Berlin, where every municipality
//! that runs Rathaus lives.

/// One day in milliseconds.
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Now, in unix milliseconds.
pub fn now_millis() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// Today's date in Europe/Berlin, as YYYY-MM-DD.
pub fn today() -> String {
    let now = jiff::Zoned::now();
    match now.in_tz("Europe/Berlin") {
        Ok(z) => z.date().to_string(),
        Err(_) => now.date().to_string(),
    }
}

/// Today's date in Europe/Berlin, as a date.
pub fn today_date() -> jiff::civil::Date {
    let now = jiff::Zoned::now();
    match now.in_tz("Europe/Berlin") {
        Ok(z) => z.date(),
        Err(_) => now.date(),
    }
}

/// Date and time of a unix-millisecond timestamp in Europe/Berlin, German style.
pub fn berlin_datetime(millis: i64) -> String {
    berlin_format(millis, "%d.%m.%Y, %H:%M Uhr")
}

/// A unix-millisecond timestamp in Europe/Berlin, formatted with `strftime` directives.
pub fn berlin_format(millis: i64, format: &str) -> String {
    jiff::Timestamp::from_millisecond(millis)
        .ok()
        .and_then(|t| t.in_tz("Europe/Berlin").ok())
        .map(|z| z.strftime(format).to_string())
        .unwrap_or_default()
}

/// A unix-millisecond timestamp as RFC 3339 (UTC).
pub fn rfc3339(millis: i64) -> String {
    jiff::Timestamp::from_millisecond(millis)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// A timestamp in Berlin local time, for a PDF's metadata.
pub fn pdf_timestamp(millis: i64) -> rathaus_pdf::Timestamp {
    let ts = jiff::Timestamp::from_millisecond(millis).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let zoned = ts
        .in_tz("Europe/Berlin")
        .unwrap_or_else(|_| ts.to_zoned(jiff::tz::TimeZone::UTC));
    let offset_minutes = (zoned.offset().seconds() / 60) as i16;
    rathaus_pdf::Timestamp {
        year: zoned.year().max(0) as u16,
        month: zoned.month() as u8,
        day: zoned.day() as u8,
        hour: zoned.hour() as u8,
        minute: zoned.minute() as u8,
        second: zoned.second() as u8,
        offset_minutes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn berlin_times() {
        // 2026-03-29 01:30 UTC is 03:30 summer time in Berlin.
        assert_eq!(berlin_datetime(1_774_747_800_000), "29.03.2026, 03:30 Uhr");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(pdf_timestamp(1_774_747_800_000).offset_minutes, 120);
    }
}
