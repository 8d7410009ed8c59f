//! The little arithmetic of the report: percentiles of our own samples, ratios, and peak memory.

use std::time::Duration;

/// The nearest-rank percentile `p` (0–100) of `samples` (any order); `None` when there are none.
/// The 50th of 1..=100 is 50, the 99th is 99, the 100th is the maximum, the 0th the minimum.
pub fn percentile(samples: &[Duration], p: f64) -> Option<Duration> {
    if samples.is_empty() || !(0.0..=100.0).contains(&p) {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// The median of `values` (the mean of the middle two for an even count); `None` when there are none.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    Some(if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    })
}

/// `value / yardstick`, or `None` when the yardstick measured nothing.
pub fn ratio(value: f64, yardstick: f64) -> Option<f64> {
    (yardstick > 0.0 && value.is_finite() && yardstick.is_finite()).then(|| value / yardstick)
}

/// Microseconds as milliseconds with two decimals: `1234.0` → `"1.23"`.
pub fn millis(us: f64) -> String {
    format!("{:.2}", us / 1_000.0)
}

/// A field of `/proc/<pid>/status` in kB, e.g. `VmHWM` (peak resident set) or `VmRSS`.
pub fn proc_status_kb(status: &str, field: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        let mut words = rest.split_whitespace();
        let value = words.next()?.parse().ok()?;
        (words.next() == Some("kB")).then_some(value)
    })
}

/// The peak resident set (`VmHWM`) of a live process, in kB.
pub fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    proc_status_kb(&status, "VmHWM")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(values: &[u64]) -> Vec<Duration> {
        values.iter().map(|v| Duration::from_millis(*v)).collect()
    }

    #[test]
    fn nearest_rank_percentiles() {
        let hundred: Vec<u64> = (1..=100).rev().collect();
        let samples = ms(&hundred);
        assert_eq!(percentile(&samples, 50.0), Some(Duration::from_millis(50)));
        assert_eq!(percentile(&samples, 99.0), Some(Duration::from_millis(99)));
        assert_eq!(
            percentile(&samples, 100.0),
            Some(Duration::from_millis(100))
        );
        assert_eq!(percentile(&samples, 0.0), Some(Duration::from_millis(1)));
        let three = ms(&[30, 10, 20]);
        assert_eq!(percentile(&three, 50.0), Some(Duration::from_millis(20)));
        assert_eq!(percentile(&three, 99.0), Some(Duration::from_millis(30)));
        assert_eq!(percentile(&ms(&[7]), 99.0), Some(Duration::from_millis(7)));
    }

    #[test]
    fn no_percentile_of_nothing_or_out_of_range() {
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&ms(&[1]), 101.0), None);
        assert_eq!(percentile(&ms(&[1]), -1.0), None);
        assert_eq!(percentile(&ms(&[1]), f64::NAN), None);
    }

    #[test]
    fn medians() {
        assert_eq!(median(&[0.9, 0.75, 0.8]), Some(0.8));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[7.0]), Some(7.0));
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[f64::NAN, 1.0]), Some(1.0), "NaN left out");
    }

    #[test]
    fn ratios() {
        assert_eq!(ratio(7_000.0, 10_000.0), Some(0.7));
        assert_eq!(ratio(0.0, 10_000.0), Some(0.0));
        assert_eq!(ratio(1.0, 0.0), None);
        assert_eq!(ratio(f64::NAN, 1.0), None);
        assert_eq!(ratio(1.0, f64::INFINITY), None);
    }

    #[test]
    fn milliseconds() {
        assert_eq!(millis(1_234.0), "1.23");
        assert_eq!(millis(19_999.0), "20.00");
        assert_eq!(millis(0.0), "0.00");
    }

    #[test]
    fn reads_peak_rss_from_proc_status() {
        let status = "Name:\ttiktok-integrat\nVmPeak:\t  600000 kB\nVmHWM:\t   23456 kB\nVmRSS:\t   20000 kB\n";
        assert_eq!(proc_status_kb(status, "VmHWM"), Some(23_456));
        assert_eq!(proc_status_kb(status, "VmRSS"), Some(20_000));
        assert_eq!(proc_status_kb(status, "VmSwap"), None);
        assert_eq!(
            proc_status_kb("VmHWM:\t12 MB\n", "VmHWM"),
            None,
            "unit checked"
        );
        assert_eq!(
            proc_status_kb("VmHWMX:\t12 kB\n", "VmHWM"),
            None,
            "whole field name"
        );
    }

    #[test]
    fn reads_our_own_peak_rss() {
        let kb = peak_rss_kb(std::process::id()).expect("Linux has /proc");
        assert!(kb > 0);
    }
}
