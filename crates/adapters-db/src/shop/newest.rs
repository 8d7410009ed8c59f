//! One row per id, the newest update kept: a multi-row upsert must not touch a row twice, and TikTok may
//! list an order or product again on a later page when it changed during the paging.

use std::collections::HashMap;

use chrono::NaiveDateTime;

/// `rows` with one row per `id`, the one with the latest `updated_at` (the last listed on a tie), in the
/// order each id was first listed.
pub(super) fn newest_per_id<R>(
    rows: impl IntoIterator<Item = R>,
    id: impl Fn(&R) -> &str,
    updated_at: impl Fn(&R) -> NaiveDateTime,
) -> Vec<R> {
    let mut kept: Vec<R> = Vec::new();
    let mut position: HashMap<String, usize> = HashMap::new();
    for row in rows {
        match position.get(id(&row)) {
            Some(&at) => {
                if updated_at(&kept[at]) <= updated_at(&row) {
                    kept[at] = row;
                }
            }
            None => {
                position.insert(id(&row).to_owned(), kept.len());
                kept.push(row);
            }
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::newest_per_id;

    #[test]
    fn keeps_the_latest_update_of_each_id_in_first_listed_order() {
        let at = |s: i64| {
            DateTime::from_timestamp(s, 0)
                .map(|t| t.naive_utc())
                .unwrap_or_default()
        };
        let rows = vec![
            ("a", at(10), 1),
            ("b", at(5), 2),
            ("a", at(9), 3),
            ("a", at(12), 4),
            ("b", at(5), 5),
        ];
        let kept = newest_per_id(rows, |r| r.0, |r| r.1);
        assert_eq!(kept, vec![("a", at(12), 4), ("b", at(5), 5)]);
    }
}
