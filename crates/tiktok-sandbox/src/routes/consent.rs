//! The consent page a browser sees at the authorize URL: plain, escaped, server-rendered HTML with a form
//! that posts the person's choice back to `/v2/auth/authorize/`.

use std::fmt::Write;

use actix_web::HttpResponse;

use super::authorize::Checked;
use crate::config::FakeUser;

/// What the page shows.
pub(super) struct Consent<'a> {
    pub app_name: &'a str,
    pub client_key: &'a str,
    pub checked: &'a Checked,
    pub users: &'a [FakeUser],
}

const STYLE: &str = "body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;\
background:#f1f1f2;color:#161823}\
main{max-width:26rem;margin:2rem auto;background:#fff;border-radius:12px;padding:1.5rem;\
box-shadow:0 2px 12px rgba(0,0,0,.08)}\
.brand{font-weight:700;letter-spacing:.02em}.brand span{color:#fe2c55}\
.warn{background:#fff4e5;border:1px solid #f5a623;border-radius:6px;padding:.5rem;font-size:.875rem}\
h1{font-size:1.25rem;margin:1rem 0 .5rem}fieldset{border:1px solid #e3e3e4;border-radius:8px;margin:1rem 0;\
padding:.75rem}legend{font-weight:600;padding:0 .25rem}.scope{display:flex;gap:.5rem;align-items:flex-start;\
margin:.5rem 0}.scope small{display:block;color:#57585e}select{width:100%;padding:.5rem;font-size:1rem}\
.actions{display:flex;gap:.75rem;margin-top:1.25rem}button{flex:1;padding:.75rem;font-size:1rem;\
border-radius:4px;cursor:pointer;border:1px solid #d0d0d3;background:#fff;color:#161823}\
button.primary{background:#fe2c55;border-color:#fe2c55;color:#fff;font-weight:600}\
button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #25f4ee;outline-offset:2px}";

/// The page, `200 text/html`.
pub(super) fn page(consent: &Consent<'_>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("cache-control", "no-store"))
        .body(render(consent))
}

fn render(c: &Consent<'_>) -> String {
    let app = escape(c.app_name);
    let mut html = String::with_capacity(4_096);
    let _ = write!(
        html,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Authorize {app} – TikTok SANDBOX</title><style>{STYLE}</style></head><body><main>\
         <p class=\"brand\">Tik<span>Tok</span> SANDBOX</p>\
         <p class=\"warn\" role=\"note\">This is the TikTok sandbox, not TikTok: fake creators, fake data.</p>\
         <h1>{app} would like to access your TikTok account</h1>\
         <form method=\"post\" action=\"/v2/auth/authorize/\">"
    );
    let checked = c.checked;
    let mut hidden = vec![
        ("client_key", c.client_key.to_owned()),
        ("response_type", "code".to_owned()),
        ("redirect_uri", checked.redirect_uri.clone()),
        ("requested_scope", checked.requested.join(",")),
    ];
    if let Some(state) = &checked.state {
        hidden.push(("state", state.clone()));
    }
    if let Some(challenge) = &checked.challenge {
        hidden.push(("code_challenge", challenge.clone()));
        hidden.push(("code_challenge_method", "S256".to_owned()));
    }
    for (name, value) in hidden {
        let _ = write!(
            html,
            "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
            escape(&value)
        );
    }
    html.push_str("<fieldset><legend>Allow access to</legend>");
    for (i, scope) in checked.requested.iter().enumerate() {
        let scope = escape(scope);
        let _ = write!(
            html,
            "<div class=\"scope\"><input type=\"checkbox\" id=\"scope-{i}\" name=\"scope\" value=\"{scope}\" checked>\
             <label for=\"scope-{i}\">{}<small>{scope}</small></label></div>",
            describe(&scope)
        );
    }
    html.push_str(
        "</fieldset><label for=\"sandbox_user\"><strong>Sign in as (sandbox creator)</strong></label>\
         <select id=\"sandbox_user\" name=\"sandbox_user\">",
    );
    for (i, user) in c.users.iter().enumerate() {
        let selected = if i == checked.user { " selected" } else { "" };
        let _ = write!(
            html,
            "<option value=\"{}\"{selected}>{} (@{})</option>",
            escape(&user.username),
            escape(&user.display_name),
            escape(&user.username)
        );
    }
    html.push_str(
        "</select><div class=\"actions\">\
         <button type=\"submit\" name=\"decision\" value=\"cancel\">Cancel</button>\
         <button type=\"submit\" name=\"decision\" value=\"authorize\" class=\"primary\">Authorize</button>\
         </div></form></main></body></html>",
    );
    html
}

/// What a scope lets the app do, in the words of TikTok's consent screen.
fn describe(scope: &str) -> &'static str {
    match scope {
        "user.info.basic" => "Your profile info (avatar, display name)",
        "user.info.profile" => "Your profile details (bio, profile link, verification)",
        "user.info.stats" => "Your statistics (followers, following, likes, videos)",
        "video.list" => "Your public videos",
        _ => "Another permission",
    }
}

/// Escapes text for HTML content and double-quoted attribute values.
fn escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for ch in raw.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escape_neutralises_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
