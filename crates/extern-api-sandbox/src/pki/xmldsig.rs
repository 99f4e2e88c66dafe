//! Enveloped XMLDsig, as the Social Fund takes its reports (ЕФС-1, АДВ): a `ds:Signature` as the
//! last child of the root, `Reference URI=""` with the enveloped-signature and exclusive C14N
//! transforms, an optional XAdES `SignedProperties` reference, the signer's certificate in
//! `KeyInfo`, and for a representative the МЧД id in `ds:Object`
//! (skbkontur/extern-api-docs docs/manuals/xmldsig.rst, docs/scenarios/SFR/mchd_sfr.rst and its
//! sample `ЕФС-1 с МЧД СФР.xml`). Verified for real: every reference's digest over the
//! canonical form the xml-sec crate makes, then the signature over the canonical `SignedInfo`
//! with the certificate's key, then the certificate against the sandbox's CA.

use base64::Engine;
use chrono::{DateTime, Utc};
use der::Decode;
use x509_cert::Certificate;
use xml_sec::c14n::{C14nAlgorithm, canonicalize};
use xml_sec::{Document, Node};

use super::{Authority, CertInfo, OID_SHA256, OID_SHA512, PkiError};

pub const DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
/// The most `ds:Reference`s a signature may have here.
const MAX_REFERENCES: usize = 8;
/// The МЧД link's namespace (the Social Fund's SEDO types).
pub const MCHD: &str = "urn:ru:fss:integration:types:mchd:v01";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

/// What a verified XMLDsig says.
#[derive(Debug, Clone)]
pub struct XmlSigned {
    pub signer: CertInfo,
    /// The signer's certificate (DER).
    pub certificate: Vec<u8>,
    /// The МЧД id in the signature block, if any.
    pub warrant: Option<String>,
}

/// Why a document's XMLDsig does not verify.
#[derive(Debug, thiserror::Error)]
pub enum XmlDsigError {
    #[error("the document is not well-formed UTF-8 XML: {0}")]
    NotXml(String),
    #[error("the document has no enveloped ds:Signature under its root")]
    NoSignature,
    #[error("ds:Signature lacks {0}")]
    Missing(&'static str),
    #[error("unsupported in XMLDsig: {0}")]
    Unsupported(String),
    #[error(
        "the digest of reference \"{0}\" does not match the signed document (was it changed after signing?)"
    )]
    DigestMismatch(String),
    #[error("the signature: {0}")]
    Signature(PkiError),
}

/// A digest or signature method: the digest's OID (as the CMS code names it).
fn digest_oid(uri: &str) -> Result<&'static str, XmlDsigError> {
    Ok(match uri {
        "http://www.w3.org/2001/04/xmlenc#sha256"
        | "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
        | "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256" => OID_SHA256,
        "http://www.w3.org/2001/04/xmlenc#sha512"
        | "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" => OID_SHA512,
        "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34112012-256"
        | "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34102012-gostr34112012-256" => {
            "1.2.643.7.1.1.2.2"
        }
        "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34112012-512"
        | "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34102012-gostr34112012-512" => {
            "1.2.643.7.1.1.2.3"
        }
        other => return Err(XmlDsigError::Unsupported(format!("algorithm {other}"))),
    })
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &'static str) -> Result<Node<'a, 'i>, XmlDsigError> {
    node.children()
        .find(|n| {
            n.is_element() && n.tag_name().namespace() == Some(DSIG) && n.tag_name().name() == name
        })
        .ok_or(XmlDsigError::Missing(name))
}

fn algorithm<'a>(node: Node<'a, '_>, name: &'static str) -> Result<&'a str, XmlDsigError> {
    child(node, name)?
        .attribute("Algorithm")
        .ok_or(XmlDsigError::Missing(name))
}

fn base64_text(node: Node<'_, '_>, what: &'static str) -> Result<Vec<u8>, XmlDsigError> {
    let text: String = node
        .text()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| XmlDsigError::Unsupported(format!("{what} is not base64")))
}

/// The canonical form of the nodes `visible` lets through, by a C14N algorithm URI.
fn canonical(
    doc: &Document,
    uri: &str,
    visible: &dyn Fn(Node) -> bool,
) -> Result<Vec<u8>, XmlDsigError> {
    let algo = C14nAlgorithm::from_uri(uri)
        .ok_or_else(|| XmlDsigError::Unsupported(format!("canonicalization {uri}")))?;
    let mut out = Vec::new();
    canonicalize(doc, Some(visible), &algo, &mut out)
        .map_err(|e| XmlDsigError::NotXml(e.to_string()))?;
    Ok(out)
}

fn inside(node: Node, apex: xml_sec::NodeId) -> bool {
    node.ancestors().any(|a| a.id() == apex)
}

/// Verifies the enveloped XMLDsig of `xml` and its certificate against `authority` at `now`.
pub fn verify(
    authority: &Authority,
    xml: &[u8],
    now: DateTime<Utc>,
) -> Result<XmlSigned, XmlDsigError> {
    let text = std::str::from_utf8(xml).map_err(|e| XmlDsigError::NotXml(e.to_string()))?;
    let doc = Document::parse(text).map_err(|e| XmlDsigError::NotXml(e.to_string()))?;
    let signature = doc
        .root_element()
        .children()
        .filter(|n| n.is_element())
        .find(|n| n.tag_name().namespace() == Some(DSIG) && n.tag_name().name() == "Signature")
        .ok_or(XmlDsigError::NoSignature)?;
    let signed_info = child(signature, "SignedInfo")?;
    let c14n = algorithm(signed_info, "CanonicalizationMethod")?;
    let method = algorithm(signed_info, "SignatureMethod")?;
    let references: Vec<_> = signed_info
        .children()
        .filter(|n| n.is_element() && n.tag_name().name() == "Reference")
        .collect();
    // A handful is all a report needs (the document, XAdES' SignedProperties); each costs a
    // canonicalization of up to the whole document.
    if references.len() > MAX_REFERENCES {
        return Err(XmlDsigError::Unsupported(format!(
            "{} references (at most {MAX_REFERENCES})",
            references.len()
        )));
    }
    if !references.iter().any(|r| r.attribute("URI") == Some("")) {
        return Err(XmlDsigError::Missing(
            "a Reference to the whole document (URI=\"\")",
        ));
    }
    for reference in references {
        verify_reference(&doc, reference, signature.id())?;
    }
    let signed = canonical(&doc, c14n, &|n| inside(n, signed_info.id()))?;
    let certificate = base64_text(
        child(
            child(child(signature, "KeyInfo")?, "X509Data")?,
            "X509Certificate",
        )?,
        "X509Certificate",
    )?;
    let cert = Certificate::from_der(&certificate)
        .map_err(|e| XmlDsigError::Signature(PkiError::NotACertificate(e.to_string())))?;
    let value = base64_text(child(signature, "SignatureValue")?, "SignatureValue")?;
    let oid = digest_oid(method)?;
    let prehash = super::digest_stream(oid, signed.as_slice()).map_err(XmlDsigError::Signature)?;
    // XMLDsig's ECDSA value is r‖s (RFC 4051); the verifier takes DER.
    let value = if method.contains("ecdsa") {
        p256::ecdsa::Signature::from_slice(&value)
            .map_err(|_| XmlDsigError::Signature(PkiError::BadSignature))?
            .to_der()
            .as_bytes()
            .to_vec()
    } else {
        value
    };
    super::verify_prehash(&cert, oid, &prehash, &value).map_err(XmlDsigError::Signature)?;
    let signer = authority
        .check_parsed(&cert, now)
        .map_err(XmlDsigError::Signature)?;
    let warrant = signature
        .descendants()
        .find(|n| {
            n.is_element()
                && n.tag_name().namespace() == Some(MCHD)
                && n.tag_name().name() == "uuid"
        })
        .and_then(|n| n.text())
        .map(|t| t.trim().to_string());
    Ok(XmlSigned {
        signer,
        certificate,
        warrant,
    })
}

/// One `ds:Reference`: the whole document (`URI=""`) or an element by its `Id`/`id`
/// (`URI="#…"`), through its transforms, digested and compared.
fn verify_reference(
    doc: &Document,
    reference: Node,
    signature: xml_sec::NodeId,
) -> Result<(), XmlDsigError> {
    let uri = reference.attribute("URI").unwrap_or("");
    let apex = match uri.strip_prefix('#') {
        None if uri.is_empty() => doc.root().id(),
        None => return Err(XmlDsigError::Unsupported(format!("reference URI {uri}"))),
        Some(id) => {
            // An id that two elements carry could point the reference at either: refused.
            let mut found = doc.descendants().filter(|n| {
                n.is_element()
                    && ["Id", "id", "ID"]
                        .iter()
                        .any(|a| n.attribute(*a) == Some(id))
            });
            let target = found.next().ok_or_else(|| {
                XmlDsigError::Unsupported(format!("reference to a missing id {uri}"))
            })?;
            if found.next().is_some() {
                return Err(XmlDsigError::Unsupported(format!(
                    "reference {uri}: more than one element has this id"
                )));
            }
            target.id()
        }
    };
    let mut enveloped = false;
    let mut c14n = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
    if let Ok(transforms) = child(reference, "Transforms") {
        for t in transforms.children().filter(|n| n.is_element()) {
            match t.attribute("Algorithm").unwrap_or("") {
                ENVELOPED => enveloped = true,
                other if C14nAlgorithm::from_uri(other).is_some() => c14n = other,
                other => return Err(XmlDsigError::Unsupported(format!("transform {other}"))),
            }
        }
    }
    let bytes = canonical(doc, c14n, &|n| {
        inside(n, apex) && !(enveloped && inside(n, signature))
    })?;
    let method = algorithm(reference, "DigestMethod")?;
    let digest = super::digest_stream(digest_oid(method)?, bytes.as_slice())
        .map_err(XmlDsigError::Signature)?;
    let expected = base64_text(child(reference, "DigestValue")?, "DigestValue")?;
    if digest != expected {
        return Err(XmlDsigError::DigestMismatch(uri.to_string()));
    }
    Ok(())
}

/// The exclusive canonicalization's URI, the one the Social Fund's sample uses.
pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";

/// What the service prepares for a report that came unsigned: the `SignedInfo` for the
/// certificate's key over the document, and its canonical bytes (the `data-to-sign`).
#[derive(Debug, Clone)]
pub struct DataToSign {
    pub signed_info: String,
    pub canonical: Vec<u8>,
}

/// `SignatureMethod` and `DigestMethod` for a certificate's key: the vendor's GOST URIs, or
/// RSA / ECDSA with SHA-256 for the sandbox's test keys.
fn algorithms(certificate: &Certificate) -> Result<(&'static str, &'static str), XmlDsigError> {
    let spki = &certificate.tbs_certificate.subject_public_key_info;
    Ok(match spki.algorithm.oid.to_string().as_str() {
        super::OID_RSA => (
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            "http://www.w3.org/2001/04/xmlenc#sha256",
        ),
        super::OID_EC_PUBLIC_KEY => (
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
            "http://www.w3.org/2001/04/xmlenc#sha256",
        ),
        gost if super::gost::is_gost_key(gost) => (
            "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34102012-gostr34112012-256",
            "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34112012-256",
        ),
        other => return Err(XmlDsigError::Unsupported(format!("key algorithm {other}"))),
    })
}

/// The `SignedInfo` over the whole of `xml` (enveloped, exclusive C14N) for `certificate`'s key.
pub fn data_to_sign(xml: &[u8], certificate: &[u8]) -> Result<DataToSign, XmlDsigError> {
    let cert = Certificate::from_der(certificate)
        .map_err(|e| XmlDsigError::Signature(PkiError::NotACertificate(e.to_string())))?;
    let (signature, digest) = algorithms(&cert)?;
    let text = std::str::from_utf8(xml).map_err(|e| XmlDsigError::NotXml(e.to_string()))?;
    let doc = Document::parse(text).map_err(|e| XmlDsigError::NotXml(e.to_string()))?;
    let whole = canonical(&doc, EXC_C14N, &|_| true)?;
    let value = super::digest_stream(digest_oid(digest)?, whole.as_slice())
        .map_err(XmlDsigError::Signature)?;
    let value = base64::engine::general_purpose::STANDARD.encode(value);
    let signed_info = format!(
        "<ds:SignedInfo xmlns:ds=\"{DSIG}\"><ds:CanonicalizationMethod Algorithm=\"{EXC_C14N}\"/>\
         <ds:SignatureMethod Algorithm=\"{signature}\"/><ds:Reference URI=\"\"><ds:Transforms>\
         <ds:Transform Algorithm=\"{ENVELOPED}\"/><ds:Transform Algorithm=\"{EXC_C14N}\"/>\
         </ds:Transforms><ds:DigestMethod Algorithm=\"{digest}\"/><ds:DigestValue>{value}\
         </ds:DigestValue></ds:Reference></ds:SignedInfo>"
    );
    let info = Document::parse(&signed_info).map_err(|e| XmlDsigError::NotXml(e.to_string()))?;
    let canonical = canonical(&info, EXC_C14N, &|_| true)?;
    Ok(DataToSign {
        signed_info,
        canonical,
    })
}

/// `xml` with the `ds:Signature` made of `signed_info`, the raw `signature` and `certificate`
/// (and the МЧД id, for a representative) inserted before the root's closing tag, as prepare
/// does when the service helped.
pub fn insert(
    xml: &[u8],
    signed_info: &str,
    signature: &[u8],
    certificate: &[u8],
    warrant: Option<uuid::Uuid>,
) -> Result<Vec<u8>, XmlDsigError> {
    let text = std::str::from_utf8(xml).map_err(|e| XmlDsigError::NotXml(e.to_string()))?;
    let doc = Document::parse(text).map_err(|e| XmlDsigError::NotXml(e.to_string()))?;
    let range = doc.root_element().range();
    let at = text[range.clone()]
        .rfind("</")
        .map(|at| range.start + at)
        .ok_or_else(|| XmlDsigError::NotXml("the root element is empty".into()))?;
    let b64 = base64::engine::general_purpose::STANDARD;
    // An ECDSA signature put as DER (what most libraries give) goes in as XMLDsig's r‖s.
    let signature = match p256::ecdsa::Signature::from_der(signature) {
        Ok(s) if signed_info.contains("#ecdsa-") => s.to_bytes().to_vec(),
        _ => signature.to_vec(),
    };
    // Inside ds:Signature, which declares `ds`, SignedInfo does not repeat it.
    let signed_info = signed_info.replacen(&format!(" xmlns:ds=\"{DSIG}\""), "", 1);
    let object = warrant
        .map(|id| {
            format!(
                "<ds:Object><sign:authorities xmlns:sign=\"urn:ru:fss:integration:types:signature:v01\" \
                 xmlns:mchd=\"{MCHD}\"><sign:authority><mchd:powerOfAttorneyLink><mchd:uuid>{id}\
                 </mchd:uuid></mchd:powerOfAttorneyLink></sign:authority></sign:authorities></ds:Object>"
            )
        })
        .unwrap_or_default();
    let block = format!(
        "<ds:Signature xmlns:ds=\"{DSIG}\">{signed_info}<ds:SignatureValue>{}</ds:SignatureValue>\
         <ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data>\
         </ds:KeyInfo>{object}</ds:Signature>",
        b64.encode(signature),
        b64.encode(certificate)
    );
    let mut out = Vec::with_capacity(xml.len() + block.len());
    out.extend_from_slice(&xml[..at]);
    out.extend_from_slice(block.as_bytes());
    out.extend_from_slice(&xml[at..]);
    Ok(out)
}

/// Whether `xml` already carries a `ds:Signature` under its root (`None`: not XML).
pub fn is_signed(xml: &[u8]) -> Option<bool> {
    let text = std::str::from_utf8(xml).ok()?;
    let doc = Document::parse(text).ok()?;
    Some(doc.root_element().children().any(|n| {
        n.is_element()
            && n.tag_name().namespace() == Some(DSIG)
            && n.tag_name().name() == "Signature"
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const XMLSEC1_SIGNED: &[u8] = include_bytes!("../../tests/fixtures/xmldsig/xmlsec1_signed.xml");

    #[test]
    fn a_signature_made_by_libxmlsec1_verifies_up_to_its_untrusted_certificate() {
        let ca = Authority::new();
        match verify(&ca, XMLSEC1_SIGNED, Utc::now()) {
            Err(XmlDsigError::Signature(PkiError::Untrusted)) => {}
            other => panic!("digest and signature should verify, only the CA differ: {other:?}"),
        }
        let text = std::str::from_utf8(XMLSEC1_SIGNED).unwrap();
        let changed = text.replacen("6676130154", "6676130155", 1);
        assert!(matches!(
            verify(&ca, changed.as_bytes(), Utc::now()),
            Err(XmlDsigError::DigestMismatch(uri)) if uri.is_empty()
        ));
        // One character of the signature value changed (still base64).
        let at = text.find("<ds:SignatureValue>").unwrap() + "<ds:SignatureValue>".len() + 5;
        let mut forged = text.to_string();
        let c = if &forged[at..at + 1] == "A" { "B" } else { "A" };
        forged.replace_range(at..at + 1, c);
        assert!(matches!(
            verify(&ca, forged.as_bytes(), Utc::now()),
            Err(XmlDsigError::Signature(PkiError::BadSignature))
        ));
    }

    #[test]
    fn the_exclusive_c14n_uri_is_known_to_the_library() {
        let algo = xml_sec::c14n::C14nAlgorithm::from_uri(super::EXC_C14N).expect("known");
        assert_eq!(algo.mode(), xml_sec::c14n::C14nMode::Exclusive1_0);
    }
}
