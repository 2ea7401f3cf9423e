//! The portal as a browser without JavaScript sees it, over plain HTTP:
//! log in through the form, read pages as HTML, send forms with their
//! token. Browser tests drive the same pages in Chromium; these check what
//! each answer is, fast, on both backends.

use reqwest::{Client, StatusCode};

use super::App;

pub struct Pages {
    pub http: Client,
    base: String,
    csrf: String,
}

/// What a form post answered: its status, where it sends the browser (a
/// redirect's `Location`), and the page it shows when it shows one.
#[derive(Debug)]
pub struct Sent {
    pub status: StatusCode,
    pub location: Option<String>,
    pub html: String,
}

impl Sent {
    /// The form was accepted and sends the browser to `to`.
    pub fn assert_redirect(&self, to: &str) {
        assert_eq!((self.status, self.location.as_deref()), (StatusCode::SEE_OTHER, Some(to)), "{}", self.html);
    }
}

/// The text of the element carrying `attr` (e.g. `data-error-for="inn"`),
/// tags stripped: what a person reads there.
pub fn text_at(html: &str, attr: &str) -> Option<String> {
    let at = html.find(attr)?;
    let open_end = at + html[at..].find('>')? + 1;
    let tag_start = html[..at].rfind('<')?;
    let tag: String = html[tag_start + 1..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
    let close = open_end + html[open_end..].find(&format!("</{tag}>"))?;
    let mut text = String::new();
    let mut in_tag = false;
    for c in html[open_end..close].chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    Some(
        text.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace("&#x27;", "'")
            .replace("&#x2f;", "/")
            .replace("&quot;", "\"")
            .replace("&amp;", "&"),
    )
}

/// The message shown next to a form's field.
pub fn field_error(html: &str, field: &str) -> Option<String> {
    text_at(html, &format!("data-error-for=\"{field}\""))
}

fn form_token(html: &str) -> String {
    let at = html.find("name=\"_csrf\" value=\"").unwrap_or_else(|| panic!("a form with its token: {html}"))
        + "name=\"_csrf\" value=\"".len();
    html[at..at + 64].to_string()
}

impl App {
    /// The portal as `<code>@client.test` (a client's owner made by
    /// [`App::owned_client`]) sees it, logged in through the login form.
    pub async fn pages(&self, code: &str) -> Pages {
        self.pages_as(&format!("{}@client.test", code.to_lowercase()), "client-password").await
    }

    pub async fn pages_as(&self, email: &str, password: &str) -> Pages {
        let http = Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let login = http.get(self.site("/login")).send().await.unwrap().text().await.unwrap();
        let mut pages = Pages { http, base: self.base.clone(), csrf: form_token(&login) };
        let sent = pages.form("/login", &[("email", email), ("password", password), ("next", "/")]).await;
        sent.assert_redirect("/");
        pages.csrf = form_token(&pages.get("/").await.1);
        pages
    }
}

impl App {
    /// The staff panel as the staff member `email` sees it, logged in
    /// through the panel's login form.
    pub async fn admin_pages(&self, email: &str, password: &str) -> Pages {
        let http = Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let login = http.get(self.site("/admin/login")).send().await.unwrap().text().await.unwrap();
        let mut pages = Pages { http, base: self.base.clone(), csrf: form_token(&login) };
        let sent = pages.form("/admin/login", &[("email", email), ("password", password), ("next", "/admin/clients")]).await;
        sent.assert_redirect("/admin/clients");
        pages.csrf = form_token(&pages.get("/admin/clients").await.1);
        pages
    }

    /// A staff user with `role` (admin, accountant, support, read_only)
    /// whose password is `staff-password`: its email.
    pub async fn staff_user(&self, role: &str) -> String {
        let email = format!("{}@staff.test", role.replace('_', "-"));
        let req = kopek_engine::accounts::clients::NewStaff {
            email: email.clone(),
            full_name: format!("Staff {role}"),
            password: "staff-password".into(),
            role: role.into(),
        };
        self.t.engine.create_staff_user(&kopek_engine::Ctx::system("test"), req).await.unwrap();
        email
    }
}

impl Pages {
    /// A page: its status and HTML.
    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let r = self.http.get(format!("{}{path}", self.base)).send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    }

    /// A page that must show: its HTML.
    pub async fn page(&self, path: &str) -> String {
        let (status, html) = self.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {html}");
        html
    }

    /// Sends a form as the browser would, with the page's token.
    pub async fn form(&self, path: &str, fields: &[(&str, &str)]) -> Sent {
        let mut body: Vec<(&str, &str)> = vec![("_csrf", self.csrf.as_str())];
        body.extend_from_slice(fields);
        let r = self.http.post(format!("{}{path}", self.base)).form(&body).send().await.unwrap();
        let status = r.status();
        let location = r.headers().get("location").map(|l| l.to_str().unwrap().to_string());
        Sent { status, location, html: r.text().await.unwrap() }
    }

    /// Sends a form with files (`multipart/form-data`) as the browser
    /// would: `files` are (field, file name, bytes).
    pub async fn upload(&self, path: &str, fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Sent {
        let mut body = reqwest::multipart::Form::new().text("_csrf", self.csrf.clone());
        for (name, value) in fields {
            body = body.text(name.to_string(), value.to_string());
        }
        for (name, file_name, bytes) in files {
            body = body.part(name.to_string(), reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(file_name.to_string()));
        }
        let r = self.http.post(format!("{}{path}", self.base)).multipart(body).send().await.unwrap();
        let status = r.status();
        let location = r.headers().get("location").map(|l| l.to_str().unwrap().to_string());
        Sent { status, location, html: r.text().await.unwrap() }
    }
}
