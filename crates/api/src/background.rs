//! Background work of one replica: the refresher (with the history retention) and the scheduled sync, each
//! a loop that a stop signal ends at a safe point (between accounts; a sync or refresh in flight finishes).
//! Stopping then waits for the tasks the use cases left running (a rotated pair being stored late).

use std::sync::Arc;
use std::time::Duration;

use tiktok_domain::ports::AccountSchedule;
use tiktok_domain::usecases::{
    AccountService, BackgroundRounds, RefreshReport, ServiceError, SyncReport,
};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::settings::BackgroundSettings;

/// Accounts looked at per refresh round.
const REFRESH_BATCH: u32 = 500;

/// How often the "round behind by N" gauge is read from the database (one indexed count).
const BACKLOG_EVERY: Duration = Duration::from_secs(60);

/// Runs the rounds of one replica. Rounds can also be run by hand (commands, tests).
pub struct BackgroundWorker {
    rounds: BackgroundRounds,
    schedule: Arc<dyn AccountSchedule>,
    settings: BackgroundSettings,
    replica: String,
    stop: watch::Receiver<bool>,
}

impl BackgroundWorker {
    /// A worker for `replica` that stops once `stop` says `true`; `schedule` is read for how far the
    /// sync rounds are behind.
    pub fn new(
        service: AccountService,
        schedule: Arc<dyn AccountSchedule>,
        settings: BackgroundSettings,
        replica: String,
        stop: watch::Receiver<bool>,
    ) -> Self {
        Self {
            rounds: service.rounds().clone(),
            schedule,
            settings,
            replica,
            stop,
        }
    }

    /// This replica's name in sync claims (`sync_claimed_by`).
    pub fn replica(&self) -> &str {
        &self.replica
    }

    /// One refresh round, logged with its counts.
    pub async fn refresh_round(&self) -> Result<RefreshReport, ServiceError> {
        let stop = self.stop.clone();
        let stopping = move || *stop.borrow();
        let result = self.rounds.refresh_due(REFRESH_BATCH, &stopping).await;
        let outcome = if result.is_ok() { "done" } else { "failed" };
        metrics::counter!("tiktok_refresh_rounds_total", "outcome" => outcome).increment(1);
        match &result {
            Ok(r) => tracing::info!(
                refreshed = r.refreshed,
                failed = r.failed,
                skipped = r.skipped,
                "background refresh round done"
            ),
            Err(error) => tracing::warn!(%error, "background refresh round failed"),
        }
        result
    }

    /// Deletes the history snapshots past the retention (at most once an hour per process; a failure is
    /// logged by the use case and tried again next round).
    pub async fn retention_round(&self) -> Result<u64, ServiceError> {
        self.rounds.purge_expired_history().await
    }

    /// Reports `tiktok.account.reauth_due` for the refresh tokens expiring within the warning window, once
    /// per grant (a failure is logged and tried again next round).
    pub async fn reauth_due_round(&self) -> Result<u64, ServiceError> {
        let result = self.rounds.report_reauth_due().await;
        if let Err(error) = &result {
            tracing::warn!(%error, "refresh tokens nearing expiry could not be reported");
        }
        result
    }

    /// One sync round over every account whose claim is free, logged with its counts.
    pub async fn sync_round(&self) -> Result<SyncReport, ServiceError> {
        let minutes = i64::try_from(self.settings.sync_interval_minutes.max(1)).unwrap_or(60);
        let stop = self.stop.clone();
        let stopping = move || *stop.borrow();
        let started = std::time::Instant::now();
        let result = self
            .rounds
            .sync_round(
                &self.replica,
                chrono::Duration::minutes(minutes),
                self.settings.sync_concurrency.max(1),
                &stopping,
            )
            .await;
        record_sync_round(&result, started.elapsed());
        match &result {
            Ok(r) => tracing::info!(
                replica = %self.replica,
                claimed = r.claimed,
                synced = r.synced,
                failed = r.failed,
                skipped = r.skipped,
                "background sync round done"
            ),
            Err(error) => {
                tracing::warn!(replica = %self.replica, %error, "background sync round failed")
            }
        }
        result
    }

    /// How many connected accounts have waited more than one sync interval for their sync ("round behind
    /// by N"): 0 while the rounds keep up; growing when TikTok's quota makes a round longer than the
    /// interval. Also set as the gauge `tiktok_sync_round_behind_accounts`.
    pub async fn sync_backlog(&self) -> Result<u64, ServiceError> {
        let behind =
            sync_backlog(self.schedule.as_ref(), self.settings.sync_interval_minutes).await?;
        #[expect(clippy::cast_precision_loss)] // a count of accounts, far below 2^52
        metrics::gauge!("tiktok_sync_round_behind_accounts").set(behind as f64);
        Ok(behind)
    }

    /// Starts the loops on the current runtime.
    pub fn spawn(self: Arc<Self>) -> Vec<JoinHandle<()>> {
        tracing::info!(replica = %self.replica, "background work started");
        vec![
            tokio::spawn(Arc::clone(&self).refresh_loop()),
            tokio::spawn(Arc::clone(&self).backlog_loop()),
            tokio::spawn(self.sync_loop()),
        ]
    }

    async fn refresh_loop(self: Arc<Self>) {
        let every = Duration::from_secs(self.settings.refresh_interval_seconds.max(1));
        let mut stop = self.stop.clone();
        while !*stop.borrow() {
            let _ = self.refresh_round().await;
            let _ = self.reauth_due_round().await;
            let _ = self.retention_round().await;
            if sleep_or_stop(every, &mut stop).await {
                break;
            }
        }
    }

    async fn backlog_loop(self: Arc<Self>) {
        let mut stop = self.stop.clone();
        while !*stop.borrow() {
            if let Err(error) = self.sync_backlog().await {
                tracing::warn!(%error, "the sync backlog could not be read");
            }
            if sleep_or_stop(BACKLOG_EVERY, &mut stop).await {
                break;
            }
        }
    }

    async fn sync_loop(self: Arc<Self>) {
        let every = Duration::from_secs(self.settings.sync_interval_minutes.max(1) * 60);
        let mut stop = self.stop.clone();
        // A random start spreads the replicas; a round then follows every interval plus jitter.
        if sleep_or_stop(self.jitter(), &mut stop).await {
            return;
        }
        while !*stop.borrow() {
            let _ = self.sync_round().await;
            if sleep_or_stop(every + self.jitter(), &mut stop).await {
                break;
            }
        }
    }

    fn jitter(&self) -> Duration {
        Duration::from_secs(rand::random_range(0..=self.settings.sync_jitter_seconds))
    }
}

/// The background work of a running replica: the worker, its loops (when enabled) and their stop signal.
pub struct Background {
    worker: Arc<BackgroundWorker>,
    /// Owns the tasks the use cases leave running; stopping waits for them.
    service: AccountService,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    /// The TikTok Shop token refresher, when Shop is configured.
    shop: Option<Arc<crate::shop_background::ShopRefresher>>,
    /// Tasks started beside the loops (the events dispatcher and retention), stopped with them.
    companions: Vec<JoinHandle<()>>,
}

impl Background {
    /// Builds the worker and, when `settings.enabled`, starts its loops on the current runtime.
    pub fn start(
        service: AccountService,
        schedule: Arc<dyn AccountSchedule>,
        settings: &BackgroundSettings,
    ) -> Self {
        let (stop, stopped) = watch::channel(false);
        let worker = Arc::new(BackgroundWorker::new(
            service.clone(),
            schedule,
            settings.clone(),
            replica_name(),
            stopped,
        ));
        let tasks = if settings.enabled {
            Arc::clone(&worker).spawn()
        } else {
            tracing::info!("background work is switched off on this replica");
            Vec::new()
        };
        Self {
            worker,
            service,
            stop,
            tasks,
            shop: None,
            companions: Vec::new(),
        }
    }

    /// Adds the TikTok Shop token refresher (when Shop is configured): its loop stops with the others and
    /// is waited for like them.
    pub fn start_shop(
        &mut self,
        tokens: tiktok_domain::shop::ShopTokens,
        webhook: tiktok_domain::shop::ShopWebhook,
        settings: &BackgroundSettings,
    ) {
        let refresher = Arc::new(crate::shop_background::ShopRefresher::new(
            tokens,
            webhook,
            self.stop.subscribe(),
        ));
        if settings.enabled {
            let every = Duration::from_secs(settings.refresh_interval_seconds.max(1));
            self.tasks
                .push(tokio::spawn(Arc::clone(&refresher).run(every)));
        }
        self.shop = Some(refresher);
    }

    /// The TikTok Shop token refresher, when Shop is configured (its round can be run by hand).
    pub fn shop_refresher(&self) -> Option<Arc<crate::shop_background::ShopRefresher>> {
        self.shop.clone()
    }

    /// The stop signal the loops watch, for tasks started beside them (see [`Background::adopt`]).
    pub fn stop_signal(&self) -> watch::Receiver<bool> {
        self.stop.subscribe()
    }

    /// Makes stopping wait for `tasks` too (they must end once [`Background::stop_signal`] says `true`).
    pub fn adopt(&mut self, tasks: Vec<JoinHandle<()>>) {
        self.companions.extend(tasks);
    }

    /// The worker (its rounds can be run by hand).
    pub fn worker(&self) -> Arc<BackgroundWorker> {
        Arc::clone(&self.worker)
    }

    /// Whether the loops run on this replica.
    pub fn running(&self) -> bool {
        !self.tasks.is_empty()
    }

    /// Signals the loops to stop and waits up to `grace` for the account in hand to finish, then up to
    /// `grace` again for the tasks the use cases left running (a rotated pair being stored late).
    pub async fn stop(self, grace: Duration) {
        self.stop.send_replace(true);
        let tasks = futures::future::join_all(self.tasks.into_iter().chain(self.companions));
        if tokio::time::timeout(grace, tasks).await.is_err() {
            tracing::warn!("background work did not stop in time");
        }
        self.service.wait_for_tasks(grace).await;
    }
}

/// Connected accounts whose sync has been due for more than one interval of `interval_minutes`.
pub async fn sync_backlog(
    schedule: &dyn AccountSchedule,
    interval_minutes: u64,
) -> Result<u64, ServiceError> {
    let minutes = i64::try_from(interval_minutes.max(1)).unwrap_or(60);
    let due_before = chrono::Utc::now() - chrono::Duration::minutes(minutes);
    Ok(schedule.sync_backlog(due_before).await?)
}

/// `tiktok_sync_rounds_total{outcome}`, the round's accounts by outcome, and its duration.
fn record_sync_round(result: &Result<SyncReport, ServiceError>, took: Duration) {
    let outcome = if result.is_ok() { "done" } else { "failed" };
    metrics::counter!("tiktok_sync_rounds_total", "outcome" => outcome).increment(1);
    metrics::histogram!("tiktok_sync_round_duration_seconds").record(took.as_secs_f64());
    if let Ok(report) = result {
        for (outcome, n) in [
            ("synced", report.synced),
            ("failed", report.failed),
            ("skipped", report.skipped),
        ] {
            metrics::counter!("tiktok_sync_round_accounts_total", "outcome" => outcome)
                .increment(n);
        }
    }
}

/// Sleeps for `duration` unless the stop signal comes first; returns whether to stop.
pub(crate) async fn sleep_or_stop(duration: Duration, stop: &mut watch::Receiver<bool>) -> bool {
    let slept = tokio::select! {
        () = tokio::time::sleep(duration) => true,
        _ = stop.wait_for(|stopped| *stopped) => false,
    };
    !slept || *stop.borrow()
}

/// A name for this replica in claims: `$HOSTNAME` (or `replica`), the process id and a random suffix.
pub fn replica_name() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.trim().is_empty())
        .unwrap_or_else(|| "replica".to_owned());
    format!(
        "{host}-{}-{:06x}",
        std::process::id(),
        rand::random::<u32>() & 0xff_ffff
    )
}
