//! Property tests of the client's decoders with arbitrary input — check protocols, compressed
//! documents, URNs, `Retry-After` — never a panic and never "no errors" from an unreadable
//! protocol (cargo-fuzz needs a nightly toolchain the machines do not have).

use proptest::prelude::*;
use serde_json::Value;

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| Value::Number(n.into())),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec(
                (
                    prop_oneof![
                        Just("documents-errors".to_string()),
                        Just("common-errors".to_string()),
                        Just("description".to_string()),
                        Just("level".to_string()),
                        "[a-z-]{1,8}"
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn check_protocols_never_panic(v in json()) {
        let p = crate::model::CheckProtocol::from_json(&v, &[]);
        let _ = p.has_errors();
        let _ = p.to_string();
    }

    #[test]
    fn compressed_documents_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512), zip: bool) {
        let mut body = if zip { b"PK\x03\x04".to_vec() } else { vec![0x1f, 0x8b] };
        body.extend_from_slice(&bytes);
        let _ = crate::api::compression::unpack(body, 1 << 20);
    }

    #[test]
    fn urns_never_panic(s in ".{0,64}") {
        let _ = crate::model::urn::DocflowStatus::parse(&s);
        let _ = crate::model::urn::SuccessState::parse(&s);
        let _ = crate::model::urn::DocflowType::parse(&s);
        let _ = crate::model::urn::DocumentType::parse(&s);
    }

    #[test]
    fn retry_after_never_panics(s in ".{0,32}") {
        let mut headers = reqwest::header::HeaderMap::new();
        if let Ok(v) = reqwest::header::HeaderValue::from_str(&s) {
            headers.insert(reqwest::header::RETRY_AFTER, v);
        }
        if let Some(d) = crate::client::error::retry_after(&headers) {
            prop_assert!(d <= std::time::Duration::from_secs(300));
        }
    }
}
