//! The enveloped XMLDsig the Social Fund takes its reports (ЕФС-1, АДВ) signed with: a
//! `ds:Signature` appended as the last child of the root, over the whole document
//! (`Reference URI=""`, enveloped-signature and exclusive C14N transforms), with the signer's
//! certificate, and for a representative the МЧД id in the signature block
//! (skbkontur/extern-api-docs docs/manuals/xmldsig.rst, docs/scenarios/SFR/mchd_sfr.rst and its
//! sample `ЕФС-1 с МЧД СФР.xml`).

use base64::Engine;
use uuid::Uuid;
use xml_sec::c14n::{C14nAlgorithm, C14nMode, canonicalize_xml};

use super::Signer;
use crate::Error;

const DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";

/// Signs `xml` (UTF-8) with an enveloped XMLDsig by `signer`; `warrant` is the МЧД id a
/// representative signs under. The document's bytes are kept as they are: the signature is
/// inserted before the root's closing tag.
///
/// Refused (an [`Error::Signing`]) when the signer cannot sign XML, the document is not
/// well-formed UTF-8 XML or already carries a `ds:Signature` under its root.
///
/// ```no_run
/// # async fn demo(signer: &dyn extern_api_core::crypto::Signer) -> Result<(), extern_api_core::Error> {
/// let report = std::fs::read("ПФР_….xml").unwrap();
/// let signed = extern_api_core::crypto::sign_enveloped(signer, &report, None).await?;
/// # Ok(()) }
/// ```
pub async fn sign_enveloped(
    signer: &dyn Signer,
    xml: &[u8],
    warrant: Option<Uuid>,
) -> Result<Vec<u8>, Error> {
    let algorithms = signer
        .xml_algorithms()
        .ok_or_else(|| Error::signing("this signer cannot sign XML (XMLDsig)"))?;
    let text = std::str::from_utf8(xml)
        .map_err(|e| Error::signing_with("the XML to sign is not UTF-8", e))?;
    let insert_at = closing_tag_of_root(text)?;
    let exclusive = C14nAlgorithm::new(C14nMode::Exclusive1_0, false);
    let canonical = canonicalize_xml(xml, &exclusive)
        .map_err(|e| Error::signing_with("canonicalizing the XML failed", e))?;
    let b64 = base64::engine::general_purpose::STANDARD;
    let digest = b64.encode(signer.xml_digest(&canonical)?);
    let signed_info = format!(
        "<ds:SignedInfo xmlns:ds=\"{DSIG}\">\
         <ds:CanonicalizationMethod Algorithm=\"{EXC_C14N}\"/>\
         <ds:SignatureMethod Algorithm=\"{}\"/>\
         <ds:Reference URI=\"\"><ds:Transforms>\
         <ds:Transform Algorithm=\"{DSIG}enveloped-signature\"/>\
         <ds:Transform Algorithm=\"{EXC_C14N}\"/></ds:Transforms>\
         <ds:DigestMethod Algorithm=\"{}\"/>\
         <ds:DigestValue>{digest}</ds:DigestValue></ds:Reference></ds:SignedInfo>",
        algorithms.signature, algorithms.digest
    );
    // In place, SignedInfo's exclusive canonical form is the same: it uses only `ds`.
    let signed_info_c14n = canonicalize_xml(signed_info.as_bytes(), &exclusive)
        .map_err(|e| Error::signing_with("canonicalizing SignedInfo failed", e))?;
    let value = b64.encode(signer.sign_raw(&signed_info_c14n).await?);
    let certificate = b64.encode(signer.certificate());
    let object = warrant
        .map(|id| {
            format!(
                "<ds:Object><sign:authorities xmlns:sign=\"urn:ru:fss:integration:types:signature:v01\" \
                 xmlns:mchd=\"urn:ru:fss:integration:types:mchd:v01\"><sign:authority>\
                 <mchd:powerOfAttorneyLink><mchd:uuid>{id}</mchd:uuid></mchd:powerOfAttorneyLink>\
                 </sign:authority></sign:authorities></ds:Object>"
            )
        })
        .unwrap_or_default();
    // SignedInfo without its own namespace declaration: Signature declares `ds`.
    let signed_info = signed_info.replacen(&format!(" xmlns:ds=\"{DSIG}\""), "", 1);
    let signature = format!(
        "<ds:Signature xmlns:ds=\"{DSIG}\">{signed_info}<ds:SignatureValue>{value}</ds:SignatureValue>\
         <ds:KeyInfo><ds:X509Data><ds:X509Certificate>{certificate}</ds:X509Certificate>\
         </ds:X509Data></ds:KeyInfo>{object}</ds:Signature>"
    );
    let mut out = Vec::with_capacity(xml.len() + signature.len());
    out.extend_from_slice(&xml[..insert_at]);
    out.extend_from_slice(signature.as_bytes());
    out.extend_from_slice(&xml[insert_at..]);
    Ok(out)
}

/// Where the root's closing tag starts; refused for a document already signed or not XML.
fn closing_tag_of_root(text: &str) -> Result<usize, Error> {
    let doc = xml_sec::Document::parse(text)
        .map_err(|e| Error::signing_with("the XML to sign is not well-formed", e))?;
    let root = doc.root_element();
    let signed = root.children().any(|n| {
        n.is_element()
            && n.tag_name().namespace() == Some(DSIG)
            && n.tag_name().name() == "Signature"
    });
    if signed {
        return Err(Error::signing(
            "the XML already carries a ds:Signature under its root",
        ));
    }
    let range = root.range();
    text[range.clone()]
        .rfind("</")
        .map(|at| range.start + at)
        .ok_or_else(|| Error::signing("the XML's root element is empty (<…/>): nothing to sign"))
}
