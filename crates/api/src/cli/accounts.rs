//! `accounts`: counts by status, or the accounts in one status.

use super::{CommandError, Status};
use crate::settings::Settings;
use crate::wiring;

/// Accounts read per page of a listing.
const PAGE: u32 = 500;

pub(super) async fn run(settings: &Settings, status: Option<Status>) -> Result<(), CommandError> {
    let overview = wiring::account_overview(wiring::pool(settings)?);
    let Some(status) = status else {
        let counts = overview.counts().await?;
        println!("connected        {}", counts.connected);
        println!("reauth_required  {}", counts.reauth_required);
        println!("not_connected    {}", counts.not_connected);
        println!("total            {}", counts.total());
        return Ok(());
    };
    // Tab-separated, one account a line, paged so that any number of accounts can be listed.
    println!("user_id\tusername\tupdated_at\tlast_sync_at");
    let mut after = None;
    loop {
        let page = overview.page(status.into(), after, PAGE).await?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = Some(last.user_id.clone());
        for account in &page {
            println!(
                "{}\t{}\t{}\t{}",
                account.user_id.as_str(),
                account.username.as_deref().unwrap_or("-"),
                account.updated_at.to_rfc3339(),
                account
                    .last_sync_at
                    .map_or_else(|| "-".to_owned(), |t| t.to_rfc3339())
            );
        }
    }
}
