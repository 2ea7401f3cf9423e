//! Support departments (ACC-4, SUP-1): the list with each department's
//! staff, a new department, a rename or a switch off, and who answers in
//! each — through the use cases the API's `/api/v1/support/departments`
//! calls. Admins change them; the engine refuses anyone else.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_engine::EngineError;
use kopek_engine::core::views::StaffUser as Member;
use kopek_engine::support::departments::{Department, DepartmentInput};
use serde::Serialize;

use crate::AppState;
use crate::admin::frame::{error_page, frame};
use crate::admin::session::StaffUser;
use crate::error::status_of;
use crate::portal::form::{Form, message};
use crate::portal::session::{FormData, redirect_with_notice};

const PATH: &str = "/admin/departments";

#[derive(Serialize, Default)]
struct DepartmentsPage {
    departments: Vec<Department>,
    /// The staff who may sit in a department.
    staff: Vec<Member>,
    new_department: Form,
    /// A change of one department refused, next to its row: (id, form).
    row: Option<(i64, Form)>,
}

async fn show(state: &AppState, user: &StaffUser, status: StatusCode, mut page: DepartmentsPage) -> Response {
    let listed =
        async { Ok::<_, EngineError>((state.engine.departments(&user.ctx).await?, state.engine.ticket_staff(&user.ctx).await?)) };
    match listed.await {
        Ok((departments, staff)) => {
            (page.departments, page.staff) = (departments, staff);
            let frame = frame(state, user, "tickets", PATH);
            state.views.render_status(status, "admin/tickets/departments.html", &frame, page)
        }
        Err(e) => error_page(state, user, e),
    }
}

/// A refusal of a department's name, in the department's words.
fn named(state: &AppState, user: &StaffUser, e: &EngineError) -> String {
    message(e, Some("department_name"), &state.views.catalog, user.locale)
}

pub async fn page(State(state): State<AppState>, user: StaffUser) -> Response {
    show(&state, &user, StatusCode::OK, DepartmentsPage::default()).await
}

/// «Добавить отдел».
pub async fn create(State(state): State<AppState>, user: StaffUser, data: FormData) -> Response {
    let mut form = Form::from_data(&data);
    let input = DepartmentInput { name: data.text("name"), enabled: true };
    match state.engine.create_department(&user.ctx, input).await {
        Ok(_) => redirect_with_notice(PATH, "desk-notice-department-added"),
        Err(e) if e.is_internal() || matches!(e, EngineError::Forbidden { .. }) => error_page(&state, &user, e),
        Err(e) => {
            form.error("name", named(&state, &user, &e));
            show(&state, &user, status_of(&e), DepartmentsPage { new_department: form, ..DepartmentsPage::default() }).await
        }
    }
}

/// «Сохранить» on a department's row: its name and whether it takes
/// tickets.
pub async fn update(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>, data: FormData) -> Response {
    let mut form = Form::from_data(&data);
    let input = DepartmentInput { name: data.text("name"), enabled: data.checked("enabled") };
    match state.engine.update_department(&user.ctx, id, input).await {
        Ok(_) => redirect_with_notice(PATH, "desk-notice-department-saved"),
        Err(e) if e.is_internal() || matches!(e, EngineError::Forbidden { .. } | EngineError::NotFound { .. }) => {
            error_page(&state, &user, e)
        }
        Err(e) => {
            form.error("name", named(&state, &user, &e));
            show(&state, &user, status_of(&e), DepartmentsPage { row: Some((id, form)), ..DepartmentsPage::default() }).await
        }
    }
}

/// A staff member put in the department (`member=1`) or taken out.
pub async fn members(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>, data: FormData) -> Response {
    let mut form = Form::from_data(&data);
    let Some(staff_id) = form.id(&data, "staff_id", &state.views.catalog, user.locale) else {
        return show(
            &state,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            DepartmentsPage { row: Some((id, form)), ..Default::default() },
        )
        .await;
    };
    match state.engine.set_department_staff(&user.ctx, id, staff_id, data.checked("member")).await {
        Ok(_) => redirect_with_notice(PATH, "desk-notice-members-saved"),
        Err(e) if e.is_internal() || matches!(e, EngineError::Forbidden { .. } | EngineError::NotFound { .. }) => {
            error_page(&state, &user, e)
        }
        Err(e) => {
            let text = message(&e, Some("staff_id"), &state.views.catalog, user.locale);
            form.error("staff_id", text);
            show(&state, &user, status_of(&e), DepartmentsPage { row: Some((id, form)), ..DepartmentsPage::default() }).await
        }
    }
}
