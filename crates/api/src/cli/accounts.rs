//! `accounts`: counts by status, or the accounts in one status.

use super::{CommandError, Status};
use crate::background;
use crate::settings::Settings;
use crate::wiring;

/// Accounts read per page of a listing.
const PAGE: u32 = 500;

pub(super) async fn run(settings: &Settings, status: Option<Status>) -> Result<(), CommandError> {
    let database = wiring::pool(settings)?;
    let overview = wiring::account_overview(database.clone());
    let Some(status) = status else {
        let counts = overview.counts().await?;
        // Connected accounts that waited more than one sync interval: the rounds are behind by that many.
        let schedule = wiring::account_schedule(database);
        let behind =
            background::sync_backlog(schedule.as_ref(), settings.background.sync_interval_minutes)
                .await?;
        println!("connected        {}", counts.connected);
        println!("reauth_required  {}", counts.reauth_required);
        println!("not_connected    {}", counts.not_connected);
        println!("total            {}", counts.total());
        println!("round_behind     {behind}");
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
