//! Property tests through a real socket: arbitrary path segments and query strings, thrown at every endpoint
//! with a creator's token, an admin token and none, get the contract's JSON error (a 4xx) or a success —
//! never a panic, a dropped connection or a 5xx. The history dates run on both databases (PostgreSQL has its
//! own timestamp range); the rest on SQLite.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use reqwest::Method;
use tiktok_integration_tests::flow::Answer;
use tiktok_integration_tests::{Backend, TestApp};

const BASE: &str = "/api/v1/integrations/tiktok";

/// Every route, with `{}` where the user id goes.
const ROUTES: &[(&str, &str)] = &[
    ("GET", "/status/{}"),
    ("POST", "/auth/init"),
    ("POST", "/auth/callback"),
    ("DELETE", "/disconnect/{}"),
    ("POST", "/sync/{}"),
    ("GET", "/metrics/{}"),
    ("GET", "/metrics/{}/history"),
    ("GET", "/videos/{}"),
    ("POST", "/webhooks"),
];

/// Names the handlers read, and a few they do not.
const KEYS: &[&str] = &[
    "user_id",
    "redirect_uri",
    "code",
    "state",
    "error",
    "error_description",
    "purge",
    "limit",
    "cursor",
    "sort",
    "from",
    "to",
    "interval",
    "x",
    "",
];

/// Text that is unkind to parsers: percent escapes (valid or not), separators, signs, huge numbers,
/// unicode and control characters.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9._:@-]{0,140}",
        "[-+]?[0-9]{1,30}",
        "(%[0-9A-Fa-f]{2}|%[^0-9A-Fa-f]{0,2}|[&=;+#?/ ]){1,12}",
        any::<String>(),
        date(),
        Just("true".to_owned()),
        Just("42".to_owned()),
    ]
}

/// Dates and instants: RFC 3339 and bare dates with any signed year, month, day, time and offset.
fn date() -> impl Strategy<Value = String> {
    let year = prop_oneof![
        proptest::sample::select(
            &[
                -262_144i64,
                -262_143,
                262_142,
                262_143,
                -1,
                0,
                9_999,
                10_000
            ][..]
        )
        .prop_map(|y| y.to_string()),
        (-300_000i64..300_000).prop_map(|y| y.to_string()),
        (0i64..=10_000).prop_map(|y| format!("{y:04}")),
        (-300_000i64..300_000).prop_map(|y| format!("{y:+}")),
    ];
    let offset = prop_oneof![
        Just("Z".to_owned()),
        (-23i32..=23, 0u32..=59).prop_map(|(h, m)| format!("{h:+03}:{m:02}")),
        (-99i32..=99, 0u32..=99).prop_map(|(h, m)| format!("{h:+03}:{m:02}")),
    ];
    let time = proptest::option::of((
        prop_oneof![0u32..=23, 0u32..=99],
        prop_oneof![0u32..=59, 0u32..=99],
        prop_oneof![0u32..=59, 0u32..=99],
        offset,
    ));
    let month = prop_oneof![1u32..=12, 0u32..=99];
    let day = prop_oneof![1u32..=28, 0u32..=99];
    (year, month, day, time).prop_map(|(y, mo, d, t)| match t {
        None => format!("{y}-{mo:02}-{d:02}"),
        Some((h, mi, s, o)) => format!("{y}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{o}"),
    })
}

/// Encodes what a URL cannot carry as it is, and keeps `%`, `&`, `=` and `+` as they came (so that broken
/// escapes and odd separators reach the server).
fn raw(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~:@!$'()*,;%&=+".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The contract's answer: a success, or a 4xx with `{"error": {"code", "message"}}`. Never a 5xx here: the
/// database and the sandbox are up.
fn check(what: &str, answer: Option<Answer>) -> Result<(), TestCaseError> {
    let answer = answer.ok_or_else(|| TestCaseError::fail(format!("{what}: no answer")))?;
    prop_assert!(
        answer.status < 500,
        "{what}: {} {}",
        answer.status,
        answer.text
    );
    if answer.status >= 400 {
        prop_assert!(
            answer.body["error"]["code"]
                .as_str()
                .is_some_and(|c| !c.is_empty())
                && answer.body["error"]["message"].is_string(),
            "{what}: {} is not the contract's error: {}",
            answer.status,
            answer.text
        );
    }
    Ok(())
}

async fn send(app: &TestApp, method: &str, path: &str, token: Option<&str>) -> Option<Answer> {
    let method = Method::from_bytes(method.as_bytes()).expect("a method");
    let mut request = app.http.request(method, app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.ok()?;
    Some(tiktok_integration_tests::flow::answer(response).await)
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn arbitrary_paths_and_queries_on_every_endpoint_get_the_contracts_answers() {
    let tokio = tokio::runtime::Runtime::new().expect("a runtime");
    let Some(app) = tokio.block_on(TestApp::spawn_with(Backend::Sqlite, |vars| {
        vars.insert("APP_RATE_LIMIT__PER_CALLER_PER_MINUTE".into(), "0".into());
    })) else {
        return;
    };
    assert_eq!(
        tokio.block_on(app.connect("42", "sandbox_creator")).status,
        200
    );
    let tokens = [Some(app.user_token("42")), Some(app.admin_token()), None];
    let user = prop_oneof![Just("42".to_owned()), hostile_text()];
    let query = proptest::collection::vec((proptest::sample::select(KEYS), hostile_text()), 0..5);
    let strategy = (
        proptest::sample::select(ROUTES),
        user,
        query,
        0usize..3,
        proptest::option::of(hostile_text()),
    );
    runner(256)
        .run(&strategy, |((method, route), user, pairs, who, junk)| {
            let mut query: Vec<String> = pairs
                .iter()
                .map(|(k, v)| format!("{}={}", raw(k), raw(v)))
                .collect();
            if let Some(junk) = junk {
                query.push(raw(&junk));
            }
            let path = format!(
                "{BASE}{}?{}",
                route.replace("{}", &raw(&user).replace(['?', '#'], "")),
                query.join("&")
            );
            let answer = tokio.block_on(send(&app, method, &path, tokens[who].as_deref()));
            check(&format!("{method} {path}"), answer)
        })
        .expect("every request gets the contract's answer");
}

/// The dates against a database: on PostgreSQL an instant outside its timestamp range would be a 500.
async fn history_dates_never_panic_nor_fail_the_database(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    let token = app.user_token("42");
    let strategy = (
        proptest::option::of(date()),
        proptest::option::of(date()),
        proptest::option::of(proptest::sample::select(&["day", "week"][..])),
    );
    let handle = tokio::runtime::Handle::current();
    tokio::task::block_in_place(|| {
        runner(200)
            .run(&strategy, |(from, to, interval)| {
                let mut query = Vec::new();
                for (name, value) in [("from", from), ("to", to)] {
                    if let Some(value) = value {
                        query.push(format!("{name}={}", raw(&value).replace('+', "%2B")));
                    }
                }
                if let Some(interval) = interval {
                    query.push(format!("interval={interval}"));
                }
                let path = format!("{BASE}/metrics/42/history?{}", query.join("&"));
                let answer = handle.block_on(send(&app, "GET", &path, Some(&token)));
                let what = format!("GET {path}");
                if let Some(ok) = answer.as_ref().filter(|a| a.status == 200) {
                    for field in ["from", "to"] {
                        let at = ok.body[field].as_str().unwrap_or_default();
                        prop_assert!(
                            chrono::DateTime::parse_from_rfc3339(at).is_ok() && at.len() == 20,
                            "{what}: {field} {at:?} is not RFC 3339 in UTC"
                        );
                    }
                }
                check(&what, answer)
            })
            .expect("every history request gets the contract's answer");
    });
}

on_both_backends!(history_dates_never_panic_nor_fail_the_database);
