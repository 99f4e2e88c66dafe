//! Building documents from figures with core's handlers against the sandbox: documents built into
//! drafts from the vendor's JSON contracts (an ION request, a USN declaration) that pass the check,
//! drafts builders read, changed and deleted, a builder file generated from a contract, and the
//! documents a build refuses in its typed outcome.

use extern_api_core::Error;
use extern_api_core::api::{BuildRefusal, PollPolicy};
use extern_api_core::crypto::Signer;
use extern_api_core::model::{BuilderData, BuilderType, ContractType};
use extern_api_core::raw::types;
use extern_api_tests::*;
use serde_json::json;
use uuid::Uuid;

/// An empty draft from the seeded organization to inspection 0087.
async fn draft(world: &World) -> Uuid {
    let meta: types::DraftMeta = serde_json::from_value(json!({
        "sender": { "inn": INN, "kpp": KPP, "ipaddress": "127.0.0.1" },
        "payer": { "inn": INN, "organization": { "kpp": KPP } },
        "recipient": { "ifns-code": "0087" },
    }))
    .unwrap();
    let drafts = world.client.account(world.account).drafts();
    drafts.create(&meta).await.unwrap().id
}

/// Signs a draft's documents and checks it: the check must find no error.
async fn signed_and_checked(world: &World, draft: Uuid, documents: &[Uuid]) {
    world
        .signer
        .sign_draft_documents(&world.client, world.account, draft, documents)
        .await
        .unwrap();
    let protocol = world
        .client
        .check_draft(world.account, draft, &PollPolicy::default())
        .await
        .unwrap();
    assert!(!protocol.has_errors(), "{protocol}");
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn description(doc: &types::DraftDocument) -> (String, String) {
    let d = doc.description.as_ref().expect("a described document");
    (
        d.type_.clone().unwrap_or_default(),
        d.filename.clone().unwrap_or_default(),
    )
}

fn sender() -> types::Sender {
    types::Sender {
        inn: INN.into(),
        kpp: Some(KPP.into()),
        certificate: None,
        ipaddress: Some("127.0.0.1".into()),
        is_representative: Some(false),
        name: None,
    }
}

fn inspection() -> types::Recipient {
    types::Recipient {
        ifns_code: Some("0087".into()),
        ..Default::default()
    }
}

fn letter(subject: &str) -> BuilderData {
    BuilderData::Letter {
        region: "66".into(),
        subject: Some(subject.into()),
    }
}

fn document_of(kind: &str) -> types::DraftsBuilderDocumentRequest {
    types::DraftsBuilderDocumentRequest {
        builder_data: json!({ "type": kind }).as_object().unwrap().clone(),
    }
}

/// A file of uploaded `content` named `name`.
async fn file_of(
    world: &World,
    name: &str,
    content: &[u8],
) -> types::DraftsBuilderDocumentFileRequest {
    let content_id = world
        .client
        .account(world.account)
        .contents()
        .upload_bytes(content)
        .await
        .unwrap();
    types::DraftsBuilderDocumentFileRequest {
        content_id: Some(content_id),
        base64_signature_content: None,
        meta: types::DraftsBuilderFileMetaRequest {
            file_name: name.into(),
            builder_data: Default::default(),
        },
    }
}

#[tokio::test]
async fn an_ion_request_built_from_figures_passes_the_check() {
    let world = World::start().await;
    let drafts = world.client.account(world.account).drafts();
    let draft = draft(&world).await;
    let contract = json!({
        "version": 3,
        "data": { "ФормОтв": 4, "ДатаНач": "01.01.2024", "ДатаКон": "30.09.2024" },
        "additional-org-info": { "signer-type": "chief", "taxpayer": { "taxpayer-chief-fio": "Иванов Иван Иванович" } },
    });
    let doc = drafts
        .build_document(draft, &ContractType::Ion(3), Some(3), &contract)
        .await
        .unwrap();
    let (doc_type, filename) = description(&doc);
    assert_eq!(doc_type, "urn:document:fns534-ion-request");
    assert!(
        filename.starts_with(&format!("ZAPROS_ION3_0087_0087_{INN}{KPP}_")),
        "{filename}"
    );
    // The XML is the FNS's: windows-1251, its ИдФайл the file's name.
    let xml = drafts.decrypted_content(draft, doc.id).await.unwrap();
    assert!(contains(&xml, b"encoding=\"windows-1251\""));
    assert!(contains(&xml, filename.trim_end_matches(".xml").as_bytes()));
    signed_and_checked(&world, draft, &[doc.id]).await;

    // ION 1 and 2 are refused before any request; a contract the service refuses is a 400.
    let retired = drafts
        .build_document(draft, &ContractType::Ion(2), Some(3), &contract)
        .await
        .unwrap_err();
    assert!(matches!(retired, Error::InvalidInput(_)), "{retired}");
    let not_an_object = drafts
        .build_document(draft, &ContractType::Ion(3), Some(3), &json!([1, 2]))
        .await
        .unwrap_err();
    assert!(
        matches!(not_an_object, Error::InvalidInput(_)),
        "{not_an_object}"
    );
    let mut two_years = contract.clone();
    two_years["data"]["ДатаКон"] = json!("31.01.2025");
    let refused = drafts
        .build_document(draft, &ContractType::Ion(3), Some(3), &two_years)
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(400), "{refused}");
}

#[tokio::test]
async fn a_usn_declaration_fills_a_document_and_passes_the_check() {
    let world = World::start().await;
    let drafts = world.client.account(world.account).drafts();
    let draft = draft(&world).await;
    let empty = drafts
        .add_document(
            draft,
            &types::DocumentRequest {
                description: Some(types::DocumentDescriptionRequest {
                    type_: Some("urn:document:fns534-report".into()),
                    ..Default::default()
                }),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let contract = json!({
        "period": { "year": 2024, "period-modifiers": "None" },
        "data": { "НомКорр": 0, "ПоМесту": 120, "ОбъектНал": 1 },
        "additional-org-info": { "signer-type": "chief", "taxpayer": { "taxpayer-chief-fio": "Иванов Иван Иванович" } },
    });
    drafts
        .fill_document(draft, empty.id, &ContractType::Usn, None, &contract)
        .await
        .unwrap();
    let doc = drafts.document(draft, empty.id).await.unwrap();
    let (doc_type, filename) = description(&doc);
    assert_eq!(doc_type, "urn:document:fns534-report");
    assert!(
        filename.starts_with(&format!("NO_USN_0087_0087_{INN}{KPP}_")),
        "{filename}"
    );
    // Filling again from the same contract builds the same kind of document in its place.
    drafts
        .fill_document(draft, empty.id, &ContractType::Usn, None, &contract)
        .await
        .unwrap();
    assert_eq!(drafts.get(draft).await.unwrap().documents.len(), 1);
    signed_and_checked(&world, draft, &[empty.id]).await;
}

#[tokio::test]
async fn a_builder_is_created_read_changed_and_deleted() {
    let world = World::start().await;
    let builders = world.client.account(world.account).builders();
    let first = letter("Сверка расчётов");
    let id = builders
        .create(&first.meta(sender(), inspection()))
        .await
        .unwrap();
    let got = builders.get(id).await.unwrap();
    assert_eq!(got.id, id);
    assert_eq!(got.status.as_deref(), Some("new"));
    let meta = got.meta.unwrap();
    assert_eq!(
        BuilderType::parse(&meta.builder_type),
        BuilderType::Fns534Letter
    );
    assert_eq!(BuilderData::read(&meta), Some(first));

    let second = letter("Запрос справки");
    let stored = builders
        .update_meta(id, &second.meta(sender(), inspection()))
        .await
        .unwrap();
    assert_eq!(BuilderData::read(&stored), Some(second.clone()));
    assert_eq!(
        BuilderData::read(&builders.meta(id).await.unwrap()),
        Some(second)
    );

    // A builder under the caller's id, replaced by a second put.
    let chosen = Uuid::new_v4();
    let put = builders
        .put(chosen, &letter("Первое").meta(sender(), inspection()))
        .await
        .unwrap();
    assert_eq!(put.id, chosen);
    builders
        .put(chosen, &letter("Второе").meta(sender(), inspection()))
        .await
        .unwrap();
    assert_eq!(
        BuilderData::read(&builders.meta(chosen).await.unwrap()),
        Some(letter("Второе"))
    );

    // A document and a file under the caller's ids.
    let document = Uuid::new_v4();
    let put_doc = builders
        .put_document(chosen, document, &document_of("letter"))
        .await
        .unwrap();
    assert_eq!(put_doc.id, document);
    let doc = builders.document(chosen, document).await.unwrap();
    assert_eq!(
        doc.meta.unwrap().builder_data.get("type"),
        Some(&json!("letter"))
    );
    let file = Uuid::new_v4();
    let body = file_of(&world, "letter.txt", "Текст письма".as_bytes()).await;
    let put_file = builders
        .put_file(chosen, document, file, &body)
        .await
        .unwrap();
    assert_eq!(put_file.id, file);
    assert_eq!(put_file.content_id, body.content_id);
    let one = builders.file(chosen, document, file).await.unwrap();
    assert_eq!(
        one.meta.and_then(|m| m.file_name).as_deref(),
        Some("letter.txt")
    );
    let meta = builders.file_meta(chosen, document, file).await.unwrap();
    assert_eq!(meta.file_name.as_deref(), Some("letter.txt"));
    assert_eq!(builders.files(chosen, document).await.unwrap().len(), 1);
    builders.delete_file(chosen, document, file).await.unwrap();
    assert!(builders.files(chosen, document).await.unwrap().is_empty());
    let gone = builders.file(chosen, document, file).await.unwrap_err();
    assert_eq!(gone.status(), Some(404), "{gone}");

    for builder in [id, chosen] {
        builders.delete(builder).await.unwrap();
        let gone = builders.get(builder).await.unwrap_err();
        assert_eq!(gone.status(), Some(404), "{gone}");
    }
}

#[tokio::test]
async fn a_builders_documents_are_listed_their_metas_replaced_and_removed() {
    let world = World::start().await;
    let builders = world.client.account(world.account).builders();
    let builder = builders
        .create(&letter("Сверка расчётов").meta(sender(), inspection()))
        .await
        .unwrap();
    let first = builders
        .add_document(builder, &document_of("letter"))
        .await
        .unwrap();
    let second = builders
        .add_document(builder, &document_of("letter"))
        .await
        .unwrap();
    let listed = builders.documents(builder).await.unwrap();
    assert_eq!(
        listed.iter().map(|d| d.id).collect::<Vec<_>>(),
        [first, second]
    );

    // A document's meta, read and replaced; a type the builder does not take is refused.
    let meta = builders.document_meta(builder, first).await.unwrap();
    assert_eq!(meta.builder_data.get("type"), Some(&json!("letter")));
    assert_eq!(
        BuilderType::parse(meta.builder_type.as_deref().unwrap()),
        BuilderType::Fns534Letter
    );
    let mut data = document_of("letter");
    data.builder_data
        .insert("label-for-grouping".into(), json!("A"));
    let updated = builders
        .update_document_meta(builder, first, &data)
        .await
        .unwrap();
    assert_eq!(
        updated.builder_data, data.builder_data,
        "the answer is the meta"
    );
    assert_eq!(
        builders
            .document_meta(builder, first)
            .await
            .unwrap()
            .builder_data,
        data.builder_data
    );
    let err = builders
        .update_document_meta(builder, first, &document_of("scanned"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");

    // A signed file: its signature, its content (deprecated getter), its meta renamed.
    let text = "Текст письма".as_bytes();
    let signature = world.signer.sign(text).await.unwrap();
    let mut body = file_of(&world, "letter.txt", text).await;
    body.base64_signature_content = Some({
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(&signature)
    });
    let file = Uuid::new_v4();
    builders
        .put_file(builder, first, file, &body)
        .await
        .unwrap();
    assert_eq!(
        builders.file_signature(builder, first, file).await.unwrap(),
        signature
    );
    #[allow(deprecated)]
    let content = builders.file_content(builder, first, file).await.unwrap();
    assert_eq!(content, text);
    let renamed = types::DraftsBuilderFileMetaRequest {
        file_name: "renamed.txt".into(),
        builder_data: json!({ "scanned-file-order": 1 })
            .as_object()
            .unwrap()
            .clone(),
    };
    let meta = builders
        .update_file_meta(builder, first, file, &renamed)
        .await
        .unwrap();
    assert_eq!(meta.file_name.as_deref(), Some("renamed.txt"));
    assert_eq!(meta.builder_data, renamed.builder_data);
    assert_eq!(
        builders
            .file_meta(builder, first, file)
            .await
            .unwrap()
            .file_name
            .as_deref(),
        Some("renamed.txt")
    );
    let blank = types::DraftsBuilderFileMetaRequest {
        file_name: " ".into(),
        builder_data: Default::default(),
    };
    let err = builders
        .update_file_meta(builder, first, file, &blank)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
    // An unsigned file has no signature.
    let unsigned = Uuid::new_v4();
    builders
        .put_file(
            builder,
            first,
            unsigned,
            &file_of(&world, "note.txt", b"note").await,
        )
        .await
        .unwrap();
    let err = builders
        .file_signature(builder, first, unsigned)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");

    // A document removed, with its files; removing it again finds nothing.
    builders.delete_document(builder, second).await.unwrap();
    assert_eq!(
        builders
            .documents(builder)
            .await
            .unwrap()
            .iter()
            .map(|d| d.id)
            .collect::<Vec<_>>(),
        [first]
    );
    let err = builders.delete_document(builder, second).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    let err = builders.document_meta(builder, second).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
}

#[tokio::test]
async fn a_builder_file_generated_from_a_contract_goes_into_the_draft() {
    let world = World::start().await;
    let account = world.client.account(world.account);
    let builders = account.builders();
    let builder = builders
        .create(&letter("Сверка").meta(sender(), inspection()))
        .await
        .unwrap();
    let document = builders
        .add_document(builder, &document_of("letter"))
        .await
        .unwrap();
    let contract = json!({ "Обращение": { "Текст": "Прошу провести сверку расчётов" } });
    let file = builders
        .generate_file(builder, document, Some(2), &contract)
        .await
        .unwrap();
    let name = file
        .meta
        .as_ref()
        .and_then(|m| m.file_name.clone())
        .unwrap();
    assert!(name.ends_with(".xml"), "{name}");
    let listed = builders.files(builder, document).await.unwrap();
    assert_eq!(
        listed.iter().map(|f| f.id).collect::<Vec<_>>(),
        vec![file.id]
    );
    let mut xml = Vec::new();
    account
        .contents()
        .download(file.content_id.unwrap(), &mut xml, &Default::default())
        .await
        .unwrap();
    let xml = String::from_utf8(xml).unwrap();
    assert!(xml.contains("version=\"2\""), "{xml}");
    assert!(xml.contains("Прошу провести сверку расчётов"), "{xml}");
    let refused = builders
        .generate_file(builder, document, None, &json!("text"))
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::InvalidInput(_)), "{refused}");

    // A build started by one process is awaited by another from its task's id.
    let task = builders.start_build(builder).await.unwrap();
    let outcome = builders
        .wait_build(builder, task, &PollPolicy::default())
        .await
        .unwrap();
    assert!(outcome.refused.is_empty(), "{outcome:?}");
    assert_eq!(outcome.drafts.len(), 1);
    let drafts = account.drafts();
    let built = drafts.get(outcome.drafts[0]).await.unwrap();
    let mut names = Vec::new();
    for link in &built.documents {
        let id = extern_api_core::model::link_id(link).unwrap();
        names.push(description(&drafts.document(built.id, id).await.unwrap()).1);
    }
    assert!(names.contains(&name), "{names:?}");
}

#[tokio::test]
async fn a_refused_document_comes_back_in_the_typed_outcome() {
    let world = World::start().await;
    let builders = world.client.account(world.account).builders();
    let builder = builders
        .create(&letter("Пояснения").meta(sender(), inspection()))
        .await
        .unwrap();
    let good = builders
        .add_document(builder, &document_of("letter"))
        .await
        .unwrap();
    let body = file_of(&world, "letter.pdf", b"%PDF-1.4 the letter").await;
    builders.add_file(builder, good, &body).await.unwrap();
    let empty = builders
        .add_document(builder, &document_of("attachment"))
        .await
        .unwrap();

    // Preparing says ahead what the build will refuse, and changes nothing.
    let ahead = builders
        .prepare(builder, &PollPolicy::default())
        .await
        .unwrap();
    assert_eq!(
        ahead.iter().map(|r| r.document_id).collect::<Vec<_>>(),
        vec![empty]
    );
    assert_eq!(
        builders.get(builder).await.unwrap().status.as_deref(),
        Some("new")
    );

    let outcome = builders
        .build(builder, &PollPolicy::default())
        .await
        .unwrap();
    assert_eq!(outcome.drafts.len(), 1, "{outcome:?}");
    let [
        BuildRefusal {
            document_id,
            message,
        },
    ] = outcome.refused.as_slice()
    else {
        panic!("one refusal expected: {outcome:?}");
    };
    assert_eq!(*document_id, empty);
    assert!(message.contains("no files"), "{message}");
    assert_eq!(
        builders.get(builder).await.unwrap().status.as_deref(),
        Some("finished")
    );
    // A finished builder no longer builds: the service says so.
    let again = builders
        .build(builder, &PollPolicy::default())
        .await
        .unwrap_err();
    assert_eq!(again.status(), Some(409), "{again}");
}
