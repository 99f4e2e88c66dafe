//! A structured (FIAS) address, as `POST /location/cadastre/suggest` takes it. The field names
//! are the 2018–19 docs' own, including their spelling `sructureNumber`.

use serde::Serialize;

use crate::error::Error;

/// An address to look objects up by. Region and house number are required.
///
/// ```
/// use reestro_api::address::FiasAddress;
///
/// let mut address = FiasAddress::new("Москва", "7");
/// address.street = Some("Тверская".into());
/// address.room = Some("12".into());
/// ```
#[derive(Clone, Debug, Default)]
pub struct FiasAddress {
    /// Region (`region.name`).
    pub region: String,
    /// Autonomous county, where there is one.
    pub autonomous_county: Option<String>,
    /// District.
    pub district: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Settlement.
    pub settlement: Option<String>,
    /// Street.
    pub street: Option<String>,
    /// House number.
    pub house: String,
    /// Building number (корпус).
    pub building: Option<String>,
    /// Structure number (строение).
    pub structure: Option<String>,
    /// Flat or room.
    pub room: Option<String>,
}

impl FiasAddress {
    /// A house in a region.
    pub fn new(region: impl Into<String>, house: impl Into<String>) -> Self {
        Self {
            region: region.into(),
            house: house.into(),
            ..Default::default()
        }
    }

    /// Refuses an address without its region or house number.
    pub fn validate(&self) -> Result<(), Error> {
        if self.region.trim().is_empty() {
            return Err(Error::invalid("region", "the address needs its region"));
        }
        if self.house.trim().is_empty() {
            return Err(Error::invalid(
                "house",
                "the address needs its house number",
            ));
        }
        Ok(())
    }
}

#[derive(Serialize)]
struct Named<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct Numbered<'a> {
    number: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct House<'a> {
    number: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    building_number: Option<&'a str>,
    #[serde(rename = "sructureNumber", skip_serializing_if = "Option::is_none")]
    structure_number: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Wire<'a> {
    region: Named<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    autonomous_county: Option<Named<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    district: Option<Named<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    city: Option<Named<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    settlement: Option<Named<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    street: Option<Named<'a>>,
    house: House<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    room: Option<Numbered<'a>>,
}

fn named(v: &Option<String>) -> Option<Named<'_>> {
    v.as_deref().map(|name| Named { name })
}

impl Serialize for FiasAddress {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Wire {
            region: Named { name: &self.region },
            autonomous_county: named(&self.autonomous_county),
            district: named(&self.district),
            city: named(&self.city),
            settlement: named(&self.settlement),
            street: named(&self.street),
            house: House {
                number: &self.house,
                building_number: self.building.as_deref(),
                structure_number: self.structure.as_deref(),
            },
            room: self.room.as_deref().map(|number| Numbered { number }),
        }
        .serialize(s)
    }
}
