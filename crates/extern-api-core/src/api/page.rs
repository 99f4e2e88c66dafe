//! One page of a list the API serves by `skip`/`take`, and the whole list as a stream.

use std::future::Future;

use futures::Stream;

use crate::Error;

/// One page of a list: its items and, when the API says it, how many there are in all.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// How many items come before this page.
    pub skip: u64,
    /// How many items the list holds in all, when the API counts them.
    pub total: Option<u64>,
}

impl<T> Page<T> {
    /// Where the next page starts, or `None` when this one is the last.
    pub fn next_skip(&self) -> Option<u64> {
        let next = self.skip + self.items.len() as u64;
        let more = !self.items.is_empty() && self.total.is_none_or(|t| next < t);
        more.then_some(next)
    }
}

/// Every item of a list, page by page: `fetch(skip)` is called as the stream is read, so memory
/// holds one page at a time.
pub(crate) fn stream_all<T, F, Fut>(fetch: F) -> impl Stream<Item = Result<T, Error>>
where
    F: Fn(u64) -> Fut,
    Fut: Future<Output = Result<Page<T>, Error>>,
{
    let start = (Some(0u64), Vec::new().into_iter());
    futures::stream::try_unfold(
        (start, fetch),
        |((mut next, mut buffer), fetch)| async move {
            loop {
                if let Some(item) = buffer.next() {
                    return Ok(Some((item, ((next, buffer), fetch))));
                }
                let Some(skip) = next else {
                    return Ok(None);
                };
                let page = fetch(skip).await?;
                next = page.next_skip();
                buffer = page.items.into_iter();
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_page_is_known_by_its_count_or_by_being_empty() {
        let page = |skip, n, total| Page {
            items: vec![(); n],
            skip,
            total,
        };
        assert_eq!(page(0, 100, Some(250)).next_skip(), Some(100));
        assert_eq!(page(200, 50, Some(250)).next_skip(), None);
        assert_eq!(page(0, 10, None).next_skip(), Some(10));
        assert_eq!(page(10, 0, None).next_skip(), None);
    }

    #[tokio::test]
    async fn the_stream_reads_every_page_once() {
        use futures::TryStreamExt;
        let calls = std::sync::atomic::AtomicU32::new(0);
        let all: Vec<u64> = stream_all(|skip| {
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            async move {
                let items = (skip..(skip + 3).min(7)).collect();
                Ok(Page {
                    items,
                    skip,
                    total: Some(7),
                })
            }
        })
        .try_collect()
        .await
        .unwrap();
        assert_eq!(all, (0..7).collect::<Vec<_>>());
        assert_eq!(calls.into_inner(), 3);
    }
}
