//! The handbooks: control units (inspections, Social Fund and Rosstat offices) with a lookup by
//! code, FNS forms, and the other handbook types — answers kept by the client for a while
//! ([`ExternClientBuilder::handbook_ttl`](crate::ExternClientBuilder::handbook_ttl)).

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::page::Page;
use crate::raw::prelude::*;
use crate::raw::types;
use crate::{Error, ExternClient, Idempotency};

/// The largest page asked for.
const HANDBOOK_PAGE: u64 = 1000;

/// Which control units to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ControlUnitFilter {
    /// The type: `fns`, `pfr`, `fss`, `rosstat`… (all when `None`).
    pub control_unit_type: Option<String>,
    /// The region's code.
    pub region: Option<String>,
    /// Closed units too.
    pub include_inactive: bool,
}

/// The handbooks: `client.handbooks()`.
#[derive(Debug, Clone, Copy)]
pub struct Handbooks<'a> {
    client: &'a ExternClient,
}

impl ExternClient {
    /// The handbooks (control units, forms, …), kept for a while once read.
    pub fn handbooks(&self) -> Handbooks<'_> {
        Handbooks { client: self }
    }
}

impl Handbooks<'_> {
    /// One control unit by its type (`fns`, `pfr`, `rosstat`…) and code (`0087`, `00-87`…).
    pub async fn control_unit(
        &self,
        control_unit_type: &str,
        code: &str,
    ) -> Result<types::ControlUnit, Error> {
        self.kept(format!("control-unit/{control_unit_type}/{code}"), || {
            self.client
                .call(Idempotency::Idempotent, move |c| async move {
                    c.handbooks_get_control_unit()
                        .control_unit_type(control_unit_type)
                        .code(code)
                        .send()
                        .await
                })
        })
        .await
    }

    /// One page of control units.
    pub async fn control_units(
        &self,
        filter: &ControlUnitFilter,
        skip: u64,
        take: u64,
    ) -> Result<Page<types::ControlUnit>, Error> {
        let take = take.clamp(1, HANDBOOK_PAGE);
        let key = format!("control-units/{filter:?}/{skip}/{take}");
        let page: types::ControlUnitsPage = self
            .kept(key, || {
                self.client
                    .call(Idempotency::Idempotent, move |c| async move {
                        let mut request = c
                            .handbooks_get_control_units()
                            .skip(skip as i64)
                            .take(take as i64)
                            .include_inactive(filter.include_inactive);
                        if let Some(t) = &filter.control_unit_type {
                            request = request.type_(t.clone());
                        }
                        if let Some(r) = &filter.region {
                            request = request.region(r.clone());
                        }
                        request.send().await
                    })
            })
            .await?;
        Ok(Page {
            total: page.total_count.map(|t| t.max(0) as u64),
            items: page.control_units,
            skip,
        })
    }

    /// One page of FNS forms, only those of `knd` when given.
    pub async fn fns_forms(
        &self,
        knd: Option<&str>,
        skip: u64,
        take: u64,
    ) -> Result<Page<types::FnsForm>, Error> {
        let take = take.clamp(1, HANDBOOK_PAGE);
        let key = format!("fns-forms/{knd:?}/{skip}/{take}");
        let page: types::FnsFormsPage = self
            .kept(key, || {
                self.client
                    .call(Idempotency::Idempotent, move |c| async move {
                        let mut request = c
                            .handbooks_get_fns_forms()
                            .skip(skip as i64)
                            .take(take as i64);
                        if let Some(knd) = knd {
                            request = request.knd(knd);
                        }
                        request.send().await
                    })
            })
            .await?;
        Ok(Page {
            total: page.total_count.map(|t| t.max(0) as u64),
            items: page.fns_forms,
            skip,
        })
    }

    /// One page of a handbook of another type (its entries as the service gives them).
    pub async fn handbook(
        &self,
        handbook_type: &str,
        skip: u64,
        take: u64,
    ) -> Result<Page<serde_json::Map<String, serde_json::Value>>, Error> {
        let take = take.clamp(1, HANDBOOK_PAGE);
        let key = format!("handbook/{handbook_type}/{skip}/{take}");
        let page: types::HandbookPage = self
            .kept(key, || {
                self.client
                    .call(Idempotency::Idempotent, move |c| async move {
                        c.handbooks_get_handbook()
                            .handbook_type(handbook_type)
                            .skip(skip as i64)
                            .take(take as i64)
                            .send()
                            .await
                    })
            })
            .await?;
        Ok(Page {
            total: page.total_count.map(|t| t.max(0) as u64),
            items: page.handbook,
            skip,
        })
    }

    /// The answer kept under `key`, or `fetch`'s, kept from now on.
    async fn kept<T, F, Fut>(&self, key: String, fetch: F) -> Result<T, Error>
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<extern_api_raw::ResponseValue<T>, Error>>,
    {
        let cache = self.client.handbook_cache();
        if let Some(hit) = cache.get(&key) {
            return Ok(hit);
        }
        let answer = fetch().await?.into_inner();
        cache.put(key, &answer);
        Ok(answer)
    }
}
