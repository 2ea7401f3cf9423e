//! The catalog's tables (CAT-1 … CAT-12): services and their versions,
//! tariffs and their services, holiday calendars.

use chrono::{DateTime, NaiveDate, Utc};

use kopek_domain::catalog::ServiceKind;

use crate::{Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ServiceRow {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: ServiceKind,
    pub name: String,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct VersionRow {
    pub id: i64,
    pub service_id: i64,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub spec: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TariffRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_service(conn: &mut Conn, kind: &str, name: &str, at: DateTime<Utc>) -> Result<ServiceRow> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "INSERT INTO services (kind, name, created_at) VALUES ($1, $2, $3)
         RETURNING id, kind, name, archived, created_at")
        .bind(kind).bind(name).bind(at).fetch_one(db).await)?)
}

pub async fn rename_service(conn: &mut Conn, id: i64, kind: &str, name: &str) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE services SET kind = $2, name = $3 WHERE id = $1")
        .bind(id).bind(kind).bind(name).execute(db).await)?;
    Ok(())
}

pub async fn service(conn: &mut Conn, id: i64) -> Result<Option<ServiceRow>> {
    Ok(on_db!(conn, db => sqlx::query_as("SELECT id, kind, name, archived, created_at FROM services WHERE id = $1")
        .bind(id).fetch_optional(db).await)?)
}

pub async fn services(conn: &mut Conn) -> Result<Vec<ServiceRow>> {
    Ok(on_db!(conn, db => sqlx::query_as("SELECT id, kind, name, archived, created_at FROM services ORDER BY id")
        .fetch_all(db).await)?)
}

pub async fn insert_version(
    conn: &mut Conn,
    service_id: i64,
    valid_from: NaiveDate,
    spec: &str,
    at: DateTime<Utc>,
) -> Result<VersionRow> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "INSERT INTO service_versions (service_id, valid_from, spec, created_at) VALUES ($1, $2, $3, $4)
         RETURNING id, service_id, valid_from, valid_to, spec, created_at")
        .bind(service_id).bind(valid_from).bind(spec).bind(at).fetch_one(db).await)?)
}

/// Ends the version that is open on `day` (its `valid_to` becomes `day`).
pub async fn close_version(conn: &mut Conn, version_id: i64, day: NaiveDate) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE service_versions SET valid_to = $2 WHERE id = $1")
        .bind(version_id).bind(day).execute(db).await)?;
    Ok(())
}

/// Replaces a version's spec in place: for changes that make no version.
pub async fn rewrite_version(conn: &mut Conn, version_id: i64, spec: &str) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE service_versions SET spec = $2 WHERE id = $1")
        .bind(version_id).bind(spec).execute(db).await)?;
    Ok(())
}

/// Every version of a service, oldest first.
pub async fn versions(conn: &mut Conn, service_id: i64) -> Result<Vec<VersionRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, service_id, valid_from, valid_to, spec, created_at FROM service_versions
         WHERE service_id = $1 ORDER BY valid_from")
        .bind(service_id).fetch_all(db).await)?)
}

/// Every version of every service, for a charge run to price from memory.
pub async fn all_versions(conn: &mut Conn) -> Result<Vec<VersionRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, service_id, valid_from, valid_to, spec, created_at FROM service_versions ORDER BY service_id, valid_from")
        .fetch_all(db).await)?)
}

pub async fn insert_tariff(conn: &mut Conn, name: &str, description: &str, at: DateTime<Utc>) -> Result<TariffRow> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "INSERT INTO tariffs (name, description, created_at) VALUES ($1, $2, $3)
         RETURNING id, name, description, archived, created_at")
        .bind(name).bind(description).bind(at).fetch_one(db).await)?)
}

pub async fn tariff(conn: &mut Conn, id: i64) -> Result<Option<TariffRow>> {
    Ok(on_db!(conn, db => sqlx::query_as("SELECT id, name, description, archived, created_at FROM tariffs WHERE id = $1")
        .bind(id).fetch_optional(db).await)?)
}

pub async fn tariffs(conn: &mut Conn) -> Result<Vec<TariffRow>> {
    Ok(on_db!(conn, db => sqlx::query_as("SELECT id, name, description, archived, created_at FROM tariffs ORDER BY id")
        .fetch_all(db).await)?)
}

pub async fn add_tariff_service(conn: &mut Conn, tariff_id: i64, service_id: i64) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO tariff_services (tariff_id, service_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(tariff_id).bind(service_id).execute(db).await)?;
    Ok(())
}

pub async fn tariff_services(conn: &mut Conn, tariff_id: i64) -> Result<Vec<i64>> {
    Ok(on_db!(conn, db => sqlx::query_scalar("SELECT service_id FROM tariff_services WHERE tariff_id = $1 ORDER BY service_id")
        .bind(tariff_id).fetch_all(db).await)?)
}

/// The tariffs a service belongs to.
pub async fn tariffs_of_service(conn: &mut Conn, service_id: i64) -> Result<Vec<i64>> {
    Ok(on_db!(conn, db => sqlx::query_scalar("SELECT tariff_id FROM tariff_services WHERE service_id = $1 ORDER BY tariff_id")
        .bind(service_id).fetch_all(db).await)?)
}

pub async fn add_holiday(conn: &mut Conn, calendar: &str, day: NaiveDate) -> Result<()> {
    exec_db!(conn, db => sqlx::query("INSERT INTO holidays (calendar, day) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(calendar).bind(day).execute(db).await)?;
    Ok(())
}

pub async fn holidays(conn: &mut Conn) -> Result<Vec<(String, NaiveDate)>> {
    Ok(on_db!(conn, db => sqlx::query_as("SELECT calendar, day FROM holidays ORDER BY calendar, day")
        .fetch_all(db).await)?)
}
