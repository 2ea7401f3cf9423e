//! What every logged-in page shows around its content.

use kopek_engine::EngineError;

use crate::AppState;
use crate::portal::session::PortalUser;
use crate::portal::view::{Frame, Me};

/// The frame of a page for `user`, with the menu item `nav` marked.
pub async fn frame(state: &AppState, user: &PortalUser, nav: &'static str, path: &str) -> Result<Frame, EngineError> {
    let client = state.engine.client(&user.ctx, user.client_id).await?;
    Ok(Frame {
        locale: user.locale,
        csrf: user.csrf.clone(),
        nav,
        me: Some(Me {
            email: user.email.clone(),
            client_id: client.id,
            client_code: client.code,
            client_name: client.name,
            rights: user.rights().iter().map(|r| r.to_string()).collect(),
            acting_staff: user.ctx.actor.acting_staff().map(str::to_string),
        }),
        test_time: test_time(state),
        notice: user.notice.as_deref().and_then(|k| state.views.catalog.try_text(user.locale, k, &[])),
        path: path.to_string(),
    })
}

/// The test clock's time, while it is not real time (OPS-1).
pub fn test_time(state: &AppState) -> Option<String> {
    let view = state.engine.clock_view(state.test_clock.as_deref()?);
    (!view.real_time).then(|| view.now.to_rfc3339())
}
