//! The reporting calendar through core's `ReportsTables` against the sandbox: the forms the seeded
//! organization files, its deadlines with their state once a report is sent, the docflows behind
//! a deadline, and the payments it owes.

use extern_api_core::raw::lenient;
use extern_api_core::raw::types;
use extern_api_tests::*;
use futures::TryStreamExt;
use uuid::Uuid;

/// The accounting statements (NO_BUHOTCH, the sample report): filed yearly by 31 March.
const BUHOTCH: &str = "0710099";

fn day(date: &str) -> lenient::DateTime {
    date.parse().unwrap()
}

fn search_request(
    organizations: Vec<Uuid>,
    from: Option<lenient::DateTime>,
    to: Option<lenient::DateTime>,
) -> types::SearchReportsRequest {
    types::SearchReportsRequest {
        date_from: from,
        date_to: to,
        include_deleted: None,
        organization_ids: organizations,
        skip: None,
        take: None,
    }
}

async fn organizations(world: &World) -> Vec<types::Organization> {
    world
        .client
        .account(world.account)
        .organizations()
        .all()
        .try_collect()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_seeded_organization_files_its_forms_with_their_periodicity() {
    let world = World::start().await;
    let orgs = organizations(&world).await;
    let org = orgs
        .iter()
        .find(|o| o.general.as_ref().and_then(|g| g.inn.as_deref()) == Some(INN))
        .unwrap();
    let tables = world.client.account(world.account).reports_tables();
    let forms = tables.forms(org.id, false).await.unwrap();
    assert!(!forms.is_empty());
    let buhotch = forms
        .iter()
        .find(|f| f.knd.as_deref() == Some(BUHOTCH))
        .unwrap();
    assert_eq!(buhotch.periodicity.as_deref(), Some("yearly"));
    assert_eq!(buhotch.form_id, Some(710099));
    assert!(buhotch.form_short_name.is_some() && buhotch.form_full_name.is_some());
    for form in &forms {
        assert!(form.form_id.is_some() && form.knd.is_some(), "{form:?}");
    }
    assert_eq!(tables.forms(org.id, true).await.unwrap().len(), forms.len());
    let err = tables.forms(Uuid::new_v4(), false).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
}

#[tokio::test]
async fn a_sent_report_fills_its_deadline_and_the_docflows_behind_it() {
    let world = World::start().await;
    let outcome = world
        .client
        .send_report(&report_request(&world), &world.signer, None)
        .await
        .unwrap();
    let account = world.client.account(world.account);
    let docflow = account.docflows().get(outcome.docflow_id).await.unwrap();
    let org = docflow.organization_id.unwrap();
    let tables = account.reports_tables();

    // Every deadline from two years before the report was sent to the year after, for the
    // seeded organization.
    let sent = docflow.send_date.unwrap().to_string();
    let year: i32 = sent[..4].parse().unwrap();
    let from = day(&format!("{}-01-01", year - 2));
    let to = day(&format!("{}-12-31", year + 1));
    let page = tables
        .search(&search_request(vec![org], Some(from), Some(to)))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let table = &page.items[0];
    assert_eq!(table.organization_id, Some(org));
    let forms = tables.forms(org, false).await.unwrap();
    assert_eq!(table.forms.len(), forms.len());
    let buhotch = table
        .forms
        .iter()
        .find(|f| f.form_info.as_ref().and_then(|i| i.knd.as_deref()) == Some(BUHOTCH))
        .unwrap();
    for due in table.forms.iter().flat_map(|f| &f.deadlines) {
        let at = due.deadline.unwrap();
        assert!(from <= at && at <= to, "{due:?} outside the window");
        assert!(due.status.is_some() && due.period_year.is_some(), "{due:?}");
    }
    // The report sent counts for one deadline of its form; the docflows behind that deadline
    // name it.
    let filed: Vec<&types::DeadlineInfo> = buhotch
        .deadlines
        .iter()
        .filter(|d| !d.status.as_deref().unwrap_or("").starts_with("not-sent"))
        .collect();
    assert_eq!(filed.len(), 1, "{:?}", buhotch.deadlines);
    let due = filed[0];
    let behind = tables
        .report_docflows(
            org,
            buhotch.form_info.as_ref().unwrap().form_id.unwrap(),
            due.deadline.unwrap().0,
            due.period_year.unwrap(),
            due.period_number.unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(behind.len(), 1, "{behind:?}");
    assert_eq!(behind[0].docflow_id, Some(outcome.docflow_id));
    assert_eq!(
        behind[0].form.as_ref().and_then(|f| f.knd.as_deref()),
        Some(BUHOTCH)
    );
    assert!(behind[0].report_status.is_some());
    // Another period of the form has none.
    let empty = tables
        .report_docflows(
            org,
            710099,
            due.deadline.unwrap().0,
            due.period_year.unwrap() - 5,
            1,
        )
        .await
        .unwrap();
    assert!(empty.is_empty());
    // A form the organization does not file.
    let err = tables
        .report_docflows(org, 1, due.deadline.unwrap().0, due.period_year.unwrap(), 1)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
}

#[tokio::test]
async fn every_organization_is_listed_a_page_at_a_time_and_an_unknown_one_refused() {
    let world = World::start().await;
    let orgs = organizations(&world).await;
    let tables = world.client.account(world.account).reports_tables();
    // No organization named: all of the account's, in the default window.
    let all = tables
        .search(&search_request(Vec::new(), None, None))
        .await
        .unwrap();
    assert_eq!(all.items.len(), orgs.len());
    assert_eq!(all.skip, 0);
    for table in &all.items {
        assert!(orgs.iter().any(|o| Some(o.id) == table.organization_id));
        assert!(!table.forms.is_empty());
    }
    let mut second = search_request(Vec::new(), None, None);
    second.skip = Some(1);
    second.take = Some(1);
    let page = tables.search(&second).await.unwrap();
    assert_eq!(page.skip, 1);
    assert_eq!(page.items.len(), orgs.len().saturating_sub(1).min(1));

    let err = tables
        .search(&search_request(vec![Uuid::new_v4()], None, None))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    let err = tables
        .search(&search_request(
            Vec::new(),
            Some(day("2025-06-02")),
            Some(day("2025-06-01")),
        ))
        .await
        .unwrap_err();
    assert_eq!(
        err.status(),
        Some(400),
        "the window ends before it starts: {err}"
    );
}

#[tokio::test]
async fn the_payments_an_organization_owes_follow_from_its_forms() {
    let world = World::start().await;
    let orgs = organizations(&world).await;
    let org = orgs
        .iter()
        .find(|o| o.general.as_ref().and_then(|g| g.inn.as_deref()) == Some(INN))
        .unwrap();
    let tables = world.client.account(world.account).reports_tables();
    let forms = tables.forms(org.id, false).await.unwrap();
    let (from, to) = (day("2024-01-01"), day("2024-12-31"));
    let request = types::SearchPaymentsRequest {
        deadline_from: Some(from),
        deadline_to: Some(to),
        organization_ids: vec![org.id],
        skip: None,
        take: None,
    };
    let page = tables.search_payments(&request).await.unwrap();
    assert_eq!(page.total, Some(1));
    assert_eq!(page.skip, 0);
    assert_eq!(page.items.len(), 1);
    let owed = &page.items[0];
    assert_eq!(owed.organization_id, Some(org.id));
    assert!(!owed.payments.is_empty());
    for payment in &owed.payments {
        let form = payment.payment_form_id.unwrap();
        assert!(
            forms.iter().any(|f| f.form_id == Some(form)),
            "a payment by a form has the form's id: {payment:?}"
        );
        assert!(payment.short_name.is_some() && payment.periodicity.is_some());
        assert!(!payment.payment_periods.is_empty());
        for period in &payment.payment_periods {
            let at = period.deadline.unwrap();
            assert!(from <= at && at <= to, "{period:?} outside the window");
        }
    }
    // VAT is paid in three parts a quarter, each numbered.
    let vat = owed
        .payments
        .iter()
        .find(|p| p.payment_form_id == Some(1151001))
        .unwrap();
    assert_eq!(vat.periodicity.as_deref(), Some("quarterly"));
    assert!(
        vat.payment_periods
            .iter()
            .all(|p| matches!(p.payment_number_in_period, Some(1..=3)))
    );

    // Every organization of the account when none is named; the total counts them.
    let everyone = tables
        .search_payments(&types::SearchPaymentsRequest {
            deadline_from: None,
            deadline_to: None,
            organization_ids: Vec::new(),
            skip: None,
            take: None,
        })
        .await
        .unwrap();
    assert_eq!(everyone.total, Some(orgs.len() as u64));
    assert_eq!(everyone.items.len(), orgs.len());
    let err = tables
        .search_payments(&types::SearchPaymentsRequest {
            organization_ids: vec![Uuid::new_v4()],
            ..request
        })
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
}
