//! DataLoaders: they collect every key a query asks for during one execution step and ask the
//! store once. They live for one request only, so an API node keeps no state between requests.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};

use crate::core::history::HistoryEntry;
use crate::core::{catalogue, Actor};
use crate::error::StoreError;
use crate::ids::{CountryCode, M49Code, RecordId};
use crate::model::{Country, Instrument, Ratification, Record, Region};
use crate::store::Store;
use crate::vocab::RecordKind;

pub type LoadError = Arc<StoreError>;

/// Every loader a request needs, created fresh per request.
pub struct Loaders {
    pub countries: DataLoader<CountryLoader, HashMapCache>,
    pub records: DataLoader<RecordLoader, HashMapCache>,
    /// Published versions only, whoever asks: what a change in review is compared with.
    pub published: DataLoader<PublishedLoader, HashMapCache>,
    pub ratifications: DataLoader<RatificationLoader, HashMapCache>,
    pub counts: DataLoader<CountLoader, HashMapCache>,
    pub regions: DataLoader<RegionLoader, HashMapCache>,
    pub instruments: DataLoader<InstrumentLoader, HashMapCache>,
    pub history: DataLoader<HistoryLoader, HashMapCache>,
    /// The whole instrument list, loaded at most once per request: resolvers that ask at the
    /// same moment wait for the one load instead of each starting a batch.
    all_instruments: tokio::sync::OnceCell<Arc<Vec<Instrument>>>,
}

impl Loaders {
    /// Loaders for one request by `actor`: what they load is what the actor may see.
    pub fn new(store: Arc<dyn Store>, actor: Actor) -> Loaders {
        // Each loader also caches what it loaded for the rest of the request, so the same
        // country or instrument asked for twice costs one load.
        fn new<L>(loader: L) -> DataLoader<L, HashMapCache> {
            DataLoader::with_cache(
                loader,
                |f| {
                    tokio::spawn(f);
                },
                HashMapCache::default(),
            )
        }
        Loaders {
            countries: new(CountryLoader(store.clone())),
            records: new(RecordLoader(store.clone(), actor.clone())),
            published: new(PublishedLoader(store.clone())),
            history: new(HistoryLoader(store.clone(), actor)),
            ratifications: new(RatificationLoader(store.clone())),
            counts: new(CountLoader(store.clone())),
            regions: new(RegionLoader(store.clone())),
            instruments: new(InstrumentLoader(store)),
            all_instruments: tokio::sync::OnceCell::new(),
        }
    }
}

pub struct CountryLoader(Arc<dyn Store>);

impl Loader<CountryCode> for CountryLoader {
    type Value = Country;
    type Error = LoadError;

    async fn load(&self, keys: &[CountryCode]) -> Result<HashMap<CountryCode, Country>, LoadError> {
        let countries = self.0.countries(keys).await.map_err(Arc::new)?;
        Ok(countries.into_iter().map(|c| (c.code, c)).collect())
    }
}

/// The published version of records, which everyone may see.
pub struct PublishedLoader(Arc<dyn Store>);

impl Loader<RecordId> for PublishedLoader {
    type Value = Record;
    type Error = LoadError;

    async fn load(&self, keys: &[RecordId]) -> Result<HashMap<RecordId, Record>, LoadError> {
        let records = self.0.records(keys).await.map_err(Arc::new)?;
        Ok(records.into_iter().map(|r| (r.id().clone(), r)).collect())
    }
}

/// Records the request's actor may see (`core::catalogue` decides).
pub struct RecordLoader(Arc<dyn Store>, Actor);

impl Loader<RecordId> for RecordLoader {
    type Value = Record;
    type Error = LoadError;

    async fn load(&self, keys: &[RecordId]) -> Result<HashMap<RecordId, Record>, LoadError> {
        let records = catalogue::records(self.0.as_ref(), &self.1, keys)
            .await
            .map_err(Arc::new)?;
        Ok(records.into_iter().map(|r| (r.id().clone(), r)).collect())
    }
}

/// The history of records the request's actor may see, oldest first.
pub struct HistoryLoader(Arc<dyn Store>, Actor);

impl Loader<RecordId> for HistoryLoader {
    type Value = Vec<HistoryEntry>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[RecordId],
    ) -> Result<HashMap<RecordId, Vec<HistoryEntry>>, LoadError> {
        let store = self.0.as_ref();
        let entries = catalogue::history(store, store, &self.1, keys)
            .await
            .map_err(Arc::new)?;
        let mut out: HashMap<RecordId, Vec<HistoryEntry>> = HashMap::new();
        for entry in entries {
            out.entry(entry.record_id.clone()).or_default().push(entry);
        }
        Ok(out)
    }
}

pub struct RatificationLoader(Arc<dyn Store>);

impl Loader<CountryCode> for RatificationLoader {
    type Value = Vec<Ratification>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[CountryCode],
    ) -> Result<HashMap<CountryCode, Vec<Ratification>>, LoadError> {
        let rows = self.0.ratifications(keys).await.map_err(Arc::new)?;
        let mut out: HashMap<CountryCode, Vec<Ratification>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            out.entry(row.country).or_default().push(row);
        }
        Ok(out)
    }
}

/// Published record counts per kind for a country.
#[derive(Clone, Copy, Debug, Default)]
pub struct KindCounts {
    pub laws: u64,
    pub practices: u64,
    pub cases: u64,
}

pub struct CountLoader(Arc<dyn Store>);

impl Loader<CountryCode> for CountLoader {
    type Value = KindCounts;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[CountryCode],
    ) -> Result<HashMap<CountryCode, KindCounts>, LoadError> {
        let rows = self.0.record_counts(keys).await.map_err(Arc::new)?;
        let mut out: HashMap<CountryCode, KindCounts> =
            keys.iter().map(|k| (*k, KindCounts::default())).collect();
        for (country, kind, n) in rows {
            let entry = out.entry(country).or_default();
            match kind {
                RecordKind::Law => entry.laws = n,
                RecordKind::Practice => entry.practices = n,
                RecordKind::Case => entry.cases = n,
            }
        }
        Ok(out)
    }
}

/// Regions are few; one store call fetches them all and the requested ones are picked.
pub struct RegionLoader(Arc<dyn Store>);

impl Loader<M49Code> for RegionLoader {
    type Value = Region;
    type Error = LoadError;

    async fn load(&self, keys: &[M49Code]) -> Result<HashMap<M49Code, Region>, LoadError> {
        let all = self.0.regions().await.map_err(Arc::new)?;
        Ok(all
            .into_iter()
            .filter(|r| keys.contains(&r.code))
            .map(|r| (r.code.clone(), r))
            .collect())
    }
}

/// Instruments are few; the one key `()` fetches them all, once per request.
pub struct InstrumentLoader(Arc<dyn Store>);

impl Loader<()> for InstrumentLoader {
    type Value = Arc<Vec<Instrument>>;
    type Error = LoadError;

    async fn load(&self, _keys: &[()]) -> Result<HashMap<(), Arc<Vec<Instrument>>>, LoadError> {
        let all = self.0.instruments().await.map_err(Arc::new)?;
        Ok(HashMap::from([((), Arc::new(all))]))
    }
}

impl Loaders {
    /// Every instrument (one store call per request at most).
    pub async fn all_instruments(&self) -> Result<Arc<Vec<Instrument>>, LoadError> {
        self.all_instruments
            .get_or_try_init(|| async {
                Ok(self.instruments.load_one(()).await?.unwrap_or_default())
            })
            .await
            .cloned()
    }

    pub async fn instrument(&self, id: &str) -> Result<Option<Instrument>, LoadError> {
        Ok(self
            .all_instruments()
            .await?
            .iter()
            .find(|i| i.id == id)
            .cloned())
    }
}
