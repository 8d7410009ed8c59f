//! An attacker who reads the logs, the HTTP answers or a copy of the database learns no token and no secret;
//! one who moves a sealed token to another row gets a clean `409 reauth_required`, not a 500 or a panic.

use reqwest::Method;
use tiktok_integration_tests::capture::{capture_logs, execute_sql, raw_dump, stored_tokens};
use tiktok_integration_tests::flow::Answer;
use tiktok_integration_tests::{Backend, TestApp, ENCRYPTION_KEY, JWT_SECRET};
use tiktok_sandbox::Endpoint;

const BASE: &str = "/api/v1/integrations/tiktok";

on_both_backends!(
    no_token_code_or_secret_reaches_the_logs_or_the_answers_over_a_whole_flow,
    a_copy_of_the_database_holds_only_sealed_tokens,
    an_access_token_moved_from_another_users_row_answers_409_reauth_required,
    a_refresh_token_moved_from_another_users_row_answers_409_reauth_required,
    both_tokens_moved_from_another_users_row_with_expired_access_answer_409_reauth_required,
);

/// Every secret of the test set-up that must never be seen outside its place.
fn secrets(app: &TestApp) -> Vec<(String, String)> {
    let mut secrets = vec![
        (
            "the TikTok client secret".to_owned(),
            app.sandbox.client_secret().to_owned(),
        ),
        ("the JWT secret".to_owned(), JWT_SECRET.to_owned()),
        (
            "the encryption key".to_owned(),
            ENCRYPTION_KEY
                .split_once(':')
                .map_or(ENCRYPTION_KEY, |(_, key)| key)
                .to_owned(),
        ),
    ];
    secrets.extend(tokens(app));
    secrets
}

/// Every access and refresh token the sandbox ever issued.
fn tokens(app: &TestApp) -> Vec<(String, String)> {
    let access = app.sandbox.known_access_tokens();
    let refresh = app.sandbox.known_refresh_tokens();
    assert!(
        !access.is_empty() && !refresh.is_empty(),
        "tokens were issued"
    );
    access
        .into_iter()
        .map(|t| ("an access token".to_owned(), t))
        .chain(
            refresh
                .into_iter()
                .map(|t| ("a refresh token".to_owned(), t)),
        )
        .collect()
}

/// Asserts that no needle appears in `haystack`, as it is or URL-encoded (a query string in a log line).
fn assert_absent(haystack: &str, needles: &[(String, String)], place: &str) {
    for (name, needle) in needles {
        assert!(!needle.is_empty(), "{name} is empty");
        let form: String = url::form_urlencoded::byte_serialize(needle.as_bytes()).collect();
        let percent: String = needle
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        for form in [needle.as_str(), &form, &percent] {
            assert!(
                !haystack.contains(form),
                "{name} ({form}) appears in {place}"
            );
        }
    }
}

async fn no_token_code_or_secret_reaches_the_logs_or_the_answers_over_a_whole_flow(
    backend: Backend,
) {
    let logs = capture_logs();
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // The caller token used for the calls after the connect.
    let caller = tiktok_integration_tests::token("42", None);
    let mut answers: Vec<Answer> = Vec::new();

    let init = app.init("42").await;
    assert_eq!(init.status, 200, "{}", init.text);
    let url = init.body["authorization_url"]
        .as_str()
        .expect("an authorization_url")
        .to_owned();
    answers.push(init);
    let query = app
        .authorize_at_tiktok(&url, "&sandbox_user=sandbox_creator")
        .await;
    let code = query
        .iter()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.clone())
        .expect("TikTok's code");
    let connected = app.callback("42", &query).await;
    assert_eq!(connected.status, 200, "{}", connected.text);
    answers.push(connected);

    let call = |method: Method, path: String| {
        let (app, caller) = (&app, caller.as_str());
        async move { app.call_with(method, &path, Some(caller)).await }
    };
    let synced = call(Method::POST, format!("{BASE}/sync/42")).await;
    assert_eq!(synced.status, 200, "{}", synced.text);
    answers.push(synced);

    let refreshes = app.sandbox.refresh_count();
    app.sandbox.expire_access_tokens();
    let resynced = call(Method::POST, format!("{BASE}/sync/42")).await;
    assert_eq!(resynced.status, 200, "{}", resynced.text);
    assert_eq!(
        app.sandbox.refresh_count(),
        refreshes + 1,
        "the second sync refreshed the token"
    );
    answers.push(resynced);
    answers.push(call(Method::GET, format!("{BASE}/status/42")).await);
    answers.push(call(Method::GET, format!("{BASE}/metrics/42")).await);
    let sealed = stored_tokens(&app.db, "42");
    let gone = call(Method::DELETE, format!("{BASE}/disconnect/42")).await;
    assert_eq!(gone.status, 200, "{}", gone.text);
    answers.push(gone);
    answers.push(call(Method::POST, format!("{BASE}/sync/42")).await);

    let mut needles = secrets(&app);
    assert!(
        needles.len() >= 7,
        "two grants were issued: {}",
        needles.len()
    );
    needles.push(("the caller's JWT".to_owned(), caller.clone()));
    needles.push(("TikTok's authorization code".to_owned(), code));
    for (column, value) in [("access_token", sealed.0), ("refresh_token", sealed.1)] {
        let value = value.expect("sealed tokens were stored before the disconnect");
        needles.push((format!("the sealed {column}"), value));
    }

    for answer in &answers {
        assert_absent(&answer.text, &needles, "an HTTP answer");
        for (name, value) in &answer.headers {
            assert_absent(
                value.to_str().unwrap_or(""),
                &needles,
                &format!("the {name} header"),
            );
        }
    }

    let captured = logs.contents();
    assert!(
        captured.contains("authorization started"),
        "the capture records the service's logs"
    );
    assert!(
        captured.contains("access token refreshed"),
        "the capture records the refresh"
    );
    assert_absent(&captured, &needles, "the logs");
}

async fn a_copy_of_the_database_holds_only_sealed_tokens(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let init = app.init("42").await;
    let url = init.body["authorization_url"].as_str().expect("a URL");
    let state = url::Url::parse(url)
        .expect("a URL")
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("a state");
    // While the state is pending, only its fingerprint is stored.
    assert_absent(
        &raw_dump_all(&app),
        &[("the OAuth state".to_owned(), state.clone())],
        "the database",
    );
    let query = app
        .authorize_at_tiktok(url, "&sandbox_user=sandbox_creator")
        .await;
    let connected = app.callback("42", &query).await;
    assert_eq!(connected.status, 200, "{}", connected.text);
    let synced = app
        .call(Method::POST, &format!("{BASE}/sync/42"), "42")
        .await;
    assert_eq!(synced.status, 200, "{}", synced.text);
    app.sandbox.expire_access_tokens();
    let resynced = app
        .call(Method::POST, &format!("{BASE}/sync/42"), "42")
        .await;
    assert_eq!(resynced.status, 200, "{}", resynced.text);

    let dump = raw_dump(&app.db);
    let mut needles = secrets(&app);
    needles.push(("the OAuth state".to_owned(), state));
    assert_absent(&dump, &needles, "the database");
    let (access, refresh) = stored_tokens(&app.db, "42");
    for sealed in [access, refresh] {
        let sealed = sealed.expect("a sealed token is stored");
        assert!(sealed.starts_with("v1."), "sealed: {sealed}");
        assert!(dump.contains(&sealed), "the dump shows the sealed value");
    }
}

/// The dump, also of the pending OAuth states (on PostgreSQL `raw_dump` reads only the accounts).
fn raw_dump_all(app: &TestApp) -> String {
    let mut dump = raw_dump(&app.db);
    if app.db.is_postgres() {
        use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Text)]
            j: String,
        }
        let mut conn = PgConnection::establish(app.db.url()).expect("the database opens");
        let rows: Vec<Row> =
            diesel::sql_query("SELECT row_to_json(t)::text AS j FROM oauth_states t")
                .load(&mut conn)
                .expect("oauth_states reads");
        for row in rows {
            dump.push_str(&row.j);
        }
    }
    dump
}

/// Which sealed columns are copied from user 43's row into user 42's, and whether TikTok expires the access
/// tokens first.
#[derive(Clone, Copy)]
struct Move {
    access: bool,
    refresh: bool,
    expire: bool,
}

async fn a_sealed_token_moved_between_rows_fails_cleanly(backend: Backend, moved: Move) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    for (user, sandbox_user) in [("42", "sandbox_creator"), ("43", "sandbox_star")] {
        let connected = app.connect(user, sandbox_user).await;
        assert_eq!(connected.status, 200, "{user}: {}", connected.text);
    }
    let mut columns = Vec::new();
    if moved.access {
        columns.push("access_token");
    }
    if moved.refresh {
        columns.push("refresh_token");
    }
    let set = columns
        .iter()
        .map(|c| format!("{c} = (SELECT {c} FROM tiktok_accounts WHERE user_id = '43')"))
        .collect::<Vec<_>>()
        .join(", ");
    let changed = execute_sql(
        &app.db,
        &format!("UPDATE tiktok_accounts SET {set} WHERE user_id = '42'"),
    );
    assert_eq!(changed, 1);
    let (access, refresh) = stored_tokens(&app.db, "42");
    let (access43, refresh43) = stored_tokens(&app.db, "43");
    assert_eq!(access == access43, moved.access);
    assert_eq!(refresh == refresh43, moved.refresh);
    if moved.expire {
        app.sandbox.expire_access_tokens();
    }

    let refreshes = app.sandbox.refresh_count();
    let reads = app.sandbox.request_count(Endpoint::UserInfo);
    let synced = app
        .call(Method::POST, &format!("{BASE}/sync/42"), "42")
        .await;
    assert_eq!(synced.status, 409, "{}", synced.text);
    assert_eq!(
        synced.error_code(),
        Some("reauth_required"),
        "{}",
        synced.text
    );
    assert_eq!(
        app.sandbox.refresh_count(),
        refreshes,
        "43's refresh token was never used on 42's behalf"
    );
    assert_eq!(
        app.sandbox.request_count(Endpoint::UserInfo) - reads,
        u64::from(!moved.access),
        "TikTok is called only with 42's own access token, never with a moved one"
    );
    let status = app
        .call(Method::GET, &format!("{BASE}/status/42"), "42")
        .await;
    assert_eq!(status.status, 200, "{}", status.text);
    assert_eq!(status.body["status"], "reauth_required", "{}", status.text);
    let again = app
        .call(Method::POST, &format!("{BASE}/sync/42"), "42")
        .await;
    assert_eq!(
        (again.status, again.error_code()),
        (409, Some("reauth_required")),
        "{}",
        again.text
    );
    let metrics = app
        .call(Method::GET, &format!("{BASE}/metrics/42"), "42")
        .await;
    assert!(metrics.status < 500, "{}", metrics.text);

    let other = app
        .call(Method::POST, &format!("{BASE}/sync/43"), "43")
        .await;
    assert_eq!(other.status, 200, "user 43 is unharmed: {}", other.text);
    let status43 = app
        .call(Method::GET, &format!("{BASE}/status/43"), "43")
        .await;
    assert_eq!(status43.body["status"], "connected", "{}", status43.text);
}

async fn an_access_token_moved_from_another_users_row_answers_409_reauth_required(
    backend: Backend,
) {
    let moved = Move {
        access: true,
        refresh: true,
        expire: false,
    };
    a_sealed_token_moved_between_rows_fails_cleanly(backend, moved).await;
}

/// 42's own access token opens, TikTok refuses it as expired, and the forced refresh must open the moved
/// refresh token.
async fn a_refresh_token_moved_from_another_users_row_answers_409_reauth_required(
    backend: Backend,
) {
    let moved = Move {
        access: false,
        refresh: true,
        expire: true,
    };
    a_sealed_token_moved_between_rows_fails_cleanly(backend, moved).await;
}

async fn both_tokens_moved_from_another_users_row_with_expired_access_answer_409_reauth_required(
    backend: Backend,
) {
    let moved = Move {
        access: true,
        refresh: true,
        expire: true,
    };
    a_sealed_token_moved_between_rows_fails_cleanly(backend, moved).await;
}
