//! A product's subscription in its life (SVC-1 … SVC-3): its configuration,
//! its state (ordered, processing:opening, active…), the last provisioning
//! error, and every provisioning operation.

use chrono::{DateTime, Utc};

use kopek_domain::account::OperationStatus;
use kopek_domain::product::life::ServiceState;

use crate::{Conn, Result, StoreError, exec_db, on_db};

macro_rules! sql {
    ($($part:expr),+ $(,)?) => { sqlx::AssertSqlSafe([$($part),+].concat()) };
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifeRow {
    pub id: i64,
    pub client_id: i64,
    pub product_id: Option<i64>,
    pub product_config: Option<String>,
    /// None for a subscription that is not a product's.
    pub life_state: Option<ServiceState>,
    pub life_error: Option<String>,
    pub paid_until: Option<DateTime<Utc>>,
    pub auto_renew: bool,
}

/// [`LifeRow`] as read, before its state is decoded.
#[derive(sqlx::FromRow)]
struct RawLife {
    id: i64,
    client_id: i64,
    product_id: Option<i64>,
    product_config: Option<String>,
    life_state: Option<String>,
    life_error: Option<String>,
    paid_until: Option<DateTime<Utc>>,
    auto_renew: bool,
}

const LIFE_COLS: &str = "id, client_id, product_id, product_config, life_state, life_error, paid_until, auto_renew";

impl TryFrom<RawLife> for LifeRow {
    type Error = StoreError;

    fn try_from(r: RawLife) -> Result<LifeRow> {
        let life_state = r.life_state.map(ServiceState::try_from).transpose().map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(LifeRow {
            id: r.id,
            client_id: r.client_id,
            product_id: r.product_id,
            product_config: r.product_config,
            life_state,
            life_error: r.life_error,
            paid_until: r.paid_until,
            auto_renew: r.auto_renew,
        })
    }
}

pub async fn set_product(conn: &mut Conn, id: i64, product_id: i64, config: &str, life_state: ServiceState) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE subscriptions SET product_id = $2, product_config = $3, life_state = $4 WHERE id = $1")
        .bind(id).bind(product_id).bind(config).bind(life_state.stored()).execute(db).await)?;
    Ok(())
}

pub async fn set_config(conn: &mut Conn, id: i64, config: &str) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE subscriptions SET product_config = $2 WHERE id = $1")
        .bind(id).bind(config).execute(db).await)?;
    Ok(())
}

pub async fn set_life(conn: &mut Conn, id: i64, life_state: ServiceState, error: Option<&str>) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE subscriptions SET life_state = $2, life_error = $3 WHERE id = $1")
        .bind(id).bind(life_state.stored()).bind(error).execute(db).await)?;
    Ok(())
}

pub async fn life(conn: &mut Conn, id: i64) -> Result<Option<LifeRow>> {
    let raw: Option<RawLife> = on_db!(conn, db => sqlx::query_as(sql!("SELECT ", LIFE_COLS, " FROM subscriptions WHERE id = $1"))
        .bind(id).fetch_optional(db).await)?;
    raw.map(LifeRow::try_from).transpose()
}

/// The services (product subscriptions) of a client, oldest first.
pub async fn lives_of_client(conn: &mut Conn, client_id: i64) -> Result<Vec<LifeRow>> {
    let raw: Vec<RawLife> = on_db!(conn, db => sqlx::query_as(sql!("SELECT ", LIFE_COLS,
        " FROM subscriptions WHERE client_id = $1 AND product_id IS NOT NULL ORDER BY id"))
        .bind(client_id).fetch_all(db).await)?;
    raw.into_iter().map(LifeRow::try_from).collect()
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OperationRow {
    pub id: i64,
    pub subscription_id: i64,
    pub action: String,
    #[sqlx(try_from = "String")]
    pub status: OperationStatus,
    pub attempts: i64,
    pub answer: Option<String>,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const OP_COLS: &str = "id, subscription_id, action, status, attempts, answer, error, created_at, updated_at";
const OP_COLS_OF_O: &str =
    "o.id, o.subscription_id, o.action, o.status, o.attempts, o.answer, o.error, o.created_at, o.updated_at";

pub async fn insert_operation(conn: &mut Conn, subscription_id: i64, action: &str, now: DateTime<Utc>) -> Result<i64> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "INSERT INTO service_operations (subscription_id, action, status, created_at, updated_at, client_id)
         VALUES ($1, $2, 'pending', $3, $3, (SELECT client_id FROM subscriptions WHERE id = $1)) RETURNING id")
        .bind(subscription_id).bind(action).bind(now).fetch_one(db).await)?)
}

pub async fn operation(conn: &mut Conn, id: i64) -> Result<Option<OperationRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", OP_COLS, " FROM service_operations WHERE id = $1"))
        .bind(id).fetch_optional(db).await)?)
}

/// The provisioning operations of every service of a client, by service
/// then in order.
pub async fn operations_of_client(conn: &mut Conn, client_id: i64) -> Result<Vec<OperationRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", OP_COLS_OF_O,
        " FROM service_operations o WHERE o.client_id = $1 ORDER BY o.subscription_id, o.id"))
        .bind(client_id).fetch_all(db).await)?)
}

pub async fn operations(conn: &mut Conn, subscription_id: i64) -> Result<Vec<OperationRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", OP_COLS,
        " FROM service_operations WHERE subscription_id = $1 ORDER BY id"))
        .bind(subscription_id).fetch_all(db).await)?)
}

/// Records one try: still pending (with the error of this try), done or
/// failed for good.
pub async fn record_try(
    conn: &mut Conn,
    id: i64,
    status: OperationStatus,
    answer: Option<&str>,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE service_operations SET status = $2, attempts = attempts + 1, answer = $3, error = $4, updated_at = $5 WHERE id = $1")
        .bind(id).bind(status.as_str()).bind(answer).bind(error).bind(now).execute(db).await)?;
    Ok(())
}

/// The client's services bought in the portal, oldest first.
pub async fn of_client(conn: &mut Conn, client_id: i64) -> Result<Vec<i64>> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "SELECT id FROM subscriptions WHERE client_id = $1 AND product_id IS NOT NULL ORDER BY id")
        .bind(client_id).fetch_all(db).await)?)
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QuestionRow {
    pub id: i64,
    pub subscription_id: i64,
    pub client_id: i64,
    pub asked_by: String,
    pub text: String,
    pub ticket_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_question(
    conn: &mut Conn,
    subscription_id: i64,
    client_id: i64,
    asked_by: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<QuestionRow> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "INSERT INTO service_questions (subscription_id, client_id, asked_by, text, created_at) VALUES ($1, $2, $3, $4, $5)
         RETURNING id, subscription_id, client_id, asked_by, text, ticket_id, created_at")
        .bind(subscription_id).bind(client_id).bind(asked_by).bind(text).bind(now).fetch_one(db).await)?)
}

pub async fn questions(conn: &mut Conn, subscription_id: i64) -> Result<Vec<QuestionRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, subscription_id, client_id, asked_by, text, ticket_id, created_at FROM service_questions
         WHERE subscription_id = $1 ORDER BY id")
        .bind(subscription_id).fetch_all(db).await)?)
}
