//! The OAuth dance, as the dashboard and the creator's browser would do it.

use serde_json::Value;

use crate::TestApp;

/// A response's status and JSON body.
#[derive(Debug)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    pub headers: reqwest::header::HeaderMap,
    /// The body as JSON (`Null` when it is not JSON).
    pub body: Value,
    /// The body as text.
    pub text: String,
}

impl Answer {
    /// The contract's error code, if the body is an error.
    pub fn error_code(&self) -> Option<&str> {
        self.body["error"]["code"].as_str()
    }
}

/// Reads a response.
pub async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        body,
        text,
    }
}

impl TestApp {
    /// Sends a request as `user_id`'s own creator token.
    pub async fn call(&self, method: reqwest::Method, path: &str, as_user: &str) -> Answer {
        let token = self.user_token(as_user);
        self.call_with(method, path, Some(&token)).await
    }

    /// Sends a request with the given bearer token (or none).
    pub async fn call_with(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
    ) -> Answer {
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        answer(request.send().await.expect("the service answers")).await
    }

    /// `POST auth/init` for `user_id`.
    pub async fn init(&self, user_id: &str) -> Answer {
        self.call(
            reqwest::Method::POST,
            &format!("/api/v1/integrations/tiktok/auth/init?user_id={user_id}"),
            user_id,
        )
        .await
    }

    /// Follows TikTok's authorize URL (the sandbox approves at once) and returns the query TikTok appended
    /// to the redirect URI: `code`, `scopes`, `state` (or `error`).
    pub async fn authorize_at_tiktok(
        &self,
        authorization_url: &str,
        extra: &str,
    ) -> Vec<(String, String)> {
        let url = format!("{authorization_url}{extra}");
        let response = self
            .http
            .get(url)
            .send()
            .await
            .expect("the sandbox answers");
        assert_eq!(
            response.status().as_u16(),
            302,
            "the sandbox redirects back"
        );
        let location = response.headers()["location"]
            .to_str()
            .expect("a location")
            .to_owned();
        let parsed = url::Url::parse(&location).expect("an absolute redirect");
        parsed
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    /// The whole connect flow for `user_id` as sandbox user `sandbox_user`; returns the callback's answer.
    pub async fn connect(&self, user_id: &str, sandbox_user: &str) -> Answer {
        let init = self.init(user_id).await;
        assert_eq!(init.status, 200, "init: {}", init.text);
        let url = init.body["authorization_url"]
            .as_str()
            .expect("an authorization_url");
        let query = self
            .authorize_at_tiktok(url, &format!("&sandbox_user={sandbox_user}"))
            .await;
        self.callback(user_id, &query).await
    }

    /// `POST auth/callback` with TikTok's query forwarded as the dashboard would (form-encoded again).
    pub async fn callback(&self, user_id: &str, tiktok_query: &[(String, String)]) -> Answer {
        let mut url =
            url::Url::parse(&self.url("/api/v1/integrations/tiktok/auth/callback")).expect("a url");
        {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in tiktok_query {
                pairs.append_pair(k, v);
            }
            pairs.append_pair("user_id", user_id);
        }
        let token = self.user_token(user_id);
        let response = self
            .http
            .post(url)
            .bearer_auth(token)
            .send()
            .await
            .expect("the service answers");
        answer(response).await
    }
}
