//! OPS-2, issue 20: every table holding a client's data carries `client_id`,
//! and every table is classified for a distributed PostgreSQL.

use super::*;

// OPS-2, issue 20: docs/scaling.md sorts every table for a distributed
// PostgreSQL (Citus) into three lists, under these headings.
const SCALING: &str = include_str!("../../../../docs/scaling.md");
const DISTRIBUTED: &str = "**Distributed by `client_id`**";
const REFERENCE: &str = "**Reference tables**";
const LOCAL: &str = "**Local to the coordinator**";

/// The tables that reached their client only through a parent until
/// migration 0038 gave them `client_id`.
const GIVEN_CLIENT_ID_BY_0038: &[&str] = &[
    "act_expenses",
    "credit_reminders",
    "gateway_events",
    "order_items",
    "service_operations",
    "support_messages",
    "support_files",
    "support_file_bytes",
    "notification_preferences",
    "user_avatars",
    "telegram_links",
    "two_factor",
    "two_factor_recovery_codes",
    "sessions",
    "api_tokens",
];

/// The tables a list of docs/scaling.md names: every `name` of the
/// paragraph that starts with `heading`.
fn scaling_list(heading: &str) -> Vec<String> {
    let start = SCALING.find(heading).unwrap_or_else(|| panic!("docs/scaling.md has no paragraph {heading}"));
    let paragraph = SCALING[start + heading.len()..].split("\n\n").next().unwrap_or_default();
    paragraph.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

// OPS-2: every table of the migrated schema is in exactly one list of
// docs/scaling.md (so a new table fails here until it is classified), no
// list names a table that isn't there, and every table distributed by
// client carries `client_id` (`clients` is distributed by its own id).
kopek_store::backend_test!(
    async fn ops2_every_table_is_classified_and_client_tables_carry_client_id(db) {
        let s = schema(&db.store).await;
        let tables: BTreeSet<&str> = s.columns.keys().map(|(t, _)| t.as_str()).collect();
        assert!(tables.len() > 70, "the schema has its tables: {tables:?}");

        let lists = [(DISTRIBUTED, scaling_list(DISTRIBUTED)), (REFERENCE, scaling_list(REFERENCE)), (LOCAL, scaling_list(LOCAL))];
        let mut found_in: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (heading, list) in &lists {
            for table in list {
                found_in.entry(table.as_str()).or_default().push(heading);
            }
        }
        let distributed = &lists[0].1;

        let mut problems = Vec::new();
        for table in &tables {
            match found_in.get(table).map(Vec::as_slice) {
                None | Some([]) => problems.push(format!("{table} is in no list of docs/scaling.md")),
                Some([_]) => {}
                Some(more) => problems.push(format!("{table} is in more than one list: {more:?}")),
            }
        }
        for table in found_in.keys() {
            if !tables.contains(table) {
                problems.push(format!("docs/scaling.md lists {table}, which the schema hasn't"));
            }
        }
        for table in distributed {
            if table != "clients" && !s.columns.contains_key(&(table.clone(), "client_id".to_string())) {
                problems.push(format!("{table} is distributed by client_id but has no client_id"));
            }
        }
        for table in GIVEN_CLIENT_ID_BY_0038 {
            if !distributed.iter().any(|t| t == table) {
                problems.push(format!("{table} got client_id in 0038 but isn't in the distributed list"));
            }
        }
        assert!(
            problems.is_empty(),
            "{:?}: the tables and docs/scaling.md disagree:\n{}",
            db.store.backend(),
            problems.iter().map(|p| format!("  {p}\n")).collect::<String>()
        );
    }
);

/// (label, client_id) of every row of a table, by `sql`, which selects
/// them in that order.
async fn labelled_client_ids(store: &Store, sql: String) -> Vec<(String, Option<i64>)> {
    match store {
        Store::Postgres(p) => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(p).await.unwrap(),
        Store::Sqlite(p) => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(p).await.unwrap(),
        Store::Rehearsal(_) => unreachable!("read from a pool"),
    }
}

// OPS-2: after 0038 the store fills `client_id` of every row it writes
// into the tables that got it, from the row's parent, through the same
// functions the engine calls; a staff login's rows and a gateway event of
// no payment keep it NULL.
kopek_store::backend_test!(
    async fn ops2_rows_written_after_0038_carry_their_client(db) {
        use chrono::{NaiveDate, TimeZone, Utc};
        use kopek_domain::account::{ClientState, OrderPayBy, PaymentStatus, Rights, StaffRole, SubscriptionState};
        use kopek_domain::document::number::DocumentKind;
        use kopek_domain::support::AuthorKind;
        use kopek_domain::telegram::TelegramState;
        use kopek_store::users::PrincipalRef;
        use kopek_store::{
            avatars, catalog, clients, credit, documents, documents_batch, ledger, orders, payers, payments, products,
            service_life, subscriptions, support, telegram, two_factor, users,
        };

        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let mut conn = db.store.begin().await.unwrap();
        let new_client = |code| clients::NewClient {
            code,
            name: code,
            country: "RU",
            currency: "RUB",
            credit_limit: 0,
            disconnect_threshold: 0,
            state: ClientState::Active,
            created_at: now,
        };
        // A first client that owns nothing, so that the client's id (2)
        // differs from its children's parents' ids (mostly 1).
        clients::insert(&mut conn, &new_client("C0")).await.unwrap();
        let client = clients::insert(&mut conn, &new_client("C1")).await.unwrap().id;
        assert_eq!(client, 2);

        let user = users::insert_client_user(
            &mut conn,
            &users::NewClientUser {
                client_id: client,
                email: "owner@c1.test",
                full_name: "Owner",
                password_hash: "-",
                phone: None,
                is_owner: true,
                full_access: true,
                rights: Rights::ALL,
                created_at: now,
            },
        )
        .await
        .unwrap()
        .id;
        let staff = users::insert_staff_user(
            &mut conn,
            &users::NewStaffUser {
                email: "admin@provider.test",
                full_name: "Admin",
                password_hash: "-",
                role: StaffRole::Admin.as_str(),
                created_at: now,
            },
        )
        .await
        .unwrap()
        .id;

        // Logins: a client user's, the same user's session a staff member
        // acts in, and a staff member's own.
        let user_p = PrincipalRef { principal_kind: "client_user".into(), principal_id: user };
        let staff_p = PrincipalRef { principal_kind: "staff".into(), principal_id: staff };
        let later = now + chrono::Duration::days(1);
        users::insert_session(&mut conn, "session-user", &user_p, now, later).await.unwrap();
        users::insert_acting_session(&mut conn, "session-acting", &user_p, Some(staff), now, later).await.unwrap();
        users::insert_session(&mut conn, "session-staff", &staff_p, now, later).await.unwrap();
        users::insert_token(&mut conn, "token-user", &user_p, "api", now).await.unwrap();
        users::insert_token(&mut conn, "token-staff", &staff_p, "api", now).await.unwrap();
        for p in [&user_p, &staff_p] {
            assert!(two_factor::put_pending(&mut conn, p, "JBSWY3DPEHPK3PXP", now).await.unwrap());
            two_factor::replace_recovery_codes(&mut conn, p, &["code-1".to_string(), "code-2".to_string()]).await.unwrap();
        }

        // The user's settings.
        let preference =
            users::NotificationPreferenceRow { category: "billing".into(), channel: "email".into(), enabled: false };
        users::set_notification_preference(&mut conn, user, &preference).await.unwrap();
        avatars::set(&mut conn, user, "image/png", b"png", now).await.unwrap();
        let link = telegram::LinkRow {
            user_id: user,
            state: TelegramState::ALL[0],
            telegram_user_id: None,
            chat_id: None,
            support_enabled: false,
            token_hash: None,
            token_expires_at: None,
            updated_at: now,
        };
        telegram::save_link(&mut conn, &link).await.unwrap();

        // Support: a ticket's message and its file, with its bytes.
        let ticket = support::NewTicket {
            client_id: client,
            department_id: None,
            subscription_id: None,
            subject: "Invoice",
            created_by: "client",
        };
        let ticket = support::insert_ticket(&mut conn, &ticket, now).await.unwrap().id;
        let message = support::NewMessage {
            ticket_id: ticket,
            author_kind: AuthorKind::Client,
            author_id: Some(user),
            author_label: "Owner",
            text: "Where is my invoice?",
            internal: false,
        };
        let message = support::insert_message(&mut conn, &message, now).await.unwrap().id;
        let file = support::NewFile {
            ticket_id: ticket,
            message_id: message,
            name: "scan.txt",
            content_type: "text/plain",
            bytes: b"scan",
            stored_as: None,
        };
        support::insert_file(&mut conn, &file, now).await.unwrap();

        // An order's item, and a service's provisioning operation.
        let service = catalog::insert_service(&mut conn, "periodic", "Hosting", now).await.unwrap().id;
        let product = products::insert(&mut conn, service, "{}", None, now).await.unwrap().id;
        let order = orders::NewOrder {
            client_id: client,
            pay_by: OrderPayBy::Balance,
            method_id: None,
            payer_id: None,
            total: 1_000_000,
            tax: 0,
            currency: "RUB",
        };
        let order = orders::insert_order(&mut conn, &order, now).await.unwrap().id;
        let item = orders::NewOrderItem {
            order_id: order,
            product_id: product,
            config: "{}",
            quote: "{}",
            auto_renew: false,
            promo_id: None,
            amount: 1_000_000,
        };
        orders::insert_item(&mut conn, &item).await.unwrap();
        let subscription = subscriptions::NewSubscription {
            client_id: client,
            service_id: service,
            tariff_id: None,
            parent_id: None,
            state: SubscriptionState::Active,
            connected_at: now,
            charging_from: None,
            next_charge_on: None,
            anchor_date: None,
            discount_percent: 0,
            activations: 0,
        };
        let subscription = subscriptions::insert(&mut conn, &subscription).await.unwrap().id;
        service_life::insert_operation(&mut conn, subscription, "create", now).await.unwrap();

        // Money: a credit invoice's reminder, a payment's gateway event
        // and one that names no payment, an act's expense.
        let invoice = credit::NewInvoice {
            client_id: client,
            cycle: "2026-02",
            issued_on: today,
            expenses_from: now,
            expenses_to: now,
            amount: 10_000,
            currency: "RUB",
        };
        let invoice = credit::insert_invoice(&mut conn, &invoice, now).await.unwrap().unwrap();
        assert!(credit::record_reminder(&mut conn, invoice, "first", today).await.unwrap());
        let payment = ledger::NewPayment {
            client_id: client,
            method: "manual",
            amount: 10_000,
            currency: "RUB",
            status: PaymentStatus::New,
            comment: "",
            created_at: now,
            credited_at: None,
        };
        let payment = ledger::insert_payment(&mut conn, &payment).await.unwrap().id;
        for (external_id, payment_id) in [("of-a-payment", Some(payment)), ("of-none", None)] {
            let event = payments::NewEvent {
                gateway: "sandbox",
                external_id: Some(external_id),
                payment_id,
                status: None,
                outcome: "ignored",
                reason: "",
            };
            payments::insert_event(&mut conn, &event, now).await.unwrap();
        }
        let entity = documents::insert_entity(&mut conn, "{}", now).await.unwrap().id;
        let payer =
            payers::PayerFields { kind: "individual", name: "Owner", country: "RU", details: "{}" };
        let payer = payers::insert(&mut conn, client, &payer, now).await.unwrap().id;
        let expense = ledger::NewExpense {
            client_id: client,
            name: "Hosting",
            amount: 10_000,
            tax: 0,
            vat_percent: 0,
            currency: "RUB",
            charged_at: now,
            created_at: now,
        };
        let expense = ledger::insert_expense(&mut conn, &expense).await.unwrap().id;
        let act = documents::NewDocument {
            entity_id: entity,
            kind: DocumentKind::Act,
            year: 2026,
            seq: 1,
            number: "A-1",
            issued_on: today,
            client_id: client,
            payer_id: payer,
            payment_id: None,
            period: None,
            amount: 10_000,
            currency: "RUB",
            data: "{}",
            corrects_id: None,
        };
        let act = documents_batch::insert_documents(&mut conn, &[act], now).await.unwrap()[0].id;
        documents_batch::add_act_expenses(&mut conn, &[(act, expense)]).await.unwrap();
        conn.commit().await.unwrap();

        let mine = Some(client);
        for table in [
            "act_expenses",
            "credit_reminders",
            "order_items",
            "service_operations",
            "support_messages",
            "support_files",
            "support_file_bytes",
            "notification_preferences",
            "user_avatars",
            "telegram_links",
        ] {
            let rows = labelled_client_ids(&db.store, format!("SELECT '{table}', client_id FROM {table}")).await;
            assert_eq!(rows, vec![(table.to_string(), mine)], "{table}");
        }
        let events = labelled_client_ids(
            &db.store,
            "SELECT external_id, client_id FROM gateway_events ORDER BY external_id".into(),
        )
        .await;
        assert_eq!(events, vec![("of-a-payment".into(), mine), ("of-none".into(), None)]);
        let sessions =
            labelled_client_ids(&db.store, "SELECT token_hash, client_id FROM sessions ORDER BY token_hash".into()).await;
        assert_eq!(
            sessions,
            vec![("session-acting".into(), mine), ("session-staff".into(), None), ("session-user".into(), mine)]
        );
        let tokens =
            labelled_client_ids(&db.store, "SELECT token_hash, client_id FROM api_tokens ORDER BY token_hash".into()).await;
        assert_eq!(tokens, vec![("token-staff".into(), None), ("token-user".into(), mine)]);
        let second_steps = labelled_client_ids(
            &db.store,
            "SELECT principal_kind, client_id FROM two_factor ORDER BY principal_kind".into(),
        )
        .await;
        assert_eq!(second_steps, vec![("client_user".into(), mine), ("staff".into(), None)]);
        let codes = labelled_client_ids(
            &db.store,
            "SELECT principal_kind || ':' || code_hash, client_id FROM two_factor_recovery_codes
              ORDER BY principal_kind, code_hash"
                .into(),
        )
        .await;
        assert_eq!(
            codes,
            vec![
                ("client_user:code-1".into(), mine),
                ("client_user:code-2".into(), mine),
                ("staff:code-1".into(), None),
                ("staff:code-2".into(), None),
            ]
        );

        // The two reads that now go by the column find the client's rows.
        let mut conn = db.store.conn().await.unwrap();
        assert_eq!(avatars::users_with_avatar(&mut conn, client).await.unwrap(), vec![user]);
        assert!(avatars::users_with_avatar(&mut conn, 1).await.unwrap().is_empty());
        let operations = service_life::operations_of_client(&mut conn, client).await.unwrap();
        assert_eq!(operations.iter().map(|o| o.subscription_id).collect::<Vec<_>>(), vec![subscription]);
        assert!(service_life::operations_of_client(&mut conn, 1).await.unwrap().is_empty());
    }
);
