//! Property tests of what the sandbox parses from a request — headers, byte ranges, file ids,
//! report XML, JSON keys — with arbitrary input: never a panic (the soak's sibling for parsers;
//! cargo-fuzz needs a nightly toolchain the machines do not have).

use proptest::prelude::*;

fn cases() -> ProptestConfig {
    ProptestConfig::with_cases(512)
}

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn content_ranges_never_panic(s in ".{0,64}") {
        let _ = crate::api::contents::parse_content_range(&s);
    }

    #[test]
    fn content_ranges_of_any_numbers_never_panic(a: u64, b: u64, total in proptest::option::of(any::<u64>())) {
        let text = match total {
            Some(t) => format!("bytes {a}-{b}/{t}"),
            None => format!("bytes {a}-{b}/*"),
        };
        if let Ok(r) = crate::api::contents::parse_content_range(&text) {
            prop_assert!(r.first <= r.last && r.last < u64::MAX);
            prop_assert!(r.total.is_none_or(|t| r.last < t));
        }
    }

    #[test]
    fn download_ranges_never_panic(s in "bytes=.{0,40}", total: u64) {
        let _ = crate::api::contents::parse_range(&s, total);
    }

    #[test]
    fn file_ids_never_panic(s in ".{0,120}") {
        let _ = crate::formats::report_file::parse_file_id(&s);
    }

    #[test]
    fn report_headers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = crate::formats::report_file::read_header(&bytes);
    }

    #[test]
    fn xml_like_headers_never_panic(body in "<\\?xml.{0,40}\\?>.{0,200}") {
        let _ = crate::formats::report_file::read_header(body.as_bytes());
    }

    #[test]
    fn compressed_bodies_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut zip_like = b"PK\x03\x04".to_vec();
        zip_like.extend_from_slice(&bytes);
        let _ = crate::formats::compression::unpack(&zip_like, 1 << 20);
        let mut gz_like = vec![0x1f, 0x8b];
        gz_like.extend_from_slice(&bytes);
        let _ = crate::formats::compression::unpack(&gz_like, 1 << 20);
    }

    #[test]
    fn json_key_rewriting_never_panics(key in ".{0,40}") {
        let _ = crate::http::extract::kebab(&key);
    }
}
