//! One contract for every store: each behaviour is a generic async fn over the store ports,
//! run against SQLite always and against PostgreSQL when `TIPX_TEST_DATABASE_URL` names a
//! server (each test on a fresh database; `scripts/test.sh` starts a throw-away server).
//! Expected answers come from the seed files by brute force, never typed in.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;

use tipx_api::store::{PgStore, SqliteStore};
use tipx_schema::core::history::HistoryEntry;
use tipx_schema::core::webhooks::{
    record_attempt, AttemptOutcome, DeliveryStatus, NewDelivery, RetryPolicy, Webhook,
};
use tipx_schema::core::{Action, Actor, Role};
use tipx_schema::error::StoreError;
use tipx_schema::ids::{CountryCode, RecordId};
use tipx_schema::model::Record;
use tipx_schema::store::*;
use tipx_schema::vocab::{RecordKind, RecordStatus};

use crate::helpers::{fresh_database, import, seed};

/// Every SQLite behaviour runs on a fresh store in its own folder.
async fn sqlite() -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    (SqliteStore::open(dir.path()).unwrap(), dir)
}

/// A write of `record` at `version` in `status`, as the core would build it.
fn write(
    record: &Record,
    version: i32,
    status: RecordStatus,
    expected: Option<i32>,
) -> RecordWrite {
    let mut record = record.clone();
    let meta = record.meta_mut();
    meta.version = version;
    meta.status = status;
    meta.updated_at = Utc::now();
    RecordWrite {
        history: HistoryEntry {
            record_id: record.id().clone(),
            version,
            at: Utc::now(),
            organisation: "Ministry of Justice".into(),
            role: Role::Contributor,
            action: if expected.is_none() {
                Action::Create
            } else {
                Action::Update
            },
            from_status: None,
            to_status: status,
            reason: None,
            changes: Vec::new(),
        },
        expected_version: expected,
        origin: Origin::Contribution,
        slot: Slot::Catalogue,
        clear_revision: false,
        record,
    }
}

/// A seed record under a new id, to write as a contribution.
fn fresh(kind: RecordKind, id: &str) -> Record {
    let mut record = seed()
        .records
        .into_iter()
        .find(|r| r.kind() == kind)
        .expect("a seed record of that kind");
    let id = RecordId::parse(id).unwrap();
    match &mut record {
        Record::Law(r) => r.id = id,
        Record::Practice(r) => r.id = id,
        Record::Case(r) => r.id = id,
    }
    record
}

async fn reference_data_is_what_the_seed_holds(store: &dyn Store) {
    let seed = seed();
    import(store, &seed).await;
    let regions = store.regions().await.unwrap();
    assert_eq!(regions.len(), seed.regions.len());
    let instruments: Vec<String> = store
        .instruments()
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.id)
        .collect();
    let seed_order: Vec<String> = seed.instruments.iter().map(|i| i.id.clone()).collect();
    assert_eq!(instruments, seed_order, "instruments keep the seed's order");

    let all = store.list_countries(None).await.unwrap();
    assert_eq!(all.len(), seed.countries.len());
    let names: Vec<&str> = all.iter().map(|c| c.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "countries come ordered by name");

    // Western Africa (M49 011) at any level, by brute force over the seed.
    let region = tipx_schema::ids::M49Code::parse("011").unwrap();
    let expected: BTreeSet<CountryCode> = seed
        .countries
        .iter()
        .filter(|c| c.areas().any(|a| *a == region))
        .map(|c| c.code)
        .collect();
    let got: BTreeSet<CountryCode> = store
        .list_countries(Some(&region))
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.code)
        .collect();
    assert_eq!(got, expected);

    let ng = CountryCode::parse("NG").unwrap();
    let by_alpha3 = store.countries_by_alpha3(&["NGA".into()]).await.unwrap();
    assert_eq!(by_alpha3.len(), 1);
    assert_eq!(by_alpha3[0].code, ng);
    let expected_rows = seed
        .ratifications
        .iter()
        .filter(|r| r.country == ng)
        .count();
    assert_eq!(
        store.ratifications(&[ng]).await.unwrap().len(),
        expected_rows
    );
    assert!(store
        .countries(&[CountryCode::parse("ZZ").unwrap()])
        .await
        .unwrap()
        .is_empty());
}

async fn only_published_records_are_read_lists_and_counts(store: &dyn Store) {
    let seed = seed();
    import(store, &seed).await;
    let draft = fresh(RecordKind::Practice, "PR9001");
    store
        .write_records(&[write(&draft, 1, RecordStatus::Draft, None)])
        .await
        .unwrap();
    let id = draft.id().clone();
    assert!(store
        .records(std::slice::from_ref(&id))
        .await
        .unwrap()
        .is_empty());
    let any = store
        .records_any_status(std::slice::from_ref(&id))
        .await
        .unwrap();
    assert_eq!(any.len(), 1);
    assert_eq!(any[0].1, Origin::Contribution);
    assert_eq!(any[0].0.meta().status, RecordStatus::Draft);

    let page = store
        .list_records(
            RecordKind::Practice,
            &RecordFilter::default(),
            &PageRequest {
                first: 1000,
                after: None,
            },
        )
        .await
        .unwrap();
    let expected = seed
        .records
        .iter()
        .filter(|r| r.kind() == RecordKind::Practice)
        .count();
    assert_eq!(
        page.total_count as usize, expected,
        "the draft is not listed"
    );
    assert!(!page.records.iter().any(|r| r.id() == &id));

    let countries = draft.countries();
    let counts: BTreeMap<(CountryCode, RecordKind), u64> = store
        .record_counts(&countries)
        .await
        .unwrap()
        .into_iter()
        .map(|(c, k, n)| ((c, k), n))
        .collect();
    for country in &countries {
        let expected = seed
            .records
            .iter()
            .filter(|r| r.kind() == RecordKind::Practice && r.countries().contains(country))
            .count() as u64;
        assert_eq!(
            counts
                .get(&(*country, RecordKind::Practice))
                .copied()
                .unwrap_or(0),
            expected,
            "{country}: the draft is not counted"
        );
    }

    // Published, it is read, listed and counted.
    store
        .write_records(&[write(&draft, 2, RecordStatus::Published, Some(1))])
        .await
        .unwrap();
    assert_eq!(
        store
            .records(std::slice::from_ref(&id))
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn pages_follow_record_ids_and_never_repeat(store: &dyn Store) {
    let seed = seed();
    import(store, &seed).await;
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .list_records(
                RecordKind::Law,
                &RecordFilter::default(),
                &PageRequest {
                    first: 7,
                    after: after.clone(),
                },
            )
            .await
            .unwrap();
        seen.extend(page.records.iter().map(|r| r.id().clone()));
        if !page.has_next_page {
            break;
        }
        after = page.records.last().map(|r| r.id().clone());
    }
    let mut expected: Vec<RecordId> = seed
        .records
        .iter()
        .filter(|r| r.kind() == RecordKind::Law)
        .map(|r| r.id().clone())
        .collect();
    expected.sort();
    assert_eq!(seen, expected);
}

async fn a_stale_version_is_a_conflict_and_the_batch_writes_nothing(store: &dyn Store) {
    let a = fresh(RecordKind::Case, "CA9001");
    let b = fresh(RecordKind::Case, "CA9002");
    store
        .write_records(&[write(&a, 1, RecordStatus::Draft, None)])
        .await
        .unwrap();
    let outbox_before = store.outbox_stats().await.unwrap().pending;

    // b is new, but a is written as if it were still at version 0: nothing is written.
    let err = store
        .write_records(&[
            write(&b, 1, RecordStatus::Draft, None),
            write(&a, 2, RecordStatus::Draft, Some(7)),
        ])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert!(store
        .records_any_status(std::slice::from_ref(b.id()))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.outbox_stats().await.unwrap().pending, outbox_before);
    assert_eq!(
        store
            .history(&[a.id().clone(), b.id().clone()])
            .await
            .unwrap()
            .len(),
        1
    );

    // Creating a record that exists is a conflict too.
    let err = store
        .write_records(&[write(&a, 1, RecordStatus::Draft, None)])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
}

async fn every_write_leaves_one_history_entry_and_one_outbox_row(store: &dyn Store) {
    let a = fresh(RecordKind::Law, "LW9001");
    let before = store.outbox_stats().await.unwrap().pending;
    store
        .write_records(&[write(&a, 1, RecordStatus::Draft, None)])
        .await
        .unwrap();
    let mut second = write(&a, 2, RecordStatus::Submitted, Some(1));
    second.history.action = Action::Submit;
    second.history.from_status = Some(RecordStatus::Draft);
    second.history.reason = Some("ready for review".into());
    store.write_records(&[second.clone()]).await.unwrap();
    assert_eq!(store.outbox_stats().await.unwrap().pending, before + 2);
    let history = store.history(std::slice::from_ref(a.id())).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].version, 1);
    assert_eq!(
        history[1], second.history,
        "entries come back as written, oldest first"
    );

    // The indexer acknowledges what it applied.
    let pending = store.outbox_pending(1000).await.unwrap();
    assert!(pending.iter().filter(|e| e.record_id == *a.id()).count() == 2);
    let seqs: Vec<i64> = pending.iter().map(|e| e.seq).collect();
    store.outbox_ack(&seqs).await.unwrap();
    assert_eq!(store.outbox_stats().await.unwrap().pending, 0);
    assert_eq!(
        store.outbox_enqueue_all().await.unwrap(),
        1,
        "one record stored"
    );
}

async fn bookkeeping_keeps_the_last_value(store: &dyn Store) {
    assert_eq!(store.get_meta("k").await.unwrap(), None);
    store.set_meta("k", "1").await.unwrap();
    store.set_meta("k", "2").await.unwrap();
    assert_eq!(store.get_meta("k").await.unwrap().as_deref(), Some("2"));
    store.ping().await.unwrap();
}

async fn the_seed_import_is_idempotent_and_leaves_contributions_alone(store: &dyn Store) {
    let seed = seed();
    let actor = Actor::system("seed");
    let first = tipx_schema::core::import::import_seed(store, &actor, &seed, "t", Utc::now())
        .await
        .unwrap();
    assert_eq!(first.report.inserted as usize, seed.records.len());
    let history = store
        .history(
            &seed
                .records
                .iter()
                .map(|r| r.id().clone())
                .collect::<Vec<_>>(),
        )
        .await
        .unwrap();
    assert_eq!(
        history.len(),
        seed.records.len(),
        "one import entry per record"
    );
    assert!(history
        .iter()
        .all(|h| h.organisation == "seed" && h.action == Action::Import));

    let again = tipx_schema::core::import::import_seed(store, &actor, &seed, "t", Utc::now())
        .await
        .unwrap();
    assert_eq!(again.report.unchanged as usize, seed.records.len());
    assert_eq!(again.report.inserted + again.report.updated, 0);

    // A contributor's version of a seed record survives a re-import of a changed seed.
    let target = seed.records[0].clone();
    let stored = store
        .records_any_status(std::slice::from_ref(target.id()))
        .await
        .unwrap()
        .remove(0)
        .0;
    let mut contributed = stored.clone();
    match &mut contributed {
        Record::Law(r) => r.summary = "A contributor's better summary.".into(),
        Record::Practice(r) => r.summary = "A contributor's better summary.".into(),
        Record::Case(r) => r.summary = "A contributor's better summary.".into(),
    }
    let v = stored.meta().version;
    store
        .write_records(&[write(&contributed, v + 1, RecordStatus::Published, Some(v))])
        .await
        .unwrap();
    let mut changed = seed.clone();
    match &mut changed.records[0] {
        Record::Law(r) => r.summary = "The seed's new summary.".into(),
        Record::Practice(r) => r.summary = "The seed's new summary.".into(),
        Record::Case(r) => r.summary = "The seed's new summary.".into(),
    }
    let third = tipx_schema::core::import::import_seed(store, &actor, &changed, "t", Utc::now())
        .await
        .unwrap();
    assert_eq!(third.skipped.len(), 1);
    assert_eq!(&third.skipped[0].0, target.id());
    let now = store
        .records_any_status(std::slice::from_ref(target.id()))
        .await
        .unwrap()
        .remove(0)
        .0;
    assert_eq!(now.summary(), "A contributor's better summary.");
}

async fn a_dump_restored_into_an_empty_store_is_the_same_store(
    store: &dyn Store,
    empty: &dyn Store,
) {
    let seed = seed();
    import(store, &seed).await;
    // A contribution with history, a draft (a revision), a key and a sequence number.
    let law = fresh(RecordKind::Law, "LW990");
    store
        .write_records(&[write(&law, 1, RecordStatus::Published, None)])
        .await
        .unwrap();
    let mut draft = fresh(RecordKind::Practice, "PR990");
    draft.meta_mut().status = RecordStatus::Draft;
    let mut w = write(&draft, 1, RecordStatus::Draft, None);
    w.slot = Slot::Revision;
    store.write_records(&[w]).await.unwrap();
    let key = tipx_schema::core::keys::ApiKey {
        id: "key_0000abcd".into(),
        prefix: "tipx_abcdefg".into(),
        role: Role::Contributor,
        organisation: "Ministry of Justice".into(),
        countries: vec![CountryCode::parse("NG").unwrap()],
        created_at: Utc::now(),
        revoked_at: None,
    };
    store.insert_key(&key, "hash-of-the-secret").await.unwrap();
    store.next_in_sequence("law").await.unwrap();
    // A webhook with a delivery: the webhook travels, from the start of the new store's
    // change log; its delivery log and the dispatcher's position stay behind.
    let webhook = hook("whk_0000abcd", &key.id, 41);
    store.insert_webhook(&webhook).await.unwrap();
    store
        .enqueue_deliveries(&[queued(&webhook.id, 42)], 42)
        .await
        .unwrap();

    let dump = store.dump().await.unwrap();
    assert_eq!(
        dump.webhooks,
        [Webhook {
            after_seq: 0,
            ..webhook.clone()
        }]
    );
    assert!(dump.meta.iter().all(|(k, _)| k != "webhooks.position"));
    assert_eq!(dump.catalogue.len(), seed.records.len() + 1);
    assert_eq!(dump.revisions.len(), 1);
    assert_eq!(dump.history.len(), seed.records.len() + 2);
    empty.restore(&dump).await.unwrap();
    assert_eq!(
        empty.dump().await.unwrap(),
        dump,
        "the copy holds the same data"
    );
    assert_eq!(
        empty.key_by_hash("hash-of-the-secret").await.unwrap(),
        Some(key),
        "keys keep working after a copy"
    );
    assert_eq!(
        empty.outbox_stats().await.unwrap().pending as usize,
        dump.catalogue.len(),
        "every catalogue record is queued for the new store's index"
    );
    assert_eq!(empty.list_webhooks(None).await.unwrap(), dump.webhooks);
    assert_eq!(empty.webhook_position().await.unwrap(), None);
    let refused = empty.restore(&dump).await.unwrap_err();
    assert!(
        matches!(refused, StoreError::Conflict(_)),
        "a second restore into a store with data is refused: {refused:?}"
    );
}

async fn a_named_lock_has_one_holder_at_a_time(store: &dyn Store) {
    let held = store.lock("seed").await.unwrap();
    assert!(held.still_held().await);
    assert!(
        store.try_lock("seed").await.unwrap().is_none(),
        "a second holder is refused while the first holds it"
    );
    assert!(
        store.try_lock("outbox").await.unwrap().is_some(),
        "another name is another lock"
    );
    drop(held);
    // Releasing may take a moment (PostgreSQL ends the session when its connection closes).
    let mut again = None;
    for _ in 0..100 {
        again = store.try_lock("seed").await.unwrap();
        if again.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(again.is_some(), "the lock is free once its holder drops it");
}

async fn nodes_report_and_leave(store: &dyn Store) {
    let node = |id: &str, secs: i64| NodeInfo {
        id: id.into(),
        addr: "127.0.0.1:8080".into(),
        search: "meilisearch".into(),
        version: "0.1.0".into(),
        started_at: Utc::now() - chrono::Duration::seconds(secs),
        drains_outbox: false,
    };
    store.node_heartbeat(&node("b", 5)).await.unwrap();
    store.node_heartbeat(&node("a", 10)).await.unwrap();
    let mut drains = node("b", 5);
    drains.drains_outbox = true;
    store.node_heartbeat(&drains).await.unwrap();
    let live = store.live_nodes(30).await.unwrap();
    let ids: Vec<&str> = live.iter().map(|n| n.node.id.as_str()).collect();
    assert_eq!(ids, ["a", "b"], "oldest start first, one row per node");
    assert!(live[1].node.drains_outbox, "the last report wins");
    assert!(live.iter().all(|n| n.seen_secs_ago <= 1));
    store.node_leave("a").await.unwrap();
    let live = store.live_nodes(30).await.unwrap();
    assert_eq!(live.len(), 1);
}

async fn concurrent_writes_of_one_version_give_one_success_and_one_conflict(store: &dyn Store) {
    import(store, &seed()).await;
    let target = seed().records[1].clone();
    let stored = store
        .records_any_status(std::slice::from_ref(target.id()))
        .await
        .unwrap()
        .remove(0)
        .0;
    let v = stored.meta().version;
    let a = write(&stored, v + 1, RecordStatus::Published, Some(v));
    let b = a.clone();
    let (ra, rb) = tokio::join!(
        store.write_records(std::slice::from_ref(&a)),
        store.write_records(std::slice::from_ref(&b))
    );
    let results = [ra, rb];
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert!(
        results
            .iter()
            .any(|r| matches!(r, Err(StoreError::Conflict(_)))),
        "{results:?}"
    );
    // Two creations of one new id: one wins.
    let new = fresh(RecordKind::Case, "CS990");
    let a = write(&new, 1, RecordStatus::Published, None);
    let (ra, rb) = tokio::join!(
        store.write_records(std::slice::from_ref(&a)),
        store.write_records(std::slice::from_ref(&a))
    );
    let results = [ra, rb];
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    let history = store.history(&[new.id().clone()]).await.unwrap();
    assert_eq!(history.len(), 1, "the losing write left no history");
}

async fn the_change_log_follows_what_the_public_sees(store: &dyn Store) {
    import(store, &seed()).await;
    let start = store.changes_head(None).await.unwrap();
    let law = fresh(RecordKind::Law, "LW9101");
    // A draft is not public: no entry.
    store
        .write_records(&[write(&law, 1, RecordStatus::Draft, None)])
        .await
        .unwrap();
    assert_eq!(store.changes_head(None).await.unwrap(), start);
    store
        .write_records(&[write(&law, 2, RecordStatus::Published, Some(1))])
        .await
        .unwrap();
    store
        .write_records(&[write(&law, 3, RecordStatus::Published, Some(2))])
        .await
        .unwrap();
    store
        .write_records(&[write(&law, 4, RecordStatus::Retracted, Some(3))])
        .await
        .unwrap();
    // A retracted record edited again stays out of public view: no entry.
    store
        .write_records(&[write(&law, 5, RecordStatus::Retracted, Some(4))])
        .await
        .unwrap();
    let practice = fresh(RecordKind::Practice, "PR9101");
    store
        .write_records(&[write(&practice, 1, RecordStatus::Published, None)])
        .await
        .unwrap();

    let changes = store.changes_since(start, 100).await.unwrap();
    let seen: Vec<(&str, ChangeKind, i32)> = changes
        .iter()
        .map(|c| (c.record_id.as_str(), c.change, c.version))
        .collect();
    assert_eq!(
        seen,
        [
            ("LW9101", ChangeKind::Published, 2),
            ("LW9101", ChangeKind::Updated, 3),
            ("LW9101", ChangeKind::Retracted, 4),
            ("PR9101", ChangeKind::Published, 1),
        ]
    );
    assert!(changes.windows(2).all(|w| w[0].seq < w[1].seq));
    assert!(changes
        .iter()
        .all(|c| (Utc::now() - c.at).num_seconds() < 60));
    assert_eq!(changes[0].kind, RecordKind::Law);
    assert_eq!(store.changes_head(None).await.unwrap(), changes[3].seq);
    assert_eq!(
        store.changes_head(Some(RecordKind::Law)).await.unwrap(),
        changes[2].seq
    );
    assert_eq!(
        store
            .changes_head(Some(RecordKind::Practice))
            .await
            .unwrap(),
        changes[3].seq
    );
    // Paging: after the second entry, one at a time.
    let page = store.changes_since(changes[1].seq, 1).await.unwrap();
    assert_eq!(page, changes[2..3]);
    assert!(store
        .changes_since(changes[3].seq, 10)
        .await
        .unwrap()
        .is_empty());
}

/// A feed reads "everything after the last seq I saw" while publications commit concurrently:
/// it must end up with every entry, none skipped because a lower seq committed later.
async fn a_reader_of_the_change_log_never_skips_an_entry(store: &dyn Store) {
    const N: usize = 24;
    let start = store.changes_head(None).await.unwrap();
    let records: Vec<Record> = (0..N)
        .map(|i| fresh(RecordKind::Practice, &format!("PR95{i:02}")))
        .collect();
    let writers = futures::future::join_all(records.iter().map(|r| async move {
        store
            .write_records(&[write(r, 1, RecordStatus::Published, None)])
            .await
            .unwrap()
    }));
    let reader = async {
        let mut last = start;
        let mut seen = Vec::new();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while seen.len() < N && std::time::Instant::now() < deadline {
            for change in store.changes_since(last, 1000).await.unwrap() {
                last = change.seq;
                seen.push(change.record_id);
            }
            tokio::task::yield_now().await;
        }
        seen
    };
    let ((), seen) = tokio::join!(
        async {
            writers.await;
        },
        reader
    );
    let seen: BTreeSet<String> = seen.iter().map(|id| id.as_str().to_owned()).collect();
    assert_eq!(seen.len(), N, "the reader saw every publication: {seen:?}");
}

/// The change feeds decide in memory (`RecordFilter::matches`) which records a filter takes;
/// the stores decide it in SQL. Over the seed, for filters built from the seed's own values,
/// both take the same records.
async fn the_feed_filter_decides_as_the_store_lists(store: &dyn Store) {
    let seed = seed();
    import(store, &seed).await;
    let codes: Vec<CountryCode> = seed
        .records
        .iter()
        .flat_map(Record::countries)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let countries = store.countries(&codes).await.unwrap();
    let areas_of = |record: &Record| -> Vec<tipx_schema::ids::M49Code> {
        countries
            .iter()
            .filter(|c| record.countries().contains(&c.code))
            .flat_map(|c| c.areas().cloned())
            .collect()
    };
    let mut checked = 0;
    for kind in [RecordKind::Law, RecordKind::Practice, RecordKind::Case] {
        let of_kind: Vec<&Record> = seed.records.iter().filter(|r| r.kind() == kind).collect();
        for sample in of_kind.iter().step_by(of_kind.len() / 4 + 1) {
            let facets = sample.facets();
            let country = sample.countries().first().copied();
            let area = countries
                .iter()
                .find(|c| Some(c.code) == country)
                .and_then(|c| c.sub_region.clone());
            let mut filters = vec![
                RecordFilter {
                    countries: country.into_iter().collect(),
                    ..RecordFilter::default()
                },
                RecordFilter {
                    countries: country.into_iter().collect(),
                    include_global: true,
                    ..RecordFilter::default()
                },
                RecordFilter {
                    regions: area.into_iter().collect(),
                    include_global: kind == RecordKind::Practice,
                    ..RecordFilter::default()
                },
                RecordFilter {
                    forms: facets.forms.iter().take(1).cloned().collect(),
                    target_groups: facets.target_groups.iter().take(2).cloned().collect(),
                    ..RecordFilter::default()
                },
                RecordFilter {
                    countries: country.into_iter().collect(),
                    sdg_targets: facets.sdg_targets.iter().take(1).cloned().collect(),
                    ..RecordFilter::default()
                },
            ];
            if kind == RecordKind::Practice {
                filters.push(RecordFilter {
                    sectors: facets.sectors.iter().take(1).cloned().collect(),
                    pillars: facets.pillars.iter().take(1).cloned().collect(),
                    ..RecordFilter::default()
                });
            }
            if let Some((start, end)) = sample.years() {
                filters.push(RecordFilter {
                    year_from: Some(start - 1),
                    year_to: Some(end.unwrap_or(start) + 1),
                    ..RecordFilter::default()
                });
                filters.push(RecordFilter {
                    year_from: Some(start),
                    ..RecordFilter::default()
                });
            }
            for filter in filters {
                let listed: BTreeSet<String> = store
                    .list_records(
                        kind,
                        &filter,
                        &PageRequest {
                            first: 10_000,
                            after: None,
                        },
                    )
                    .await
                    .unwrap()
                    .records
                    .iter()
                    .map(|r| r.id().to_string())
                    .collect();
                let matched: BTreeSet<String> = of_kind
                    .iter()
                    .filter(|r| filter.matches(r, &areas_of(r)))
                    .map(|r| r.id().to_string())
                    .collect();
                assert_eq!(matched, listed, "{kind:?} with {filter:?}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "only {checked} filters were compared");
}

/// A webhook for the contract, registered by `key`.
fn hook(id: &str, key: &str, after_seq: i64) -> Webhook {
    Webhook {
        id: id.into(),
        key_id: key.into(),
        organisation: "A partner database".into(),
        url: format!("https://partner.example.org/{id}"),
        secret: format!("whsec_{id}"),
        kinds: vec![RecordKind::Practice],
        filter: RecordFilter {
            countries: vec![CountryCode::parse("NG").unwrap()],
            year_from: Some(2015),
            ..RecordFilter::default()
        },
        after_seq,
        created_at: Utc::now(),
    }
}

fn queued(webhook: &str, seq: i64) -> NewDelivery {
    NewDelivery {
        webhook_id: webhook.into(),
        seq,
        record_id: RecordId::parse("PR01").unwrap(),
        kind: RecordKind::Practice,
        change: ChangeKind::Published,
        payload: format!("{{\"cursor\":\"{seq}\"}}"),
        created_at: Utc::now(),
    }
}

async fn webhooks_keep_their_deliveries_and_the_dispatch_position(store: &dyn Store) {
    let (a, b) = (
        hook("whk_0000000a", "key_a", 3),
        hook("whk_0000000b", "key_b", 5),
    );
    store.insert_webhook(&a).await.unwrap();
    store.insert_webhook(&b).await.unwrap();
    assert_eq!(
        store.list_webhooks(Some("key_a")).await.unwrap(),
        std::slice::from_ref(&a)
    );
    assert_eq!(store.list_webhooks(None).await.unwrap().len(), 2);
    assert_eq!(store.webhook_position().await.unwrap(), None);

    // Queued with the position, once per webhook and change; a deleted webhook gets none.
    let batch = [queued(&a.id, 4), queued(&b.id, 6), queued("whk_gone", 6)];
    store.enqueue_deliveries(&batch, 6).await.unwrap();
    store.enqueue_deliveries(&batch[..1], 7).await.unwrap();
    assert_eq!(store.webhook_position().await.unwrap(), Some(7));
    let all_a = store.deliveries(&a.id, None, 10).await.unwrap();
    assert_eq!(all_a.len(), 1, "the same change is queued once per webhook");
    let first = &all_a[0];
    assert_eq!((first.seq, first.status), (4, DeliveryStatus::Pending));
    assert_eq!(first.payload, batch[0].payload);
    assert!(store
        .deliveries("whk_gone", None, 10)
        .await
        .unwrap()
        .is_empty());

    // Due deliveries come with their webhook; one tried and retried later is not due now.
    let now = Utc::now() + chrono::Duration::seconds(1);
    let due = store.due_deliveries(now, 10).await.unwrap();
    assert_eq!(due.len(), 2);
    assert!(due.iter().all(|(d, h)| d.webhook_id == h.id));
    let (mut retried, _) = due.into_iter().find(|(d, _)| d.webhook_id == a.id).unwrap();
    record_attempt(
        &mut retried,
        AttemptOutcome::Answered(500),
        &RetryPolicy {
            base: chrono::Duration::minutes(5),
            max_attempts: 3,
        },
        now,
    );
    store.update_delivery(&retried).await.unwrap();
    let due = store.due_deliveries(now, 10).await.unwrap();
    assert_eq!(due.len(), 1, "the retried delivery waits for its time");
    assert_eq!(due[0].0.webhook_id, b.id);
    let later = store
        .due_deliveries(now + chrono::Duration::minutes(6), 10)
        .await
        .unwrap();
    assert_eq!(later.len(), 2);
    let stored = store.deliveries(&a.id, None, 10).await.unwrap().remove(0);
    assert_eq!(stored, retried, "the attempt's log is kept as written");

    // Pages go backwards by id.
    let more: Vec<NewDelivery> = (8..13).map(|seq| queued(&b.id, seq)).collect();
    store.enqueue_deliveries(&more, 12).await.unwrap();
    let page = store.deliveries(&b.id, None, 4).await.unwrap();
    assert_eq!(
        page.iter().map(|d| d.seq).collect::<Vec<_>>(),
        [12, 11, 10, 9]
    );
    let rest = store.deliveries(&b.id, Some(page[3].id), 4).await.unwrap();
    assert_eq!(rest.iter().map(|d| d.seq).collect::<Vec<_>>(), [8, 6]);

    // Deleting a webhook takes its log with it.
    store.delete_webhook(&a.id).await.unwrap();
    assert!(store.deliveries(&a.id, None, 10).await.unwrap().is_empty());
    assert!(matches!(
        store.delete_webhook(&a.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.update_delivery(&retried).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.list_webhooks(None).await.unwrap(), [b]);
}

/// A PostgreSQL store on a fresh database, or `None` when no server is set.
async fn postgres(test: &str) -> Option<PgStore> {
    let url = fresh_database(test).await?;
    Some(
        PgStore::connect(&url, 4)
            .await
            .expect("PostgreSQL store opens"),
    )
}

macro_rules! contract {
    ($($behaviour:ident),+ $(,)?) => {
        mod sqlite {
            use super::*;
            $(
                #[tokio::test]
                async fn $behaviour() {
                    let (store, _dir) = sqlite().await;
                    super::$behaviour(&store).await;
                }
            )+

            #[tokio::test]
            async fn a_dump_restored_into_an_empty_store_is_the_same_store() {
                let (store, _dir) = sqlite().await;
                let (empty, _dir2) = sqlite().await;
                super::a_dump_restored_into_an_empty_store_is_the_same_store(&store, &empty).await;
            }
        }

        mod postgres {
            use super::*;
            $(
                #[tokio::test]
                async fn $behaviour() {
                    let Some(store) = postgres(stringify!($behaviour)).await else { return };
                    super::$behaviour(&store).await;
                }
            )+

            #[tokio::test]
            async fn a_dump_restored_into_an_empty_store_is_the_same_store() {
                let Some(store) = postgres("dump").await else { return };
                let empty = postgres("restore").await.unwrap();
                super::a_dump_restored_into_an_empty_store_is_the_same_store(&store, &empty).await;
            }

            /// Moving from SQLite to PostgreSQL (`tipx copy`), and back.
            #[tokio::test]
            async fn a_sqlite_dump_restores_into_postgres_and_back() {
                let Some(pg) = postgres("sqlite_to_pg").await else { return };
                let (store, _dir) = sqlite().await;
                super::a_dump_restored_into_an_empty_store_is_the_same_store(&store, &pg).await;
                let (back, _dir2) = sqlite().await;
                back.restore(&pg.dump().await.unwrap()).await.unwrap();
                assert_eq!(back.dump().await.unwrap(), store.dump().await.unwrap());
            }
        }
    };
}

contract!(
    reference_data_is_what_the_seed_holds,
    only_published_records_are_read_lists_and_counts,
    pages_follow_record_ids_and_never_repeat,
    a_stale_version_is_a_conflict_and_the_batch_writes_nothing,
    every_write_leaves_one_history_entry_and_one_outbox_row,
    bookkeeping_keeps_the_last_value,
    the_seed_import_is_idempotent_and_leaves_contributions_alone,
    a_named_lock_has_one_holder_at_a_time,
    nodes_report_and_leave,
    concurrent_writes_of_one_version_give_one_success_and_one_conflict,
    the_change_log_follows_what_the_public_sees,
    a_reader_of_the_change_log_never_skips_an_entry,
    the_feed_filter_decides_as_the_store_lists,
    webhooks_keep_their_deliveries_and_the_dispatch_position,
);
