//! NTF-1, ACC-7: the provider's news, on both backends: to all clients or
//! to a list, on each client's dashboard and in its outbox once, published
//! only by admins, bad input refused with nothing written.

use kopek_engine::notifications::news::{NewNews, News};
use kopek_engine::testing::TestEngine;
use kopek_store::backend_test;

fn code<T>(r: kopek_engine::Result<T>) -> &'static str {
    match r {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

fn news(title: &str, client_ids: Vec<i64>) -> NewNews {
    NewNews { title: title.into(), body: "С 02:00 до 04:00 по Москве.".into(), client_ids }
}

fn titles(v: Vec<News>) -> Vec<String> {
    v.into_iter().map(|n| n.title).collect()
}

backend_test!(
    async fn ntf1_acc7_news_goes_to_all_clients_or_to_those_listed(db) {
        let t = TestEngine::over(db);
        let admin = t.admin().await;
        let (a, a_user) = t.client("NEWSA", 0).await;
        let (b, b_user) = t.client("NEWSB", 0).await;
        let e = &t.engine;
        let all = e.publish_news(&admin, news("Плановые работы", vec![])).await.unwrap();
        assert!(all.for_all);
        let only_b = e.publish_news(&admin, news("Новый тариф", vec![b.id, b.id])).await.unwrap();
        assert!(!only_b.for_all);
        assert_eq!(titles(e.client_news(&a_user, a.id, 5).await.unwrap()), ["Плановые работы"]);
        assert_eq!(titles(e.client_news(&b_user, b.id, 5).await.unwrap()), ["Новый тариф", "Плановые работы"]);
        assert_eq!(titles(e.client_news(&b_user, b.id, 1).await.unwrap()), ["Новый тариф"]);
        assert_eq!(code(e.client_news(&a_user, b.id, 5).await), "not_found");

        let mut conn = e.store().conn().await.unwrap();
        let sent: Vec<(i64, String)> = kopek_store::outbox::by_topic(&mut conn, "notification")
            .await
            .unwrap()
            .iter()
            .map(|m| serde_json::from_str::<serde_json::Value>(&m.payload).unwrap())
            .filter(|v| v["event"] == "news.published")
            .map(|v| (v["client_id"].as_i64().unwrap(), v["data"]["title"].as_str().unwrap().to_string()))
            .collect();
        assert_eq!(
            sent,
            [(a.id, "Плановые работы".to_string()), (b.id, "Плановые работы".to_string()), (b.id, "Новый тариф".to_string())]
        );
    }
);

backend_test!(
    async fn ntf1_only_admins_publish_and_bad_news_is_refused_with_nothing_written(db) {
        let t = TestEngine::over(db);
        let admin = t.admin().await;
        let (a, a_user) = t.client("NEWSBAD", 0).await;
        let e = &t.engine;
        assert_eq!(code(e.publish_news(&a_user, news("Сам себе", vec![])).await), "forbidden");
        let err = e.publish_news(&admin, news("   ", vec![])).await.unwrap_err();
        assert_eq!(err.field(), Some("title"));
        let err = e.publish_news(&admin, news("Кому-то", vec![a.id, 999_999])).await.unwrap_err();
        assert_eq!((err.code(), err.field()), ("unknown_client", Some("client_ids")));
        let long = NewNews { title: "Длинная".into(), body: "я".repeat(10_001), client_ids: vec![] };
        assert_eq!(code(e.publish_news(&admin, long).await), "text_too_long");
        assert!(e.client_news(&a_user, a.id, 5).await.unwrap().is_empty(), "nothing was published");
    }
);
