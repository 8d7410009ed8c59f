/// Where the service runs; selects `config/<name>.toml` and how strict start-up is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// A developer's machine: SQLite, the TikTok sandbox and development keys are allowed.
    #[default]
    Development,
    /// Automated tests.
    Test,
    /// Production: every secret is required, development keys and `http://` TikTok URLs are refused.
    Production,
}

impl Environment {
    /// Reads `APP_ENV`.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "development" | "dev" | "local" => Some(Environment::Development),
            "test" => Some(Environment::Test),
            "production" | "prod" => Some(Environment::Production),
            _ => None,
        }
    }

    /// The name, as in `config/<name>.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Development => "development",
            Environment::Test => "test",
            Environment::Production => "production",
        }
    }
}
