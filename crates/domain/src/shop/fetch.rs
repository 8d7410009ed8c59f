//! Reading everything updated in a window: page by `page_token`, and split the window in halves when TikTok
//! says a search would pass its 10,000-result cap.

use std::future::Future;

use super::{Page, SearchQuery, ShopApiError};

/// Largest page TikTok Shop serves.
pub const PAGE_SIZE: u32 = 100;

/// Every item updated in `[from, until)`, page after page; a window over the result cap is split in two
/// (down to one second, which cannot be split further and fails with the cap error).
pub async fn fetch_window<T, F, Fut>(
    from: i64,
    until: i64,
    mut page: F,
) -> Result<Vec<T>, ShopApiError>
where
    F: FnMut(SearchQuery) -> Fut,
    Fut: Future<Output = Result<Page<T>, ShopApiError>>,
{
    let mut items = Vec::new();
    // Windows still to read, earliest first (a stack: the later half is pushed first).
    let mut windows = vec![(from, until)];
    while let Some((start, end)) = windows.pop() {
        if start >= end {
            continue;
        }
        let mut query = SearchQuery {
            updated_from: start,
            updated_until: end,
            page_size: PAGE_SIZE,
            page_token: None,
        };
        let mut window_items = Vec::new();
        let complete = loop {
            match page(query.clone()).await {
                Ok(p) => {
                    window_items.extend(p.items);
                    match p.next_page_token {
                        Some(token) => query.page_token = Some(token),
                        None => break true,
                    }
                }
                Err(ShopApiError::ResultCapExceeded) if end - start > 1 => break false,
                Err(error) => return Err(error),
            }
        };
        if complete {
            items.extend(window_items);
        } else {
            let middle = start + (end - start) / 2;
            windows.push((middle, end));
            windows.push((start, middle));
        }
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// A fake search over items updated at the given seconds, capped at `cap` matches, pages of `size`.
    fn fake(
        updated: Vec<i64>,
        cap: usize,
    ) -> impl Fn(SearchQuery) -> std::future::Ready<Result<Page<i64>, ShopApiError>> {
        move |q: SearchQuery| {
            let matching: Vec<i64> = updated
                .iter()
                .copied()
                .filter(|u| *u >= q.updated_from && *u < q.updated_until)
                .collect();
            if matching.len() > cap {
                return std::future::ready(Err(ShopApiError::ResultCapExceeded));
            }
            let offset: usize = q
                .page_token
                .as_deref()
                .map_or(0, |t| t.parse().expect("token"));
            let size = q.page_size as usize;
            let next = offset + size;
            std::future::ready(Ok(Page {
                items: matching.iter().skip(offset).take(size).copied().collect(),
                next_page_token: (next < matching.len()).then(|| next.to_string()),
                total_count: matching.len() as u64,
            }))
        }
    }

    #[tokio::test]
    async fn pages_through_a_window() {
        let updated: Vec<i64> = (0..250).collect();
        let calls = Mutex::new(0);
        let search = fake(updated, 10_000);
        let items = fetch_window(0, 1_000, |q| {
            *calls.lock().expect("lock") += 1;
            search(q)
        })
        .await
        .expect("items");
        assert_eq!(items, (0..250).collect::<Vec<_>>());
        assert_eq!(*calls.lock().expect("lock"), 3);
    }

    #[tokio::test]
    async fn splits_a_window_over_the_cap_and_reads_each_item_once() {
        let updated: Vec<i64> = (0..25_000).map(|i| i * 3).collect();
        let items = fetch_window(0, 75_000, fake(updated.clone(), 10_000))
            .await
            .expect("items");
        assert_eq!(items, updated);
    }

    #[tokio::test]
    async fn a_single_second_over_the_cap_fails_and_other_errors_pass_through() {
        let err = fetch_window(5, 6, fake(vec![5; 3], 2))
            .await
            .expect_err("capped");
        assert!(matches!(err, ShopApiError::ResultCapExceeded));
        let err = fetch_window(0, 10, |_| {
            std::future::ready(Err::<Page<i64>, _>(ShopApiError::AccessTokenExpired))
        })
        .await
        .expect_err("passes through");
        assert!(matches!(err, ShopApiError::AccessTokenExpired));
    }
}
