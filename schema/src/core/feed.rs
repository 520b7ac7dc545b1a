//! The change feed inside one node: every entry of the store's public change log, with the
//! record as it now stands, handed to this node's subscribers. A poller (in the server) reads
//! the log after each local write and every fraction of a second, so a change committed on any
//! node reaches subscribers on every node, and a rolled-back change never does (it never
//! reached the log).

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use tokio::sync::broadcast;

use crate::error::StoreResult;
use crate::ids::{CountryCode, M49Code};
use crate::model::Record;
use crate::store::{ChangeKind, RecordChange, RecordFilter, Store};
use crate::vocab::{RecordKind, RecordStatus};

/// Events a slow subscriber may fall behind by before it misses some.
pub const FEED_BUFFER: usize = 1_024;

/// One change, ready for subscribers.
#[derive(Clone, Debug)]
pub struct FeedEvent {
    pub change: RecordChange,
    /// The record as the catalogue now holds it; used to match filters. Public only when
    /// it is published ([`FeedEvent::public_record`]).
    pub record: Option<Record>,
    /// The M49 areas of the record's countries, for region filters.
    pub areas: Vec<M49Code>,
}

impl FeedEvent {
    /// Whether a subscriber with these kinds (empty: all) and filter wants this event. A
    /// retraction matches on what the record held, so a subscriber learns it is gone.
    pub fn matches(&self, kinds: &[RecordKind], filter: &RecordFilter) -> bool {
        if !kinds.is_empty() && !kinds.contains(&self.change.kind) {
            return false;
        }
        match &self.record {
            Some(record) => filter.matches(record, &self.areas),
            None => *filter == RecordFilter::default(),
        }
    }

    /// The record, when the public may see it: published now, and the change is not a
    /// retraction. A record published and retracted since is never shown.
    pub fn public_record(&self) -> Option<&Record> {
        self.record.as_ref().filter(|r| {
            self.change.change != ChangeKind::Retracted
                && r.meta().status == RecordStatus::Published
        })
    }
}

/// This node's subscribers.
pub struct ChangeFeed {
    sender: broadcast::Sender<Arc<FeedEvent>>,
}

impl Default for ChangeFeed {
    fn default() -> Self {
        ChangeFeed {
            sender: broadcast::channel(FEED_BUFFER).0,
        }
    }
}

impl ChangeFeed {
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<FeedEvent>> {
        self.sender.subscribe()
    }

    pub fn subscribers(&self) -> usize {
        self.sender.receiver_count()
    }

    /// Hands an event to every current subscriber.
    pub fn send(&self, event: FeedEvent) {
        // No subscriber is not an error.
        let _ = self.sender.send(Arc::new(event));
    }
}

/// The events for these change-log entries: each record as the catalogue now holds it, with
/// the M49 areas of its countries. One query for the records and one for the countries.
pub async fn events(store: &dyn Store, changes: Vec<RecordChange>) -> StoreResult<Vec<FeedEvent>> {
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<_> = changes
        .iter()
        .map(|c| c.record_id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let records: HashMap<_, _> = store
        .records_any_status(&ids)
        .await?
        .into_iter()
        .map(|(record, _)| (record.id().clone(), record))
        .collect();
    let codes: Vec<CountryCode> = records
        .values()
        .flat_map(Record::countries)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let areas: HashMap<CountryCode, Vec<M49Code>> = store
        .countries(&codes)
        .await?
        .into_iter()
        .map(|c| {
            let areas = c.areas().cloned().collect();
            (c.code, areas)
        })
        .collect();
    Ok(changes
        .into_iter()
        .map(|change| {
            let record = records.get(&change.record_id).cloned();
            let areas = record
                .iter()
                .flat_map(Record::countries)
                .flat_map(|c| areas.get(&c).cloned().unwrap_or_default())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            FeedEvent {
                change,
                record,
                areas,
            }
        })
        .collect())
}
