//! CAT-7: the moments of shifted services. The nightly schedule at 02:00
//! charges every service whose moment has come by then; a service shifted
//! by -150 minutes is due at 23:30 of the day before, one shifted by +600
//! at 12:00. So each distinct shift in the catalog has a daily schedule of
//! its own, at its moment, whose run ([`Engine::run_charges_due`]) charges
//! what has come due by then — and nothing twice, as every run. The
//! schedules are declared with the others and again every night: a shift
//! new in the catalog has its schedule by the next night, and until then
//! its services are charged by the first run after their moment.

use std::collections::BTreeSet;

use chrono::Duration;
use kopek_domain::charging::{charge_moment, night_of};
use kopek_domain::schedule::Recurrence;

use crate::Engine;
use crate::catalog::services::load_price_book;
use crate::core::error::Result;

pub const SHIFTED_TOPIC: &str = "charging.shifted";

/// The schedule of the services shifted by `shift_minutes`.
pub fn schedule_name(shift_minutes: i32) -> String {
    format!("charging.shift.{shift_minutes:+}")
}

impl Engine {
    /// Declares a schedule for each shift the catalog uses tonight or
    /// tomorrow night (idempotent).
    pub async fn ensure_charge_moments(&self) -> Result<()> {
        let book = {
            let mut conn = self.store.conn().await?;
            load_price_book(&mut conn).await?
        };
        let tonight = night_of(self.to_local(self.now()));
        let shifts: BTreeSet<i32> = book
            .service_ids()
            .flat_map(|id| {
                [tonight, tonight + Duration::days(1)].map(|d| book.spec_on(id, d).map(|s| s.additional.charge_shift_minutes))
            })
            .flatten()
            .filter(|shift| *shift != 0)
            .collect();
        for shift in shifts {
            let at = charge_moment(tonight, shift).time();
            self.ensure_schedule(&schedule_name(shift), SHIFTED_TOPIC, &Recurrence::Daily { at }).await?;
        }
        Ok(())
    }
}
