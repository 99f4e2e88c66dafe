//! Sharing an account's events with the integrator's service and the feed's publishers, through
//! core's events handler against the sandbox.

use extern_api_tests::*;

#[tokio::test]
async fn a_shared_account_makes_a_publisher_that_can_be_removed() {
    let world = World::start().await;
    let events = world.client.events();
    let subscriber = world.sandbox.config().client_id.clone();
    events.share(world.account, &subscriber).await.unwrap();
    let listed = events.publishers().await.unwrap();
    let publishers = listed
        .get("event-publishers")
        .and_then(|v| v.as_array())
        .cloned()
        .unwrap_or_default();
    assert_eq!(publishers.len(), 1, "{listed:?}");
    let id: uuid::Uuid = publishers[0]["id"].as_str().unwrap().parse().unwrap();
    events.remove_publisher(id).await.unwrap();
    let err = events.remove_publisher(id).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err:#}");
}

#[tokio::test]
async fn an_unknown_subscriber_is_refused() {
    let world = World::start().await;
    let err = world
        .client
        .events()
        .share(world.account, "no-such-service")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err:#}");
    assert!(
        err.error_id().unwrap_or("").contains("subscriberNotFound"),
        "{err:#}"
    );
}
