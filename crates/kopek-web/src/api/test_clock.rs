//! The test clock (OPS-1), for staging and demos: `GET` says where the
//! server's clock stands, `POST` moves it forward and runs every scheduled
//! round on the way. Off unless the server was started with
//! `test_clock = true`; then both answer 404, as if they did not exist.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kopek_engine::jobs::test_clock::{AdvanceTo, Advanced, TestClock, TestClockView};

use crate::AppState;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, Caller};

fn clock(state: &AppState) -> ApiResult<&TestClock> {
    state
        .test_clock
        .as_deref()
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "no_route", "there is nothing at this address; see /api/docs"))
}

/// Where the test clock stands (staff). 404 when the test clock is off.
#[utoipa::path(get, path = "/test-clock", tag = "test-clock",
    responses((status = 200, body = TestClockView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_test_clock(State(state): State<AppState>, caller: Result<Caller, ApiError>) -> ApiResult<Json<TestClockView>> {
    let clock = clock(&state)?;
    let Caller(ctx) = caller?;
    Ok(Json(state.engine.test_clock_view(&ctx, clock)?))
}

/// Move the clock forward (admins): every scheduled round between now and
/// `advance_to` runs in time order, each at its moment — the nights with
/// their charges, credit cycle, autopayments, renewals and expiries, the
/// hourly expiry of promised payments, the cleanup. The answer lists the
/// nights run. 422 `test_clock_backwards` for a time not after the clock's;
/// 404 when the test clock is off.
#[utoipa::path(post, path = "/test-clock", tag = "test-clock", request_body = AdvanceTo,
    responses((status = 200, body = Advanced), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn advance_test_clock(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
    input: Result<ApiJson<AdvanceTo>, ApiError>,
) -> ApiResult<Json<Advanced>> {
    clock(&state)?;
    let Caller(ctx) = caller?;
    let ApiJson(input) = input?;
    // Run to the end even if the caller hangs up: a clock left between two
    // rounds would resume, after a restart, from the last advance that ended.
    let (engine, clock) = (state.engine.clone(), state.test_clock.clone());
    let moved = tokio::spawn(async move {
        let clock = clock.expect("checked above");
        engine.advance_test_clock(&ctx, &clock, input).await
    })
    .await
    .map_err(|e| ApiError::from(kopek_engine::EngineError::Internal(format!("the test clock's advance failed: {e}"))))?;
    Ok(Json(moved?))
}
