//! Deflate primed with a dictionary: many small texts that mostly say the same (a million
//! docflows' descriptions) are each kept as only what differs from the dictionary. The
//! dictionary is deflated first and flushed to a byte boundary; what follows refers back into
//! it. Only the part after the dictionary is kept, and reading puts the dictionary's part back
//! in front. (zlib's preset dictionaries do the same; the pure-Rust backend has none.)

use flate2::{Compress, Compression, FlushCompress};

/// Kept bytes start with how they were made.
const PRIMED: u8 = 0;
const PLAIN: u8 = 1;

/// A dictionary and its deflated form.
pub struct Primed {
    dictionary: &'static [u8],
    /// The dictionary deflated and flushed: the same bytes start every primed stream.
    prefix: Vec<u8>,
}

impl Primed {
    pub fn new(dictionary: &'static str) -> Self {
        let mut compress = Compress::new(Compression::default(), false);
        let prefix = deflate_into(&mut compress, dictionary.as_bytes(), FlushCompress::Sync);
        Self {
            dictionary: dictionary.as_bytes(),
            prefix,
        }
    }

    /// `text`, deflated against the dictionary.
    pub fn pack(&self, text: &str) -> Vec<u8> {
        let mut compress = Compress::new(Compression::default(), false);
        let prefix = deflate_into(&mut compress, self.dictionary, FlushCompress::Sync);
        let rest = deflate_into(&mut compress, text.as_bytes(), FlushCompress::Finish);
        if prefix == self.prefix {
            let mut out = Vec::with_capacity(1 + rest.len());
            out.push(PRIMED);
            out.extend_from_slice(&rest);
            return out;
        }
        // Not the stream this dictionary starts (never seen): deflated on its own.
        let mut compress = Compress::new(Compression::default(), false);
        let mut out = vec![PLAIN];
        out.extend(deflate_into(
            &mut compress,
            text.as_bytes(),
            FlushCompress::Finish,
        ));
        out
    }

    /// The text `packed` holds; empty when it holds none.
    pub fn unpack(&self, packed: &[u8]) -> String {
        let all = match packed.split_first() {
            // Straight into a buffer from the two parts: no stream state or window to set up
            // (this runs on every read of a docflow).
            Some((&PRIMED, rest)) => inflate([self.prefix.as_slice(), rest]),
            Some((&PLAIN, rest)) => inflate([rest, &[]]),
            _ => None,
        };
        let skip = match packed.first() {
            Some(&PRIMED) => self.dictionary.len(),
            _ => 0,
        };
        all.and_then(|all| String::from_utf8(all.get(skip..)?.to_vec()).ok())
            .unwrap_or_default()
    }
}

/// The bytes the raw deflate stream `parts` (in order) holds; `None` when it is not one.
fn inflate(parts: [&[u8]; 2]) -> Option<Vec<u8>> {
    use miniz_oxide::inflate::TINFLStatus;
    let mut out = vec![0u8; 4096];
    // A description is a few hundred bytes; a larger one doubles the buffer, up to 16 MiB.
    while out.len() <= 16 << 20 {
        match miniz_oxide::inflate::decompress_slice_iter_to_slice(
            &mut out,
            parts.iter().copied(),
            false,
            true,
        ) {
            Ok(n) => {
                out.truncate(n);
                return Some(out);
            }
            Err(TINFLStatus::HasMoreOutput) => out.resize(out.len() * 2, 0),
            Err(_) => return None,
        }
    }
    None
}

/// Deflates `input` with `compress` (its state carries on), flushing as `flush` says.
fn deflate_into(compress: &mut Compress, input: &[u8], flush: FlushCompress) -> Vec<u8> {
    let finish = matches!(flush, FlushCompress::Finish);
    let mut out = Vec::with_capacity(input.len() + 64);
    let mut read = 0;
    loop {
        if out.capacity() - out.len() < 64 {
            out.reserve(out.capacity().max(64));
        }
        let (before_in, before_out) = (compress.total_in(), compress.total_out());
        let status = compress.compress_vec(&input[read..], &mut out, flush);
        read += (compress.total_in() - before_in) as usize;
        let progressed = compress.total_in() != before_in || compress.total_out() != before_out;
        match status {
            Ok(flate2::Status::StreamEnd) | Err(_) => break,
            // All read and flushed: the output had room to spare.
            Ok(_) if !finish && read == input.len() && out.len() < out.capacity() => break,
            Ok(_) if !progressed => break,
            Ok(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Primed;

    #[test]
    fn texts_like_the_dictionary_take_little_and_read_back() {
        let primed = Primed::new(r#"{"period-year":"2024","recipient":"0087","okpo":null}"#);
        for text in [
            r#"{"period-year":"2025","recipient":"0087","okpo":null}"#,
            "",
            "совсем другой текст, без общего с словарём",
        ] {
            let packed = primed.pack(text);
            assert_eq!(primed.unpack(&packed), text);
        }
        let like = primed.pack(r#"{"period-year":"2025","recipient":"0087","okpo":null}"#);
        assert!(like.len() < 25, "{} bytes", like.len());
        assert_eq!(primed.unpack(&[]), "");
        assert_eq!(primed.unpack(&[7, 1, 2]), "");
    }
}
