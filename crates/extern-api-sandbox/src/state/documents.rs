//! A docflow's documents as the store keeps them. Most are the sandbox's own (the operator's
//! description and date confirmation, the robots' answers): for those only what cannot be worked
//! out is kept — id, time, size, type, file name — and the rest (content ids, the encrypted
//! variant, the signature, the reply due) is filled in when the document is read. A million
//! docflows are held at once; a whole [`DocflowDocument`] is 240 bytes before its strings.
//!
//! Every document goes in through [`Documents::push`] or [`Documents::update`], which keep it
//! compact only when reading it back gives the very same document; anything else is kept whole.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::formats::own_documents::robot_filename;
use crate::formats::serial::Term;
use crate::state::derived::{self, Variant};
use crate::state::{DocflowDocument, Made, Origin, OwnSigner, Sealed};

/// The content type of every document the sandbox writes itself.
const OWN_CONTENT_TYPE: &str = "application/xml";

/// The documents of one docflow, in order.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Documents {
    /// The docflow's [`crate::state::Docflow::seq`]: names its documents' derived content ids.
    seq: u32,
    /// The serial numbers the sandbox's own encrypted documents are encrypted for.
    recipients: Option<Arc<[String]>>,
    records: Vec<Record>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
enum Record {
    Kept(Box<DocflowDocument>),
    Own(OwnRecord),
}

/// An own document's file name: kept, or a robot's answer's, made from its prefix (see
/// [`robot_filename`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
enum FileName {
    Kept(Box<str>),
    Robot { prefix: Term },
}

impl Record {
    fn id(&self) -> Uuid {
        match self {
            Self::Kept(document) => document.id,
            Self::Own(own) => own.id,
        }
    }
}

/// One of the sandbox's own documents, compact.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct OwnRecord {
    id: Uuid,
    sent: DateTime<Utc>,
    made: Made,
    doc_type: Term,
    filename: FileName,
    size: u32,
    /// The size of its encrypted variant, when it has one (encrypted for `recipients`).
    sealed: Option<u32>,
    signed_by: Option<OwnSigner>,
    reply: Option<Term>,
    origin: Origin,
    decrypted: bool,
}

impl Documents {
    /// No documents yet, for the docflow numbered `seq`.
    pub fn new(seq: u32) -> Self {
        Self {
            seq,
            ..Self::default()
        }
    }

    /// Renumbers them with their docflow ([`crate::state::Store::insert_docflow`]): documents
    /// whose content ids named another number are kept whole from then on.
    pub(crate) fn set_seq(&mut self, seq: u32) {
        if seq == self.seq {
            return;
        }
        let documents: Vec<DocflowDocument> = self.iter().map(Cow::into_owned).collect();
        *self = Self::new(seq);
        for document in documents {
            self.push(document);
        }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Document `index`, whole.
    pub fn get(&self, index: usize) -> Option<Cow<'_, DocflowDocument>> {
        Some(self.read(index, self.records.get(index)?))
    }

    pub fn first(&self) -> Option<Cow<'_, DocflowDocument>> {
        self.get(0)
    }

    /// Every document, whole, in order.
    pub fn iter(&self) -> impl Iterator<Item = Cow<'_, DocflowDocument>> + '_ {
        self.records
            .iter()
            .enumerate()
            .map(|(index, record)| self.read(index, record))
    }

    /// Adds a document at the end.
    pub fn push(&mut self, document: DocflowDocument) {
        let index = self.records.len();
        let record = self.compact(index, document);
        // Docflows gain documents one at a time: grow by one, not double.
        self.records.reserve_exact(1);
        self.records.push(record);
    }

    /// Changes the document `id`; `None` when there is none.
    pub fn update<R>(
        &mut self,
        id: Uuid,
        change: impl FnOnce(&mut DocflowDocument) -> R,
    ) -> Option<R> {
        let index = self.records.iter().position(|r| r.id() == id)?;
        let mut document = self.read(index, &self.records[index]).into_owned();
        let answer = change(&mut document);
        self.records[index] = self.compact(index, document);
        Some(answer)
    }

    fn read<'a>(&'a self, index: usize, record: &'a Record) -> Cow<'a, DocflowDocument> {
        let own = match record {
            Record::Kept(document) => return Cow::Borrowed(document),
            Record::Own(own) => own,
        };
        Cow::Owned(DocflowDocument {
            id: own.id,
            origin: own.origin,
            made: own.made,
            doc_type: Cow::Borrowed(own.doc_type.as_str()),
            filename: match &own.filename {
                FileName::Kept(name) => name.to_string(),
                FileName::Robot { prefix } => {
                    robot_filename(prefix.as_str(), &self.report_filename(), own.sent, own.id)
                }
            },
            content_type: OWN_CONTENT_TYPE,
            content_id: derived::content_id(self.seq, index, Variant::Plain),
            size: u64::from(own.size),
            signatures: Vec::new(),
            signed_by: own.signed_by,
            replies_due: own
                .reply
                .map(|r| Cow::Borrowed(r.as_str()))
                .into_iter()
                .collect(),
            sealed: own.sealed.map(|size| Sealed {
                content_id: derived::content_id(self.seq, index, Variant::Sealed),
                serials: self.recipients.clone().unwrap_or_else(|| Arc::from([])),
                size: u64::from(size),
            }),
            decrypted: own.decrypted,
            sent: own.sent,
        })
    }

    /// `document` as kept at `index`: compact when it reads back the same.
    fn compact(&mut self, index: usize, document: DocflowDocument) -> Record {
        match self.own_record(index, &document) {
            Some((own, recipients)) => {
                if let Some(serials) = recipients {
                    self.recipients = Some(serials);
                }
                Record::Own(own)
            }
            None => Record::Kept(Box::new(document)),
        }
    }

    /// The compact record of `d`, and the recipients it sets; `None` when it cannot be one.
    #[allow(clippy::type_complexity)]
    fn own_record(
        &self,
        index: usize,
        d: &DocflowDocument,
    ) -> Option<(OwnRecord, Option<Arc<[String]>>)> {
        let Cow::Borrowed(doc_type) = d.doc_type else {
            return None;
        };
        let reply = match d.replies_due.as_slice() {
            [] => None,
            [Cow::Borrowed(reply)] => Some(Term::of(reply)),
            _ => return None,
        };
        let derived_here = |variant| derived::content_id(self.seq, index, variant);
        let own = d.made != Made::Stored
            && d.content_type == OWN_CONTENT_TYPE
            && d.content_id == derived_here(Variant::Plain)
            && d.signatures.is_empty();
        if !own {
            return None;
        }
        let (sealed, recipients) = match &d.sealed {
            None => (None, None),
            Some(s) => {
                let same_recipients = self.recipients.as_ref().is_none_or(|r| *r == s.serials);
                if s.content_id != derived_here(Variant::Sealed) || !same_recipients {
                    return None;
                }
                (Some(u32::try_from(s.size).ok()?), Some(s.serials.clone()))
            }
        };
        let record = OwnRecord {
            id: d.id,
            sent: d.sent,
            made: d.made,
            doc_type: Term::of(doc_type),
            filename: self.own_filename(d),
            size: u32::try_from(d.size).ok()?,
            sealed,
            signed_by: d.signed_by,
            reply,
            origin: d.origin,
            decrypted: d.decrypted,
        };
        Some((record, recipients))
    }
}

impl Documents {
    /// The file name of the docflow's first document (the report robots answer).
    fn report_filename(&self) -> Cow<'_, str> {
        match self.records.first() {
            Some(Record::Kept(d)) => Cow::Borrowed(&d.filename),
            Some(Record::Own(own)) => match &own.filename {
                FileName::Kept(name) => Cow::Borrowed(name),
                // A robot answers a report, which is never one of its own answers.
                FileName::Robot { .. } => Cow::Borrowed(""),
            },
            None => Cow::Borrowed(""),
        }
    }

    /// `d`'s file name as an own record keeps it: by its prefix when it is a robot's answer's.
    fn own_filename(&self, d: &DocflowDocument) -> FileName {
        let made_by_robot = d
            .filename
            .split_once('_')
            .map(|(prefix, _)| prefix)
            .filter(|prefix| {
                robot_filename(prefix, &self.report_filename(), d.sent, d.id) == d.filename
            });
        match made_by_robot {
            // Prefixes come from the catalogue (the name was made from one): a few, each kept once.
            Some(prefix) => FileName::Robot {
                prefix: Term::of(crate::formats::serial::intern(prefix)),
            },
            None => FileName::Kept(d.filename.as_str().into()),
        }
    }
}

impl From<Vec<DocflowDocument>> for Documents {
    /// Documents of a docflow not numbered yet (its number comes when it is kept).
    fn from(documents: Vec<DocflowDocument>) -> Self {
        let mut out = Self::default();
        for document in documents {
            out.push(document);
        }
        out
    }
}

impl<'a> IntoIterator for &'a Documents {
    type Item = Cow<'a, DocflowDocument>;
    type IntoIter = Box<dyn Iterator<Item = Cow<'a, DocflowDocument>> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own(seq: u32, index: usize, sealed: bool) -> DocflowDocument {
        DocflowDocument {
            id: Uuid::new_v4(),
            origin: Origin::Authority,
            made: Made::Robot {
                knd: Term::of("1166002"),
            },
            doc_type: Cow::Borrowed("urn:document:fns534-report-receipt"),
            filename: "IZVESHCH_0087.xml".into(),
            content_type: OWN_CONTENT_TYPE,
            content_id: derived::content_id(seq, index, Variant::Plain),
            size: 812,
            signatures: Vec::new(),
            signed_by: Some(OwnSigner::Inspection),
            replies_due: vec![Cow::Borrowed("fns534-report-receipt-receipt")],
            sealed: sealed.then(|| Sealed {
                content_id: derived::content_id(seq, index, Variant::Sealed),
                serials: Arc::from(["0A1B".to_string()]),
                size: 2048,
            }),
            decrypted: !sealed,
            sent: Utc::now(),
        }
    }

    fn same(a: &DocflowDocument, b: &DocflowDocument) -> bool {
        format!("{a:?}") == format!("{b:?}")
    }

    #[test]
    fn own_documents_read_back_the_same_and_others_are_kept_whole() {
        let mut docs = Documents::new(7);
        let report = DocflowDocument {
            made: Made::Stored,
            content_id: Uuid::new_v4(),
            ..own(7, 0, false)
        };
        docs.push(report.clone());
        let receipt = own(7, 1, true);
        docs.push(receipt.clone());
        assert!(matches!(docs.records[0], Record::Kept(_)));
        assert!(matches!(docs.records[1], Record::Own(_)));
        assert!(same(&docs.get(0).unwrap(), &report));
        assert!(same(&docs.get(1).unwrap(), &receipt));

        // A change that a compact record cannot hold keeps the document whole.
        docs.update(receipt.id, |d| d.replies_due.clear()).unwrap();
        assert!(matches!(docs.records[1], Record::Own(_)));
        assert!(docs.get(1).unwrap().replies_due.is_empty());
        docs.update(receipt.id, |d| d.filename.push_str(".bak"))
            .unwrap();
        assert_eq!(docs.get(1).unwrap().filename, "IZVESHCH_0087.xml.bak");
        docs.update(receipt.id, |d| d.replies_due.push(Cow::Owned("x".into())))
            .unwrap();
        assert!(matches!(docs.records[1], Record::Kept(_)));
        assert_eq!(docs.iter().count(), 2);

        // A robot's answer's file name is made from its prefix and the report's name.
        let mut answer = own(7, 2, false);
        answer.filename = robot_filename("KV", &report.filename, answer.sent, answer.id);
        docs.push(answer.clone());
        let Record::Own(record) = &docs.records[2] else {
            panic!("kept whole: {:?}", docs.records[2]);
        };
        assert!(matches!(record.filename, FileName::Robot { .. }));
        assert!(same(&docs.get(2).unwrap(), &answer));
        assert!(docs.update(Uuid::new_v4(), |_| ()).is_none());
    }
}
