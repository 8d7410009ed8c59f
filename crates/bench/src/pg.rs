//! Fresh PostgreSQL databases for one run, dropped at the end.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

/// A database created for this run; dropped (with its connections) when this value is dropped.
#[derive(Debug)]
pub struct FreshDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl FreshDatabase {
    /// Creates database `name` on the server of `admin_url` (a database the user may connect to and create
    /// databases from, such as `postgres://postgres@127.0.0.1:5432/postgres`).
    pub fn create(admin_url: &str, name: &str) -> Result<Self, String> {
        if !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(format!("{name:?} is not a plain database name"));
        }
        let url = database_url(admin_url, name)?;
        let mut conn = PgConnection::establish(admin_url)
            .map_err(|e| format!("PostgreSQL at the admin URL does not answer: {e}"))?;
        // One statement per call: several in one string would run as one transaction, which
        // CREATE/DROP DATABASE refuse.
        for statement in [
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            format!("CREATE DATABASE {name}"),
        ] {
            conn.batch_execute(&statement)
                .map_err(|e| format!("cannot create database {name}: {e}"))?;
        }
        Ok(Self {
            admin_url: admin_url.to_owned(),
            name: name.to_owned(),
            url,
        })
    }

    /// The URL of the new database.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        let dropped = PgConnection::establish(&self.admin_url).and_then(|mut conn| {
            conn.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))
        });
        if let Err(error) = dropped {
            eprintln!("could not drop database {}: {error}", self.name);
        }
    }
}

/// `admin_url` with its database replaced by `name` (query parameters kept).
pub fn database_url(admin_url: &str, name: &str) -> Result<String, String> {
    let mut url = url::Url::parse(admin_url).map_err(|e| format!("not a PostgreSQL URL ({e})"))?;
    if !matches!(url.scheme(), "postgres" | "postgresql") {
        return Err(format!("not a PostgreSQL URL: scheme {:?}", url.scheme()));
    }
    url.set_path(&format!("/{name}"));
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_database_of_the_url() {
        assert_eq!(
            database_url("postgres://postgres@127.0.0.1:5432/postgres", "bench_1").as_deref(),
            Ok("postgres://postgres@127.0.0.1:5432/bench_1")
        );
        assert_eq!(
            database_url("postgresql://u:p@db/x?sslmode=disable", "b").as_deref(),
            Ok("postgresql://u:p@db/b?sslmode=disable")
        );
        assert!(database_url("sqlite://x.db", "b").is_err());
        assert!(database_url("not a url", "b").is_err());
    }

    #[test]
    fn refuses_names_that_would_need_quoting() {
        let err = FreshDatabase::create("postgres://127.0.0.1:1/postgres", "x; DROP").unwrap_err();
        assert!(err.contains("not a plain database name"), "{err}");
    }
}
