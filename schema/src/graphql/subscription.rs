//! Subscriptions: `recordChanged`, the public change feed over WebSocket.
//!
//! A subscriber gets every published, updated or retracted record matching its kinds and
//! filter, in change-log order. The events come from the store's public change log after the
//! change committed (a rolled-back change never reaches a subscriber), through this node's
//! [`ChangeFeed`]. With `after` (the `cursor` of the last event it saw) a subscriber that
//! reconnects first receives what it missed from the log; one that falls too far behind the
//! live feed catches up from the log the same way, so no event is lost either way.

use std::collections::VecDeque;
use std::sync::Arc;

use async_graphql::{Context, Enum, Object, Subscription, ID};
use chrono::{DateTime, Utc};
use futures::Stream;
use tokio::sync::broadcast;

use super::inputs::RecordFilterInput;
use super::sharing::AnyRecord;
use super::store_of;
use crate::core::feed::{events, ChangeFeed, FeedEvent};
use crate::error::{gql_error, ErrorCode};
use crate::store::{ChangeKind, RecordFilter, Store};
use crate::vocab::RecordKind;

/// Log entries read at a time when a subscriber catches up.
const REPLAY_PAGE: usize = 200;

#[derive(Default)]
pub struct SubscriptionRoot;

/// What happened to a record, as the public sees it.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "RecordChangeKind")]
pub enum ChangeKindGql {
    /// The record became public (first publication, or published again after a retraction).
    Published,
    /// A new version of a public record was published.
    Updated,
    /// The record was withdrawn from public view.
    Retracted,
}

impl From<ChangeKind> for ChangeKindGql {
    fn from(kind: ChangeKind) -> Self {
        match kind {
            ChangeKind::Published => ChangeKindGql::Published,
            ChangeKind::Updated => ChangeKindGql::Updated,
            ChangeKind::Retracted => ChangeKindGql::Retracted,
        }
    }
}

pub struct RecordChangedEvent(Arc<FeedEvent>);

/// One change to a public record: published, updated or retracted.
#[Object]
impl RecordChangedEvent {
    /// Where this change stands in the change log. Pass the last one seen as `after` when
    /// subscribing again to receive what happened in between.
    async fn cursor(&self) -> String {
        self.0.change.seq.to_string()
    }

    /// What happened.
    async fn change(&self) -> ChangeKindGql {
        self.0.change.change.into()
    }

    /// The record's id.
    async fn record_id(&self) -> ID {
        ID(self.0.change.record_id.to_string())
    }

    /// The record's kind.
    async fn kind(&self) -> RecordKind {
        self.0.change.kind
    }

    /// The record's version after the change.
    async fn version(&self) -> i32 {
        self.0.change.version
    }

    /// When the change was committed.
    async fn at(&self) -> DateTime<Utc> {
        self.0.change.at
    }

    /// The record as it is public now; null after a retraction (and when the record was
    /// retracted again before this event was delivered).
    async fn record(&self) -> Option<AnyRecord> {
        self.0.public_record().cloned().map(AnyRecord::from)
    }
}

/// Changes as they happen, over WebSocket at `/graphql` (`graphql-transport-ws`).
#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Published, updated and retracted records, as they happen. `kinds` (empty: all) and
    /// `filter` choose which; a retraction matches on what the record held. Public data only.
    async fn record_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] kinds: Vec<RecordKind>,
        filter: Option<RecordFilterInput>,
        #[graphql(
            desc = "The `cursor` of the last event received: the changes after it are sent first."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<RecordChangedEvent>>> {
        let feed = ctx.data::<Arc<ChangeFeed>>().map_err(|_| {
            gql_error(
                ErrorCode::Unavailable,
                "this node does not serve the change feed",
            )
        })?;
        let filter = match &filter {
            Some(input) => input.to_feed_filter(ctx, &kinds).await?,
            None => RecordFilter::default(),
        };
        let store = store_of(ctx).clone();
        // Listen first, then read where the log stands: nothing committed in between is missed.
        let live = feed.subscribe();
        let head = store.changes_head(None).await.map_err(|e| e.into_gql())?;
        let last = match after {
            None => head,
            Some(raw) => {
                let seq = raw
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|s| *s >= 0)
                    .ok_or_else(|| {
                        gql_error(
                            ErrorCode::BadUserInput,
                            "after must be the cursor of an event (a whole number)",
                        )
                    })?;
                if seq > head {
                    return Err(gql_error(
                        ErrorCode::BadUserInput,
                        format!("after is beyond the newest change ({head})"),
                    ));
                }
                seq
            }
        };
        let follow = Follow {
            store,
            live,
            last,
            replaying: last < head,
            pending: VecDeque::new(),
            kinds,
            filter,
            failed: false,
        };
        Ok(futures::stream::unfold(follow, Follow::next))
    }
}

/// One subscriber's position in the log.
struct Follow {
    store: Arc<dyn Store>,
    live: broadcast::Receiver<Arc<FeedEvent>>,
    /// The last log entry handled.
    last: i64,
    /// Reading the log (catching up) rather than the live feed.
    replaying: bool,
    pending: VecDeque<Arc<FeedEvent>>,
    kinds: Vec<RecordKind>,
    filter: RecordFilter,
    failed: bool,
}

impl Follow {
    async fn next(mut self) -> Option<(async_graphql::Result<RecordChangedEvent>, Follow)> {
        if self.failed {
            return None;
        }
        loop {
            if let Some(event) = self.pending.pop_front() {
                if event.change.seq <= self.last {
                    continue;
                }
                self.last = event.change.seq;
                if event.matches(&self.kinds, &self.filter) {
                    return Some((Ok(RecordChangedEvent(event)), self));
                }
                continue;
            }
            if self.replaying {
                let read = match self.store.changes_since(self.last, REPLAY_PAGE).await {
                    Ok(changes) if changes.is_empty() => Ok(Vec::new()),
                    Ok(changes) => events(self.store.as_ref(), changes).await,
                    Err(err) => Err(err),
                };
                match read {
                    Ok(found) if found.is_empty() => self.replaying = false,
                    Ok(found) => self.pending.extend(found.into_iter().map(Arc::new)),
                    Err(err) => {
                        tracing::warn!(error = %err, "change feed: could not read the log");
                        self.failed = true;
                        let err = gql_error(
                            ErrorCode::Unavailable,
                            "the change log could not be read; subscribe again with `after` set to the last cursor",
                        );
                        return Some((Err(err), self));
                    }
                }
                continue;
            }
            match self.live.recv().await {
                Ok(event) => self.pending.push_back(event),
                // Fell behind the live feed: catch up from the log.
                Err(broadcast::error::RecvError::Lagged(_)) => self.replaying = true,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}
