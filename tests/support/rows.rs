//! Reading one account's bookkeeping columns straight from the test database.

use diesel::sql_types::{Nullable, Text};
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl, SqliteConnection};

use crate::TestDatabase;

/// The columns of `tiktok_accounts` that the API never shows.
#[derive(Debug, QueryableByName)]
pub struct StoredRow {
    /// `status`
    #[diesel(sql_type = Text)]
    pub status: String,
    /// The sealed `refresh_token`.
    #[diesel(sql_type = Nullable<Text>)]
    pub refresh_token: Option<String>,
    /// Who holds the refresh lease, if anyone.
    #[diesel(sql_type = Nullable<Text>)]
    pub refresh_lease_owner: Option<String>,
}

/// `user_id`'s row as the database holds it.
pub fn stored_row(db: &TestDatabase, user_id: &str) -> StoredRow {
    let query = diesel::sql_query(
        "SELECT status, refresh_token, refresh_lease_owner FROM tiktok_accounts WHERE user_id = $1",
    )
    .bind::<Text, _>(user_id);
    let rows: Vec<StoredRow> = if db.is_postgres() {
        let mut conn = PgConnection::establish(db.url()).expect("the test database opens");
        query.load(&mut conn).expect("tiktok_accounts reads")
    } else {
        let path = db.url().strip_prefix("sqlite://").expect("a sqlite:// URL");
        let mut conn = SqliteConnection::establish(path).expect("the test database opens");
        query.load(&mut conn).expect("tiktok_accounts reads")
    };
    rows.into_iter().next().expect("the user's row exists")
}
