//! Organizations and users over HTTP against the sandbox: organizations added, renamed and
//! removed, the signer setting, FSS SEDO subscriptions, accounts created and deleted, an account's
//! users, employees and certificates, and the docflow search filters of issue 18.

use std::collections::HashSet;

use base64::Engine;
use extern_api_core::api::{DocflowFilter, DraftTask, PollPolicy, task_result, wait_task};
use extern_api_core::crypto::Signer;
use extern_api_core::model::urn::DocflowType;
use extern_api_core::raw::prelude::*;
use extern_api_core::raw::types;
use extern_api_core::{Error, Idempotency};
use extern_api_tests::*;
use futures::TryStreamExt;
use serde_json::json;
use uuid::Uuid;

/// A second organization for the seeded account (valid check digit).
const OTHER_INN: &str = "7707083893";
const OTHER_KPP: &str = "773601001";

/// The seeded account's head organization.
async fn head_organization(world: &World) -> Uuid {
    let page = world
        .client
        .account(world.account)
        .organizations()
        .page(Some(INN), Some(KPP), 0, 10)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1, "{page:?}");
    page.items[0].id
}

fn name(org: &types::Organization) -> Option<&str> {
    org.general.as_ref().and_then(|g| g.name.as_deref())
}

#[tokio::test]
async fn an_organization_is_added_renamed_and_removed() {
    let world = World::start().await;
    let orgs = world.client.account(world.account).organizations();

    let created = orgs
        .create(OTHER_INN, Some(OTHER_KPP), "Вторая организация")
        .await
        .unwrap();
    let general = created.general.clone().unwrap();
    assert_eq!(general.inn.as_deref(), Some(OTHER_INN));
    assert_eq!(general.kpp.as_deref(), Some(OTHER_KPP));
    assert_eq!(general.is_main_org, Some(false));

    // Listed (by its INN and in the whole list) and gettable.
    let found = orgs.page(Some(OTHER_INN), None, 0, 10).await.unwrap();
    assert_eq!(
        found.items.iter().map(|o| o.id).collect::<Vec<_>>(),
        [created.id]
    );
    let all: Vec<_> = orgs.all().try_collect().await.unwrap();
    assert_eq!(all.len(), 2, "the head organization and the new one");
    assert!(all.iter().any(|o| o.id == created.id));
    assert_eq!(
        name(&orgs.get(created.id).await.unwrap()),
        Some("Вторая организация")
    );

    // The same INN and KPP twice is a conflict.
    let twice = orgs
        .create(OTHER_INN, Some(OTHER_KPP), "Ещё раз")
        .await
        .unwrap_err();
    assert_eq!(twice.status(), Some(409), "{twice}");

    // A rename answers the organization as it now is, and get shows it.
    let renamed = orgs.update(created.id, "Переименованная").await.unwrap();
    assert_eq!(name(&renamed), Some("Переименованная"));
    assert_eq!(
        name(&orgs.get(created.id).await.unwrap()),
        Some("Переименованная")
    );

    // Removed: get answers 404 and the list no longer has it.
    orgs.delete(created.id).await.unwrap();
    let gone = orgs.get(created.id).await.unwrap_err();
    assert_eq!(gone.status(), Some(404), "{gone}");
    let all: Vec<_> = orgs.all().try_collect().await.unwrap();
    assert!(all.iter().all(|o| o.id != created.id));
    let missing = orgs.update(created.id, "Нет такой").await.unwrap_err();
    assert_eq!(missing.status(), Some(404), "{missing}");

    // The account's head organization stays.
    let head = head_organization(&world).await;
    let refused = orgs.delete(head).await.unwrap_err();
    assert_eq!(refused.status(), Some(400), "{refused}");
}

#[tokio::test]
async fn organizations_are_checked_before_any_request() {
    let world = World::start().await;
    let orgs = world.client.account(world.account).organizations();
    let head = head_organization(&world).await;
    for (inn, kpp, name) in [
        ("7707083894", Some(OTHER_KPP), "Опечатка в ИНН"),
        ("77070838", None, "Короткий ИНН"),
        (OTHER_INN, Some("7736"), "Короткий КПП"),
        (OTHER_INN, Some(OTHER_KPP), "  "),
    ] {
        let err = orgs.create(inn, kpp, name).await.unwrap_err();
        assert!(
            matches!(err, Error::InvalidInput(_)),
            "{inn}/{kpp:?}/{name:?}: {err}"
        );
    }
    let err = orgs.update(head, "").await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");
    let all: Vec<_> = orgs.all().try_collect().await.unwrap();
    assert_eq!(all.len(), 1, "nothing was created");
    assert_eq!(
        name(&orgs.get(head).await.unwrap()),
        Some(name(&all[0]).unwrap())
    );
}

#[tokio::test]
async fn the_signer_setting_is_taken_for_an_organization_of_the_account() {
    let world = World::start().await;
    let orgs = world.client.account(world.account).organizations();
    let head = head_organization(&world).await;
    let before = orgs.get(head).await.unwrap();
    // The vendor publishes no fields for this body; the sandbox keeps any JSON object.
    let setting: types::OpaqueObject = serde_json::from_value(json!({
        "control-unit": "0087",
        "signer-type": "chief",
        "certificate": base64::engine::general_purpose::STANDARD.encode(world.signer.certificate()),
    }))
    .unwrap();
    orgs.update_signer(head, &setting).await.unwrap();
    // Setting it again is harmless (the call is repeated on a lost answer).
    orgs.update_signer(head, &setting).await.unwrap();
    // The organization itself is unchanged: the sandbox shows the setting nowhere.
    let after = orgs.get(head).await.unwrap();
    assert_eq!(name(&after), name(&before));
    let unknown = orgs
        .update_signer(Uuid::new_v4(), &setting)
        .await
        .unwrap_err();
    assert_eq!(unknown.status(), Some(404), "{unknown}");
}

/// Sends a signed FSS SEDO provider subscription for the FSS registration `number`.
async fn subscribe(world: &World, number: &str) {
    let drafts = world.client.account(world.account).drafts();
    let meta: types::DraftMeta = serde_json::from_value(json!({
        "sender": { "inn": INN, "kpp": KPP, "ipaddress": "127.0.0.1" },
        "payer": { "inn": INN, "organization": { "kpp": KPP }, "registration-number-fss": number },
        // The sandbox's check asks for an FNS recipient too, whatever the docflow.
        "recipient": { "fss-code": "SEDO-TEST", "ifns-code": "0087" },
    }))
    .unwrap();
    let draft = drafts.create(&meta).await.unwrap().id;
    let (account, contract) = (world.account, &json!({ "subscription-type": "subscribe" }));
    let document = world
        .client
        .call(Idempotency::Once, move |c| async move {
            c.drafts_build_document()
                .account_id(account)
                .draft_id(draft)
                .type_("fssSedoProviderSubscriptionForRegistrationNumber")
                .body(contract.as_object().unwrap().clone())
                .send()
                .await
        })
        .await
        .unwrap()
        .into_inner()
        .id;
    world
        .signer
        .sign_draft_documents(&world.client, world.account, draft, &[document])
        .await
        .unwrap();
    let task = drafts.start(draft, DraftTask::Send).await.unwrap();
    let ended = wait_task(&PollPolicy::default(), || drafts.task(draft, task))
        .await
        .unwrap();
    task_result(ended).unwrap();
}

#[tokio::test]
async fn control_unit_subscriptions_follow_the_subscription_docflows() {
    let world = World::start().await;
    let orgs = world.client.account(world.account).organizations();
    let head = head_organization(&world).await;
    let none = orgs.subscriptions_page(head, None, 0, 100).await.unwrap();
    assert!(none.items.is_empty(), "{none:?}");
    assert_eq!(none.total, Some(0));

    subscribe(&world, "6601000001").await;
    let all: Vec<_> = orgs.subscriptions(head, None).try_collect().await.unwrap();
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0].registration_number.as_deref(), Some("6601000001"));
    assert_eq!(all[0].is_sfr, Some(false));
    assert!(
        ["subscribe-in-progress", "subscribed"]
            .contains(&all[0].subscription_status.as_deref().unwrap_or_default()),
        "{all:?}"
    );
    let one = orgs
        .subscriptions_page(head, Some("6601000001"), 0, 10)
        .await
        .unwrap();
    assert_eq!(one.items.len(), 1);
    let other = orgs
        .subscriptions_page(head, Some("6601000009"), 0, 10)
        .await
        .unwrap();
    assert!(other.items.is_empty(), "{other:?}");
    assert_eq!(other.total, Some(0));

    let blank = orgs
        .subscriptions_page(head, Some(" "), 0, 10)
        .await
        .unwrap_err();
    assert!(matches!(blank, Error::InvalidInput(_)), "{blank}");
    let unknown = orgs
        .subscriptions_page(Uuid::new_v4(), None, 0, 10)
        .await
        .unwrap_err();
    assert_eq!(unknown.status(), Some(404), "{unknown}");
}

#[tokio::test]
async fn an_account_is_created_and_deleted() {
    let world = World::start().await;
    let created = world
        .client
        .create_account("7736207543", Some("770401001"), "Новый абонент")
        .await
        .unwrap();
    assert_eq!(created.inn.as_deref(), Some("7736207543"));
    assert_eq!(created.organization_name.as_deref(), Some("Новый абонент"));
    let ids: Vec<Uuid> = world
        .client
        .accounts()
        .await
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert!(ids.contains(&created.id) && ids.contains(&world.account));

    // Its organization is its head.
    let account = world.client.account(created.id);
    let orgs: Vec<_> = account.organizations().all().try_collect().await.unwrap();
    assert_eq!(orgs.len(), 1);
    let general = orgs[0].general.clone().unwrap();
    assert_eq!(general.inn.as_deref(), Some("7736207543"));
    assert_eq!(general.is_main_org, Some(true));
    assert_eq!(account.get().await.unwrap().id, created.id);

    account.delete().await.unwrap();
    let ids: Vec<Uuid> = world
        .client
        .accounts()
        .await
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(ids, [world.account]);
    let gone = account.get().await.unwrap_err();
    assert_eq!(gone.status(), Some(404), "{gone}");

    for (inn, kpp, name) in [
        ("7736207544", None, "Опечатка"),
        ("7736207543", Some("77040100"), "Короткий КПП"),
        ("7736207543", None, ""),
    ] {
        let err = world
            .client
            .create_account(inn, kpp, name)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{err}");
    }
    assert_eq!(world.client.accounts().await.unwrap().len(), 1);
}

/// The array `key` of an opaque answer.
fn list<'a>(answer: &'a types::OpaqueObject, key: &str) -> &'a Vec<serde_json::Value> {
    answer
        .get(key)
        .and_then(|v| v.as_array())
        .unwrap_or_else(|| panic!("no {key}: {answer:?}"))
}

#[tokio::test]
async fn users_employees_and_certificates_of_the_account() {
    let world = World::start().await;
    let account = world.client.account(world.account);
    let login = world.sandbox.config().login.clone();
    let b64 = base64::engine::general_purpose::STANDARD;

    // The certificates: the signer issued for the seeded organization, and not one of an INN
    // the account has no organization for.
    issue_certificate(&world.sandbox, "7736207543", "770401001", "ecdsa").await;
    let certificates: Vec<_> = account
        .certificates()
        .all(false)
        .try_collect()
        .await
        .unwrap();
    let mine = certificates
        .iter()
        .find(|c| {
            c.content
                .as_deref()
                .is_some_and(|c| b64.decode(c).unwrap() == world.signer.certificate())
        })
        .unwrap_or_else(|| panic!("the signer's certificate is not listed: {certificates:?}"));
    assert_eq!(mine.inn.as_deref(), Some(INN));
    assert_eq!(mine.is_valid, Some(true));
    assert!(certificates.iter().all(|c| c.inn.as_deref() == Some(INN)));
    let thumbprint = mine.thumbprint.clone().unwrap().to_lowercase();
    let page = account.certificates().page(true, 0, 10).await.unwrap();
    assert_eq!(page.total, Some(certificates.len() as u64));

    // The user: the login, and the certificate that logs them in.
    let users = account.users().list().await.unwrap();
    let users = list(&users, "users");
    assert_eq!(users.len(), 1, "{users:?}");
    assert_eq!(users[0]["login"], login.as_str());
    assert_eq!(users[0]["account-id"], world.account.to_string());
    let logins: Vec<String> = users[0]["login-certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["thumbprint"].as_str().unwrap().to_lowercase())
        .collect();
    assert!(logins.contains(&thumbprint), "{logins:?} / {thumbprint}");

    // The employees: the user, once per organization.
    let head = head_organization(&world).await;
    let employees = account.employees().list().await.unwrap();
    let employees = list(&employees, "employees");
    assert_eq!(employees.len(), 1, "{employees:?}");
    assert_eq!(employees[0]["organization-id"], head.to_string());
    assert_eq!(employees[0]["login"], login.as_str());
    let second = account
        .organizations()
        .create("7736207543", Some("770401001"), "Вторая")
        .await
        .unwrap();
    let employees = account.employees().list().await.unwrap();
    let orgs: HashSet<&str> = list(&employees, "employees")
        .iter()
        .map(|e| e["organization-id"].as_str().unwrap())
        .collect();
    assert_eq!(
        orgs,
        HashSet::from([head.to_string().as_str(), second.id.to_string().as_str()])
    );

    // The new organization's certificate is listed now.
    let certificates: Vec<_> = account
        .certificates()
        .all(false)
        .try_collect()
        .await
        .unwrap();
    assert!(
        certificates
            .iter()
            .any(|c| c.inn.as_deref() == Some("7736207543")),
        "{certificates:?}"
    );

    let unknown = world
        .client
        .account(Uuid::new_v4())
        .users()
        .list()
        .await
        .unwrap_err();
    assert!(matches!(unknown.status(), Some(403 | 404)), "{unknown}");
}

#[tokio::test]
async fn the_new_docflow_filters_reach_the_search() {
    let world = World::start().await;
    generate_docflows(&world.sandbox, 2).await;
    let demand = generate_demand(&world.sandbox, json!({})).await;
    let docflows = world.client.account(world.account).docflows();
    let search = |filter: DocflowFilter| async move {
        docflows
            .all(filter)
            .try_collect::<Vec<_>>()
            .await
            .map(|all| all.into_iter().map(|d| d.id).collect::<HashSet<_>>())
    };
    let everything = search(DocflowFilter::default()).await.unwrap();
    assert!(everything.contains(&demand));
    assert_eq!(everything.len(), 3, "two reports and a demand");

    // The form's name narrows to the accounting statements (any case, any part of the name).
    let reports = search(DocflowFilter {
        form_name: Some("бухгалтерская (ФИНАНСОВАЯ)".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    assert_eq!(reports.len(), 2);
    assert!(!reports.contains(&demand));
    let none = search(DocflowFilter {
        form_name: Some("Нет такой формы".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    assert!(none.is_empty(), "{none:?}");

    // The demand's own number finds it.
    let number = docflows.get(demand).await.unwrap().description["demand-number"]
        .as_str()
        .unwrap()
        .to_string();
    let by_number = search(DocflowFilter {
        types: vec![DocflowType::Fns534Demand],
        demand_number: Some(number),
        ..Default::default()
    })
    .await
    .unwrap();
    assert_eq!(by_number, HashSet::from([demand]));
    let other_number = search(DocflowFilter {
        types: vec![DocflowType::Fns534Demand],
        demand_number: Some("no-such-number".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    assert!(
        other_number.is_empty(),
        "the number narrows: {other_number:?}"
    );

    // The other filters are accepted and never widen the search (the sandbox's docflows carry
    // no registration numbers, letter categories or other users' docflows to narrow by).
    for filter in [
        DocflowFilter {
            for_all_users: true,
            ..Default::default()
        },
        DocflowFilter {
            demands_on_reports: Some(true),
            ..Default::default()
        },
        DocflowFilter {
            reg_number: Some("087-101-000001".into()),
            ..Default::default()
        },
        DocflowFilter {
            pfr_letter_categories: vec!["letter".into(), "demand".into()],
            ..Default::default()
        },
    ] {
        let found = search(filter.clone()).await.unwrap();
        assert!(found.is_subset(&everything), "{filter:?}");
    }

    // Blank values are refused before any request.
    for filter in [
        DocflowFilter {
            form_name: Some(" ".into()),
            ..Default::default()
        },
        DocflowFilter {
            reg_number: Some(String::new()),
            ..Default::default()
        },
        DocflowFilter {
            demand_number: Some("\t".into()),
            ..Default::default()
        },
        DocflowFilter {
            pfr_letter_categories: vec!["letter".into(), String::new()],
            ..Default::default()
        },
    ] {
        let err = search(filter.clone()).await.unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{filter:?}: {err}");
    }
}
