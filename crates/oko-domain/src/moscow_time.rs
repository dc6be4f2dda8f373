//! Times are stored in UTC and shown in Moscow time, as every date in the seeds is.
//!
//! Moscow has been UTC+3 all year since 26 October 2014, so a fixed offset is exact
//! for every date the system stores, and it spares the WASM app a time-zone database.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime, TimeZone, Timelike, Utc, Weekday};

const MOSCOW_OFFSET_SECONDS: i32 = 3 * 3600;

/// The Moscow offset, UTC+3.
pub fn moscow() -> FixedOffset {
    FixedOffset::east_opt(MOSCOW_OFFSET_SECONDS).expect("UTC+3 is a valid offset")
}

/// A UTC instant as Moscow local time.
pub fn to_moscow(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&moscow())
}

/// A Moscow wall-clock time (as people type it) as a UTC instant.
pub fn from_moscow(local: NaiveDateTime) -> DateTime<Utc> {
    moscow()
        .from_local_datetime(&local)
        .single()
        .expect("a fixed offset maps every local time to exactly one instant")
        .with_timezone(&Utc)
}

const MONTHS_GENITIVE: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];
const MONTHS_SHORT: [&str; 12] = [
    "янв.",
    "февр.",
    "мар.",
    "апр.",
    "мая",
    "июн.",
    "июл.",
    "авг.",
    "сент.",
    "окт.",
    "нояб.",
    "дек.",
];

fn weekday_ru(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "понедельник",
        Weekday::Tue => "вторник",
        Weekday::Wed => "среда",
        Weekday::Thu => "четверг",
        Weekday::Fri => "пятница",
        Weekday::Sat => "суббота",
        Weekday::Sun => "воскресенье",
    }
}

/// «30 августа 2021, 20:41» — a collection window's ends.
pub fn long_date_time(at: DateTime<Utc>) -> String {
    let m = to_moscow(at);
    format!(
        "{} {} {}, {:02}:{:02}",
        m.day(),
        MONTHS_GENITIVE[m.month0() as usize],
        m.year(),
        m.hour(),
        m.minute()
    )
}

/// «30 авг. 2021 (понедельник)» — the date line of a publication.
pub fn publication_date(at: DateTime<Utc>) -> String {
    let m = to_moscow(at);
    format!(
        "{} {} {} ({})",
        m.day(),
        MONTHS_SHORT[m.month0() as usize],
        m.year(),
        weekday_ru(m.weekday())
    )
}

/// «02.03.2026 17:42 (мск)» — when someone last acted.
pub fn short_date_time(at: DateTime<Utc>) -> String {
    let m = to_moscow(at);
    format!(
        "{:02}.{:02}.{} {:02}:{:02} (мск)",
        m.day(),
        m.month(),
        m.year(),
        m.hour(),
        m.minute()
    )
}

/// «30 авг. 2021 / 20:41» — «Файлы доступны для скачивания с …».
pub fn date_slash_time(at: DateTime<Utc>) -> String {
    let m = to_moscow(at);
    format!(
        "{} {} {} / {:02}:{:02}",
        m.day(),
        MONTHS_SHORT[m.month0() as usize],
        m.year(),
        m.hour(),
        m.minute()
    )
}

/// How a date and time field asks to be filled.
pub const MOSCOW_INPUT_FORMAT: &str = "ДД.ММ.ГГГГ ЧЧ:ММ";

/// A date and time typed into a field, read as Moscow time: «30.08.2021 20:41»
/// as Russians write it (one-digit day, month or hour too; a date alone is its
/// midnight), or `2021-08-30T20:41` as a browser's own date field or a paste
/// from elsewhere gives it.
pub fn from_moscow_input(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    ["%d.%m.%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        .into_iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(text, "%d.%m.%Y")
                .ok()
                .and_then(|day| day.and_hms_opt(0, 0, 0))
        })
        .map(from_moscow)
}

/// A moment in Moscow time as a date and time field shows it: «30.08.2021 20:41».
pub fn to_moscow_input(at: DateTime<Utc>) -> String {
    to_moscow(at).format("%d.%m.%Y %H:%M").to_string()
}

/// How long until `deadline`, as a coordinator reads it on deadline day: «2 дня
/// 5 часов», «3 часа 20 минут», «15 минут»; `None` once it has passed.
pub fn time_left_ru(now: DateTime<Utc>, deadline: DateTime<Utc>) -> Option<String> {
    use crate::text::count_ru;
    let minutes = (deadline - now).num_minutes();
    if minutes <= 0 {
        return None;
    }
    let (days, hours, minutes) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    let days_ru = |n: i64| count_ru(n as u64, ["день", "дня", "дней"]);
    let hours_ru = |n: i64| count_ru(n as u64, ["час", "часа", "часов"]);
    let minutes_ru = |n: i64| count_ru(n as u64, ["минута", "минуты", "минут"]);
    Some(match (days, hours, minutes) {
        (0, 0, m) => minutes_ru(m),
        (0, h, 0) => hours_ru(h),
        (0, h, m) => format!("{} {}", hours_ru(h), minutes_ru(m)),
        (d, 0, _) => days_ru(d),
        (d, h, _) => format!("{} {}", days_ru(d), hours_ru(h)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    #[test]
    fn formats_match_the_seeds() {
        // 17:41 UTC is 20:41 in Moscow.
        assert_eq!(
            long_date_time(utc(2021, 8, 30, 17, 41)),
            "30 августа 2021, 20:41"
        );
        assert_eq!(
            publication_date(utc(2021, 8, 30, 9, 0)),
            "30 авг. 2021 (понедельник)"
        );
        assert_eq!(
            short_date_time(utc(2026, 3, 2, 14, 42)),
            "02.03.2026 17:42 (мск)"
        );
        assert_eq!(
            date_slash_time(utc(2021, 8, 30, 17, 41)),
            "30 авг. 2021 / 20:41"
        );
    }

    #[test]
    fn moscow_evening_is_next_day_after_midnight_utc_shift() {
        // 22:30 UTC on 6 September is already 7 September in Moscow.
        assert_eq!(
            long_date_time(utc(2021, 9, 6, 22, 30)),
            "7 сентября 2021, 01:30"
        );
    }

    #[test]
    fn deadline_typed_in_moscow_is_stored_three_hours_earlier() {
        let local = NaiveDate::from_ymd_opt(2021, 9, 7)
            .unwrap()
            .and_hms_opt(18, 0, 0)
            .unwrap();
        assert_eq!(from_moscow(local), utc(2021, 9, 7, 15, 0));
        assert_eq!(
            from_moscow_input("2021-09-07T18:00"),
            Some(utc(2021, 9, 7, 15, 0))
        );
        assert_eq!(to_moscow_input(utc(2021, 9, 7, 15, 0)), "07.09.2021 18:00");
        for typed in ["07.09.2021 18:00", "7.9.2021 18:00", " 07.09.2021  18:00 "] {
            assert_eq!(
                from_moscow_input(typed),
                Some(utc(2021, 9, 7, 15, 0)),
                "{typed}"
            );
        }
        assert_eq!(
            from_moscow_input("07.09.2021"),
            Some(utc(2021, 9, 6, 21, 0)),
            "a date alone is its Moscow midnight"
        );
        assert_eq!(from_moscow_input("7 сентября"), None);
        assert_eq!(from_moscow_input("31.02.2021 10:00"), None);
        assert_eq!(from_moscow_input("07.09.2021 25:00"), None);
    }

    #[test]
    fn time_left_is_said_in_russian_to_the_minute() {
        let deadline = utc(2021, 9, 7, 15, 0);
        let before = |minutes: i64| deadline - chrono::Duration::minutes(minutes);
        assert_eq!(
            time_left_ru(before(15), deadline).as_deref(),
            Some("15 минут")
        );
        assert_eq!(
            time_left_ru(before(61), deadline).as_deref(),
            Some("1 час 1 минута")
        );
        assert_eq!(
            time_left_ru(before(180), deadline).as_deref(),
            Some("3 часа")
        );
        assert_eq!(
            time_left_ru(before(2 * 1440 + 5 * 60 + 7), deadline).as_deref(),
            Some("2 дня 5 часов")
        );
        assert_eq!(
            time_left_ru(before(21 * 1440), deadline).as_deref(),
            Some("21 день")
        );
        assert_eq!(time_left_ru(deadline, deadline), None);
    }
}
