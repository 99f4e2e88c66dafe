//! Printed forms: a one-page PDF that a PDF reader opens (EGRN results, print tasks, replies'
//! `print-content`), written with the `pdf-writer` crate.
//!
//! The text is set in Helvetica, one of the standard 14 fonts every reader has, so no font is
//! embedded; its WinAnsi encoding has no Cyrillic, so Russian letters are transliterated into
//! Latin ones (`Отчёт` → `Otchyot`) and any other non-ASCII character shows as `?`.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// A one-page A4 PDF that shows `lines`, one a line from the top; the first is also the
/// document's title in its information dictionary.
pub fn lines<S: AsRef<str>>(lines: &[S]) -> Vec<u8> {
    let (catalog, tree, page, font, content, info) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
        Ref::new(6),
    );
    let f1 = Name(b"F1");
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page]).count(1);
    let mut p = pdf.page(page);
    p.parent(tree)
        .media_box(Rect::new(0.0, 0.0, 595.0, 842.0))
        .contents(content);
    p.resources().fonts().pair(f1, font);
    p.finish();
    pdf.type1_font(font)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));

    let mut text = Content::new();
    text.begin_text();
    text.set_font(f1, 10.0);
    text.set_leading(16.0);
    text.next_line(50.0, 792.0);
    for line in lines {
        text.show(Str(latin(line.as_ref()).as_bytes()));
        text.next_line_using_leading();
    }
    text.end_text();
    pdf.stream(content, &text.finish());

    let mut about = pdf.document_info(info);
    if let Some(first) = lines.first() {
        about.title(TextStr(first.as_ref()));
    }
    about.producer(TextStr("extern-api-sandbox"));
    about.finish();
    pdf.finish()
}

/// A one-page PDF with a line of text.
pub fn one_page(text: &str) -> Vec<u8> {
    lines(&[text])
}

/// `s` in printable ASCII: Cyrillic transliterated, anything else outside ASCII as `?`.
fn latin(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if (' '..='~').contains(&c) {
            out.push(c);
            continue;
        }
        let lower = c.to_lowercase().next().unwrap_or(c);
        let Some(latin) = cyrillic(lower) else {
            out.push(if c.is_whitespace() { ' ' } else { '?' });
            continue;
        };
        if lower == c {
            out.push_str(latin);
        } else {
            let mut letters = latin.chars();
            out.extend(letters.next().map(|l| l.to_ascii_uppercase()));
            out.extend(letters);
        }
    }
    out
}

/// A lowercase Russian letter in Latin ones (a simple, BGN-like table).
fn cyrillic(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' => "e",
        'ё' => "yo",
        'ж' => "zh",
        'з' => "z",
        'и' => "i",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'э' => "e",
        'ю' => "yu",
        'я' => "ya",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_is_transliterated_and_the_rest_kept_printable() {
        assert_eq!(latin("Отчёт (ИФНС) №1"), "Otchyot (IFNS) ?1");
        assert_eq!(latin("Щука\tЮг"), "Shchuka Yug");
        assert_eq!(latin("NO_BUHOTCH_0087.xml"), "NO_BUHOTCH_0087.xml");
    }

    #[test]
    fn the_pdf_has_a_header_a_trailer_and_the_lines() {
        let pdf = lines(&["Type: urn:document:fns534-report", "INN: 6676130154"]);
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.trim_ascii_end().ends_with(b"%%EOF"));
        let body = String::from_utf8_lossy(&pdf);
        assert!(body.contains("(INN: 6676130154) Tj"), "{body}");
    }
}
