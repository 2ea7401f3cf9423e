//! `kopek bench documents`: the night of the 1st issuing acts of completed
//! work for many payers (DOC-2: numbers, lines and both parties' details
//! in the database), set beside the floor of writing as many rows of the
//! same width set-based in the same run; then one act rendered to PDF,
//! p50 and p99, beside the floor of the smallest typst document.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use chrono::{Datelike, NaiveTime};
use kopek_documents::render::{self, Format};
use kopek_domain::SystemClock;
use kopek_domain::document::{DocumentKind, ProviderDetails};
use kopek_domain::payer::{Address, PayerDetails};
use kopek_engine::{Ctx, Engine, Settings};
use kopek_store::Store;

use crate::bench::{drop_fresh, fresh_database};

pub async fn documents(database_url: Option<&str>, payers: i64, expenses: i64, renders: u32) -> Result<()> {
    let (url, fresh) = fresh_database(database_url).await?;
    let result = run(&url, payers, expenses, renders).await;
    drop_fresh(fresh).await?;
    result
}

fn company(name: &str, inn: &str) -> PayerDetails {
    PayerDetails {
        country: "RU".into(),
        name: name.into(),
        contact_person: Some("Иванов Иван".into()),
        inn: Some(inn.into()),
        kpp: Some("773601001".into()),
        ogrn: Some("1027700132195".into()),
        legal_address: Some(Address {
            country: Some("RU".into()),
            postcode: Some("117312".into()),
            city: Some("Москва".into()),
            address: Some("ул. Вавилова, д. 19".into()),
        }),
        bank_name: Some("ПАО Сбербанк".into()),
        bik: Some("044525225".into()),
        settlement_account: Some("40702810938000000001".into()),
        correspondent_account: Some("30101810400000000225".into()),
        director_name: Some("Иванов И. И.".into()),
        director_position: Some("Генеральный директор".into()),
        ..PayerDetails::default()
    }
}

async fn run(url: &str, payers: i64, expenses: i64, renders: u32) -> Result<()> {
    let store = Store::connect(url).await?;
    store.migrate().await?;
    let engine = Engine::new(store.clone(), Arc::new(SystemClock), Settings::default());
    let ctx = Ctx::system("bench");
    let details = ProviderDetails {
        company: company("ООО «Копейка Хостинг»", "7736207543"),
        accountant_name: None,
        vat_payer: true,
        logo: None,
    };
    engine.set_provider_details(&ctx, details).await?;
    let today = engine.local_today();
    let first = today.with_day(1).unwrap_or(today);
    let period = kopek_engine::documents::acts::last_month(first);
    let charged_at = engine.to_utc(period.0.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN)));
    let seeding = Instant::now();
    let mut conn = store.begin().await?;
    let buyer = serde_json::to_string(&company("ООО «Ромашка»", "7707083893"))?;
    kopek_store::bench::seed_payers_with_expenses(&mut conn, payers, expenses, charged_at, &buyer).await?;
    conn.commit().await?;
    let mut conn = store.conn().await?;
    kopek_store::bench::analyze(&mut conn).await?;
    drop(conn);
    let backend = store.backend().name();
    eprintln!("seeded {payers} payers with {expenses} expenses each on {backend} in {:.1} s", seeding.elapsed().as_secs_f64());

    let started = Instant::now();
    let report = engine.issue_acts(&ctx, period).await?;
    let acts_time = started.elapsed();
    if report.issued as i64 != payers {
        bail!("issued {} acts for {payers} payers", report.issued);
    }
    let width = {
        let mut conn = store.conn().await?;
        let id = kopek_store::documents::all_of_kind(&mut conn, DocumentKind::Act, 1).await?;
        id.first().map_or(2000, |d| d.data.len())
    };
    let mut conn = store.begin().await?;
    let started = Instant::now();
    kopek_store::bench::floor_rows(&mut conn, payers, width).await?;
    let floor = started.elapsed();
    drop(conn);
    #[allow(clippy::float_arithmetic, reason = "rates for people to read, not money")]
    {
        let secs = acts_time.as_secs_f64();
        println!(
            "issued {payers} acts ({} expenses) in {secs:.2} s: {:.0} acts/s; the floor ({payers} rows of {width} bytes set-based) {:.2} s; {:.1}× the floor ({backend})",
            payers * expenses,
            payers as f64 / secs.max(1e-9),
            floor.as_secs_f64(),
            secs / floor.as_secs_f64().max(1e-9)
        );
    }

    let act = {
        let mut conn = store.conn().await?;
        kopek_store::documents::all_of_kind(&mut conn, DocumentKind::Act, 1).await?.remove(0)
    };
    let mut data: serde_json::Value = serde_json::from_str(&act.data)?;
    // Each render gets other data, as each act has: typst remembers what
    // it laid out before, and the same input again would time its cache.
    let mut n = 0;
    let floor = times(renders, || {
        n += 1;
        let smallest = serde_json::json!({ "title": format!("Акт {n}") });
        kopek_documents::pdf::render("#let d = json(\"/data.json\")\n#d.title", &smallest).map(|_| ())
    })?;
    let pdf = times(renders, || {
        n += 1;
        data["number"] = serde_json::Value::from(format!("2026-{n:06}"));
        render::document(DocumentKind::Act, &data, Format::Pdf, kopek_documents::Lang::Ru).map(|_| ())
    })?;
    #[allow(clippy::float_arithmetic, reason = "a ratio for people to read, not money")]
    let ratio = pdf.1.as_secs_f64() / floor.1.as_secs_f64().max(1e-9);
    println!("smallest typst PDF     p50 {:>7.2} ms  p99 {:>7.2} ms  (the floor)", ms(floor.0), ms(floor.1));
    println!("one act as PDF         p50 {:>7.2} ms  p99 {:>7.2} ms  ({ratio:.1}× the floor's p99)", ms(pdf.0), ms(pdf.1));
    store.close().await;
    Ok(())
}

/// p50 and p99 of `n` runs of `f`.
fn times<E: std::fmt::Display>(n: u32, mut f: impl FnMut() -> Result<(), E>) -> Result<(Duration, Duration)> {
    let mut all = Vec::new();
    for _ in 0..n.max(1) {
        let started = Instant::now();
        f().map_err(|e| anyhow::anyhow!("{e}"))?;
        all.push(started.elapsed());
    }
    all.sort();
    let at = |q: usize| all[(all.len() * q / 100).min(all.len() - 1)];
    Ok((at(50), at(99)))
}

#[allow(clippy::float_arithmetic, reason = "a time for people to read")]
fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
