//! Errors: [`DbError`] for setting the database up, and the mapping of Diesel and pool failures onto the
//! domain's [`RepositoryError`] and [`StateStoreError`].

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use tiktok_domain::ports::{BoxError, RepositoryError, StateStoreError};

/// Why the database could not be set up (connect, migrate).
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL names no supported backend; only the scheme is shown, never the credentials.
    #[error(
        "unsupported database URL scheme {scheme:?}: use postgres://, postgresql:// or sqlite://"
    )]
    UnsupportedUrl {
        /// The text before the first `:`.
        scheme: String,
    },
    /// The pool options cannot work (a zero size or timeout).
    #[error("invalid database pool options: {0}")]
    InvalidOptions(&'static str),
    /// The directory of the SQLite file could not be created.
    #[error("could not create the SQLite directory {path}")]
    CreateDirectory {
        /// The directory.
        path: String,
        /// The file system's error.
        #[source]
        source: std::io::Error,
    },
    /// No connection could be had in time. Worth retrying later.
    #[error("the database is unavailable")]
    Unavailable(#[source] BoxError),
    /// A migration failed.
    #[error("database migration failed")]
    Migration(#[source] BoxError),
    /// Anything else; a bug.
    #[error("unexpected database failure")]
    Unexpected(#[source] BoxError),
}

/// A stored row that cannot become a domain value.
#[derive(Debug, thiserror::Error)]
#[error("column {column} holds an unreadable value: {reason}")]
pub(crate) struct CorruptRow {
    pub(crate) column: &'static str,
    pub(crate) reason: String,
}

/// Everything that can go wrong inside one unit of database work, before it is mapped onto a port's error.
#[derive(Debug, thiserror::Error)]
pub(crate) enum QueryFailure {
    #[error("no pooled connection: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    /// Every pooled connection stayed in use for the whole checkout timeout.
    #[error("no pooled connection was free within the checkout timeout")]
    Busy,
    #[error(transparent)]
    Diesel(#[from] DieselError),
    #[error("the blocking task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[error(transparent)]
    Corrupt(#[from] CorruptRow),
    #[error("the TikTok account is active for another user")]
    Conflict,
    #[error("no active account for this user")]
    NotFound,
    /// See `Database::ready` and `Database::gated_until_migrated`.
    #[error("the database schema is not migrated yet")]
    NotMigrated,
}

impl QueryFailure {
    /// Whether the failure means the database cannot be reached right now.
    pub(crate) fn is_unavailable(&self) -> bool {
        match self {
            QueryFailure::Pool(_) | QueryFailure::Busy | QueryFailure::NotMigrated => true,
            QueryFailure::Diesel(DieselError::DatabaseError(kind, info)) => {
                matches!(
                    kind,
                    DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand
                ) || info.message().contains("database is locked")
            }
            QueryFailure::Diesel(DieselError::BrokenTransactionManager) => true,
            _ => false,
        }
    }

    fn is_corrupt(&self) -> bool {
        matches!(
            self,
            QueryFailure::Corrupt(_) | QueryFailure::Diesel(DieselError::DeserializationError(_))
        )
    }
}

impl From<QueryFailure> for RepositoryError {
    fn from(failure: QueryFailure) -> Self {
        match failure {
            QueryFailure::Conflict => RepositoryError::Conflict,
            QueryFailure::NotFound => RepositoryError::NotFound,
            f if f.is_unavailable() => RepositoryError::Unavailable(Box::new(f)),
            f if f.is_corrupt() => RepositoryError::Corrupt(Box::new(f)),
            f => RepositoryError::Unexpected(Box::new(f)),
        }
    }
}

impl From<QueryFailure> for StateStoreError {
    fn from(failure: QueryFailure) -> Self {
        if failure.is_unavailable() {
            StateStoreError::Unavailable(Box::new(failure))
        } else {
            StateStoreError::Unexpected(Box::new(failure))
        }
    }
}

impl From<QueryFailure> for DbError {
    fn from(failure: QueryFailure) -> Self {
        if failure.is_unavailable() {
            DbError::Unavailable(Box::new(failure))
        } else {
            DbError::Unexpected(Box::new(failure))
        }
    }
}
