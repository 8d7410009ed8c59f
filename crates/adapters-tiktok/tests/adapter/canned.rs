//! A wiremock server that answers every request with one canned response and records what it got.

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

pub struct Canned {
    pub url: String,
    server: MockServer,
}

impl Canned {
    /// The requests received so far, each as HTTP/1.1 text: request line, headers, blank line, body.
    pub async fn requests(&self) -> Vec<String> {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .map(|request| {
                let query = request
                    .url
                    .query()
                    .map(|q| format!("?{q}"))
                    .unwrap_or_default();
                let mut text = format!(
                    "{} {}{query} HTTP/1.1\r\n",
                    request.method,
                    request.url.path()
                );
                for (name, value) in &request.headers {
                    text.push_str(&format!(
                        "{name}: {}\r\n",
                        String::from_utf8_lossy(value.as_bytes())
                    ));
                }
                text.push_str("\r\n");
                text.push_str(&String::from_utf8_lossy(&request.body));
                text
            })
            .collect()
    }
}

/// An answer: `status` as in a status line (`"200 OK"`), these headers, this body.
pub fn response(status: &str, headers: &[(&str, &str)], body: &str) -> ResponseTemplate {
    let code: u16 = status
        .split(' ')
        .next()
        .and_then(|c| c.parse().ok())
        .expect("a status line starting with its code");
    headers.iter().fold(
        ResponseTemplate::new(code).set_body_string(body),
        |template, (name, value)| template.insert_header(*name, *value),
    )
}

/// A JSON answer.
pub fn json(status: &str, body: &str) -> ResponseTemplate {
    response(status, &[("Content-Type", "application/json")], body)
}

pub async fn serve(answer: ResponseTemplate) -> Canned {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(answer).mount(&server).await;
    Canned {
        url: server.uri(),
        server,
    }
}
