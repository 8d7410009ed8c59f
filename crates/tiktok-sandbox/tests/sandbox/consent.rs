//! The consent page a browser sees, and its form; programmatic clients are still approved at once.

use reqwest::StatusCode;
use url::Url;

use crate::common::*;

const BROWSER_ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/// The consent page of the standard authorize URL, with `state` replaced when given.
async fn page(sbx: &tiktok_sandbox::SandboxHandle, state: Option<&str>) -> String {
    let mut url = authorize_url(sbx, &[]);
    if let Some(state) = state {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let v = if k == "state" {
                    state.to_owned()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    let resp = http()
        .get(url)
        .header("accept", BROWSER_ACCEPT)
        .send()
        .await
        .expect("authorize");
    assert_eq!(resp.status(), StatusCode::OK, "a browser gets a page");
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    resp.text().await.expect("a body")
}

/// The hidden fields of the page's form, as a browser would submit them.
fn hidden_fields(html: &str) -> Vec<(String, String)> {
    html.split("<input type=\"hidden\" ")
        .skip(1)
        .map(|chunk| {
            let name = between(chunk, "name=\"", "\"");
            let value = between(chunk, "value=\"", "\"")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
            (name, value)
        })
        .collect()
}

fn between(s: &str, start: &str, end: &str) -> String {
    let from = s.find(start).expect("start") + start.len();
    let to = s[from..].find(end).expect("end") + from;
    s[from..to].to_owned()
}

async fn submit(sbx: &tiktok_sandbox::SandboxHandle, form: &[(String, String)]) -> Url {
    let resp = http()
        .post(format!("{}/v2/auth/authorize/", sbx.base_url()))
        .header("accept", BROWSER_ACCEPT)
        .form(form)
        .send()
        .await
        .expect("the form posts");
    assert_eq!(resp.status(), StatusCode::FOUND);
    Url::parse(resp.headers()["location"].to_str().unwrap()).expect("absolute location")
}

#[tokio::test]
async fn a_browser_sees_an_accessible_consent_page_with_every_requested_scope_ticked() {
    let sbx = start();
    let html = page(&sbx, None).await;
    assert!(html.starts_with("<!doctype html><html lang=\"en\">"));
    assert!(html.contains("<h1>"), "a heading");
    assert!(
        html.contains("Creator Dashboard (development)"),
        "the app's name"
    );
    for scope in ALL_SCOPES.split(',') {
        let input = format!("name=\"scope\" value=\"{scope}\" checked>");
        assert!(html.contains(&input), "{scope} is a ticked checkbox");
    }
    assert_eq!(
        html.matches("<input type=\"checkbox\" id=\"scope-").count(),
        html.matches("<label for=\"scope-").count(),
        "each checkbox has a label"
    );
    assert!(html.contains("<select id=\"sandbox_user\" name=\"sandbox_user\">"));
    assert!(html.contains("<label for=\"sandbox_user\">"));
    for user in ["sandbox_creator", "sandbox_newcomer", "sandbox_star"] {
        assert!(html.contains(&format!("<option value=\"{user}\"")));
        assert!(html.contains(&format!("Sandbox {user} (@{user})")));
    }
    assert!(html.contains(">Authorize</button>") && html.contains(">Cancel</button>"));
}

#[tokio::test]
async fn the_page_escapes_what_the_url_brings() {
    let sbx = start();
    let html = page(&sbx, Some("\"><script>alert(1)</script>")).await;
    assert!(!html.contains("<script>"), "no injected markup");
    assert!(html.contains("&quot;&gt;&lt;script&gt;"));
}

#[tokio::test]
async fn authorize_with_a_partial_set_grants_only_the_ticked_scopes_to_the_chosen_creator() {
    let sbx = start();
    let html = page(&sbx, Some("a&b=\"c\"")).await;
    let mut form = hidden_fields(&html);
    assert!(
        form.contains(&("state".into(), "a&b=\"c\"".into())),
        "{form:?}"
    );
    for scope in ["user.info.basic", "user.info.stats"] {
        form.push(("scope".into(), scope.into()));
    }
    form.push(("sandbox_user".into(), "sandbox_star".into()));
    form.push(("decision".into(), "authorize".into()));
    let back = submit(&sbx, &form).await;
    assert!(back.as_str().starts_with(&format!("{REDIRECT}?")));
    assert_eq!(
        param(&back, "scopes").as_deref(),
        Some("user.info.basic,user.info.stats")
    );
    assert_eq!(param(&back, "state").as_deref(), Some("a&b=\"c\""));
    let code = param(&back, "code").expect("a code");
    let (status, token) = exchange(&sbx, &code, REDIRECT).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    assert_eq!(s(&token, "scope"), "user.info.basic,user.info.stats");
    assert_eq!(
        Some(s(&token, "open_id")),
        sbx.open_id_of("sandbox_star"),
        "the chosen creator"
    );
}

#[tokio::test]
async fn cancel_redirects_with_access_denied_and_the_state() {
    let sbx = start();
    let mut form = hidden_fields(&page(&sbx, None).await);
    form.push(("scope".into(), "user.info.basic".into()));
    form.push(("decision".into(), "cancel".into()));
    let back = submit(&sbx, &form).await;
    assert_eq!(param(&back, "error").as_deref(), Some("access_denied"));
    assert!(param(&back, "error_description").is_some());
    assert_eq!(param(&back, "state").as_deref(), Some("st4te"));
    assert_eq!(param(&back, "code"), None);
}

#[tokio::test]
async fn a_forged_form_is_checked_like_the_authorize_url() {
    let sbx = start();
    let mut form = hidden_fields(&page(&sbx, None).await);
    for (name, value) in &mut form {
        if name == "redirect_uri" {
            *value = "javascript:alert(1)".into();
        }
    }
    form.push(("decision".into(), "authorize".into()));
    let resp = http()
        .post(format!("{}/v2/auth/authorize/", sbx.base_url()))
        .form(&form)
        .send()
        .await
        .expect("the form posts");
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn programmatic_clients_are_still_redirected_at_once() {
    let sbx = start();
    for accept in [None, Some("*/*"), Some("application/json")] {
        let mut request = http().get(authorize_url(
            &sbx,
            &[("sandbox_scopes", "user.info.basic")],
        ));
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        let resp = request.send().await.expect("authorize");
        assert_eq!(resp.status(), StatusCode::FOUND, "Accept {accept:?}");
        let back = Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap();
        assert_eq!(param(&back, "scopes").as_deref(), Some("user.info.basic"));
        assert!(param(&back, "code").is_some());
    }
}
