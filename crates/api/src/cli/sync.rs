//! `sync --user ID` and `sync --all`: the use case `sync` for one account or every account in a status,
//! `--concurrency` at a time, with a progress bar on standard error when it is a terminal and a summary on
//! standard output.

use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use tiktok_domain::usecases::{AccountService, Caller, ServiceError};
use tiktok_domain::UserId;

use super::{CommandError, SyncArgs};
use crate::settings::Settings;
use crate::wiring;

/// Accounts read per page of the listing.
const PAGE: u32 = 500;

pub(super) async fn run(mut settings: Settings, args: SyncArgs) -> Result<(), CommandError> {
    // The cipher before the sandbox: whether the development key may be used depends on it.
    let cipher = wiring::token_cipher(&settings)?;
    let _sandbox = wiring::start_sandbox_if_needed(&mut settings).await?;
    let database = wiring::pool(&settings)?;
    let service = wiring::account_service(&settings, database.clone(), cipher)?;
    let result = sync_accounts(&settings, database, &service, args).await;
    // A rotated pair the database did not take yet is stored by a task of the service: give it a moment.
    service.wait_for_tasks(TASKS_GRACE).await;
    result
}

/// How long the command waits, once done, for the tasks the service left running.
const TASKS_GRACE: Duration = Duration::from_secs(10);

async fn sync_accounts(
    settings: &Settings,
    database: tiktok_adapters_db::Database,
    service: &AccountService,
    args: SyncArgs,
) -> Result<(), CommandError> {
    let caller = Caller::Service {
        name: "cli-sync".into(),
    };
    if let Some(user) = args.user {
        let user = UserId::parse(&user).map_err(|e| CommandError::new(format!("--user: {e}")))?;
        let synced = service.syncs().sync(&caller, &user).await?;
        println!(
            "synced {}: {} followers, {} videos",
            user.as_str(),
            synced
                .follower_count
                .map_or_else(|| "-".to_owned(), |n| n.to_string()),
            synced
                .video_count
                .map_or_else(|| "-".to_owned(), |n| n.to_string()),
        );
        return Ok(());
    }
    let overview = wiring::account_overview(database);
    let users: Vec<UserId> = overview
        .all(args.status.into(), PAGE)
        .await?
        .into_iter()
        .map(|a| a.user_id)
        .collect();
    let quota = settings.tiktok.requests_per_minute;
    let summary = sync_all(
        service,
        &caller,
        users,
        usize::from(args.concurrency),
        quota,
    )
    .await;
    println!("{summary}");
    if summary.failed > 0 {
        return Err(CommandError::new(format!(
            "{} of {} accounts failed to sync (their stored data is kept; the logs say why)",
            summary.failed, summary.total
        )));
    }
    Ok(())
}

/// What `sync --all` did.
#[derive(Debug, Default)]
struct Summary {
    total: u64,
    synced: u64,
    failed: u64,
    skipped: u64,
    took: Duration,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "sync done: {} accounts, {} synced, {} failed, {} skipped (no longer connected) in {:.1} s",
            self.total,
            self.synced,
            self.failed,
            self.skipped,
            self.took.as_secs_f64()
        )
    }
}

async fn sync_all(
    service: &AccountService,
    caller: &Caller,
    users: Vec<UserId>,
    concurrency: usize,
    quota: u32,
) -> Summary {
    let started = Instant::now();
    let mut summary = Summary {
        total: users.len() as u64,
        ..Summary::default()
    };
    // indicatif draws nothing when standard error is not a terminal: no escapes in logs or pipes.
    let bar = ProgressBar::new(summary.total);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} {msg} (eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let mut results = stream::iter(users)
        .map(|user| async move { service.syncs().sync(caller, &user).await.map(|_| ()) })
        .buffer_unordered(concurrency.max(1));
    while let Some(result) = results.next().await {
        match result {
            Ok(()) => summary.synced += 1,
            Err(ServiceError::NotConnected | ServiceError::ReauthRequired) => summary.skipped += 1,
            Err(_) => summary.failed += 1,
        }
        bar.inc(1);
        bar.set_message(progress_message(&summary, started.elapsed(), quota));
    }
    bar.finish_and_clear();
    summary.took = started.elapsed();
    summary
}

/// Done, failed and remaining, and the pace against TikTok's quota (each sync makes at least one user info
/// call, so accounts per minute is a floor of that endpoint's calls per minute).
fn progress_message(summary: &Summary, elapsed: Duration, quota: u32) -> String {
    let done = summary.synced + summary.failed + summary.skipped;
    let minutes = elapsed.as_secs_f64().max(1.0) / 60.0;
    let quota = if quota == 0 {
        "unpaced".to_owned()
    } else {
        format!("quota {quota}/min per endpoint")
    };
    format!(
        "done {} · failed {} · remaining {} · {:.0} accounts/min ({quota})",
        summary.synced,
        summary.failed,
        summary.total - done,
        done as f64 / minutes
    )
}
