//! The change-feed poller: reads the store's public change log and hands each new entry, with
//! its record, to this node's subscribers ([`ChangeFeed`]).
//!
//! It reads right after a write on this node (woken like the indexer) and every
//! [`POLL_INTERVAL`] otherwise, so a change committed through any node reaches the
//! subscribers of every node within that interval. The log holds only committed changes, in
//! commit order, so a subscriber never sees a change that was rolled back.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use tipx_schema::core::feed::{events, ChangeFeed};
use tipx_schema::store::Store;

/// How often the log is read when this node wrote nothing.
pub const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// Log entries read at a time.
const BATCH: usize = 500;

/// Runs until the task is aborted.
pub async fn run(store: Arc<dyn Store>, feed: Arc<ChangeFeed>, wake: Arc<Notify>) {
    // The position is read when the first subscriber comes (then from the present:
    // subscribers that want the past ask for it with `after`).
    let mut last = 0;
    let mut idle = true;
    loop {
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(POLL_INTERVAL) => {}
        }
        if feed.subscribers() == 0 {
            // Nobody listens: no query at all (a subscriber reads the log itself for anything
            // before it arrived); the position is read again when one comes.
            idle = true;
            continue;
        }
        if idle {
            match store.changes_head(None).await {
                Ok(head) => {
                    last = head;
                    idle = false;
                }
                Err(err) => {
                    tracing::debug!(error = %err, "change feed: head not read");
                    continue;
                }
            }
        }
        loop {
            let changes = match store.changes_since(last, BATCH).await {
                Ok(changes) => changes,
                Err(err) => {
                    tracing::warn!(error = %err, "change feed: could not read the log");
                    break;
                }
            };
            let full = changes.len() == BATCH;
            if changes.is_empty() {
                break;
            }
            match events(store.as_ref(), changes).await {
                Ok(found) => {
                    for event in found {
                        last = last.max(event.change.seq);
                        feed.send(event);
                    }
                }
                Err(err) => {
                    tracing::warn!(error = %err, "change feed: could not load the changed records");
                    break;
                }
            }
            if !full {
                break;
            }
        }
    }
}
