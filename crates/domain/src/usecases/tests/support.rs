//! Test doubles and builders shared by the use-case tests.

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, TimeZone, Utc};
use secrecy::{ExposeSecret, SecretString};

use crate::account::{
    ConnectionGeneration, ConnectionState, DisconnectReason, Profile, SealedToken, StoredGrant,
    SyncFailure, TikTokAccount, TokenKind,
};
use crate::ports::{
    BoxError, CipherError, Clock, MockAccountRepository, MockAccountSchedule,
    MockContentRepository, MockOAuthStateStore, MockTikTokData, MockTikTokOAuth, MockTokenCipher,
    PendingAuthorization, RefreshLease, TokenCipher, TokenContext, TokenGrant, UserInfo, VideoPage,
};
use crate::usecases::{AccountService, Caller, Ports, ServiceConfig};
use crate::values::{AccessToken, OAuthState, OpenId, RedirectUri, RefreshToken, Scopes, UserId};

/// The product user most tests act for.
pub(super) const USER: &str = "42";
/// TikTok's `open_id` of that user's account.
pub(super) const OPEN_ID: &str = "723f24d7-e717-40f8-a2b6-cb8464cd23b4";
/// `TIKTOK_REDIRECT_URI`.
pub(super) const DEFAULT_REDIRECT: &str = "https://app.example/creator-dashboard/settings";
/// The one URI of `TIKTOK_ALLOWED_REDIRECT_URIS`.
pub(super) const EXTRA_REDIRECT: &str = "https://app.example/tiktok/callback";
/// The tokens stored in [`connected_account`].
pub(super) const OLD_ACCESS: &str = "act.old";
pub(super) const OLD_REFRESH: &str = "rft.old";
/// The tokens of the grant TikTok hands out in [`token_grant`] by default.
pub(super) const NEW_ACCESS: &str = "act.new";
pub(super) const NEW_REFRESH: &str = "rft.new";
/// TikTok's documented lifetimes (older generation).
pub(super) const EXPIRES_IN: u64 = 86_400;
pub(super) const REFRESH_EXPIRES_IN: u64 = 31_536_000;

/// The refresh lease of the default settings, in seconds.
pub(super) const LEASE_SECONDS: i64 = 30;

/// The instant every test runs at.
pub(super) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap()
}

/// The generation of the connection in [`connected_account`].
pub(super) fn generation() -> ConnectionGeneration {
    ConnectionGeneration::new("generation-1".into())
}

pub(super) fn user() -> UserId {
    UserId::parse(USER).unwrap()
}

pub(super) fn other_user() -> UserId {
    UserId::parse("43").unwrap()
}

pub(super) fn open_id() -> OpenId {
    OpenId::parse(OPEN_ID).unwrap()
}

pub(super) fn scopes() -> Scopes {
    Scopes::parse_comma_separated("user.info.basic,user.info.profile,user.info.stats,video.list")
        .unwrap()
}

/// The creator `42`, acting for themself.
pub(super) fn creator() -> Caller {
    Caller::User(user())
}

/// The creator `43`, who may not act for `42`.
pub(super) fn other_creator() -> Caller {
    Caller::User(other_user())
}

/// An internal service with the admin scope.
pub(super) fn admin() -> Caller {
    Caller::Service {
        name: "billing".into(),
    }
}

pub(super) fn boom() -> BoxError {
    "connection reset".into()
}

pub(super) fn secret(plaintext: &str) -> SecretString {
    SecretString::from(plaintext.to_owned())
}

/// A clock stopped at [`now`].
pub(super) struct FixedClock(pub(super) DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// A readable stand-in for the AEAD cipher: seals as `sealed:<owner>:<column>:<plaintext>` and opens only
/// in the context it was sealed with, like the real one.
pub(super) struct FakeCipher;

impl TokenCipher for FakeCipher {
    fn seal(
        &self,
        plaintext: &SecretString,
        context: &TokenContext,
    ) -> Result<SealedToken, CipherError> {
        Ok(sealed(
            &context.owner,
            context.kind,
            plaintext.expose_secret(),
        ))
    }

    fn open(
        &self,
        sealed: &SealedToken,
        context: &TokenContext,
    ) -> Result<SecretString, CipherError> {
        if !sealed.as_str().starts_with("sealed:") {
            return Err(CipherError::Malformed);
        }
        let prefix = format!("sealed:{}:{}:", context.owner, context.kind.column());
        sealed
            .as_str()
            .strip_prefix(&prefix)
            .map(secret)
            .ok_or(CipherError::Tampered)
    }

    fn is_sealed_with_old_key(&self, _sealed: &SealedToken) -> bool {
        false
    }
}

/// What [`FakeCipher`] makes of `plaintext` sealed for `owner`'s `kind` column.
pub(super) fn sealed(owner: &str, kind: TokenKind, plaintext: &str) -> SealedToken {
    SealedToken::new(format!("sealed:{owner}:{}:{plaintext}", kind.column()))
}

/// The settings: default plus one extra redirect URI, the four documented scopes, PKCE off.
pub(super) fn config() -> ServiceConfig {
    let mut config = ServiceConfig::new(RedirectUri::parse(DEFAULT_REDIRECT).unwrap(), scopes());
    config.allowed_redirect_uris = vec![RedirectUri::parse(EXTRA_REDIRECT).unwrap()];
    config
}

/// One mock per port. A mock with no expectation panics when called, so a test that sets none for a
/// port asserts that the port is not used at all.
pub(super) struct Mocks {
    pub(super) accounts: MockAccountRepository,
    pub(super) content: MockContentRepository,
    pub(super) states: MockOAuthStateStore,
    pub(super) oauth: MockTikTokOAuth,
    pub(super) data: MockTikTokData,
    pub(super) schedule: MockAccountSchedule,
    /// `None` uses [`FakeCipher`].
    pub(super) cipher: Option<MockTokenCipher>,
    pub(super) config: ServiceConfig,
    /// Every failed sync recorded with `record_sync_failure(42, …)`, which always succeeds.
    pub(super) sync_failures: Captured<SyncFailure>,
}

impl Default for Mocks {
    fn default() -> Self {
        let sync_failures = Captured::default();
        let sink = sync_failures.clone();
        let mut accounts = MockAccountRepository::new();
        accounts
            .expect_record_sync_failure()
            .withf(|user_id, _, _| user_id == &user())
            .returning(move |_, _, failure| {
                sink.push(failure.clone());
                Ok(())
            });
        Self {
            sync_failures,
            accounts,
            content: MockContentRepository::new(),
            states: MockOAuthStateStore::new(),
            oauth: MockTikTokOAuth::new(),
            data: MockTikTokData::new(),
            schedule: free_sync_lease(),
            cipher: None,
            config: config(),
        }
    }
}

/// A schedule whose sync lease is always free: every sync takes it and frees it. Tests about the lease
/// replace it.
pub(super) fn free_sync_lease() -> MockAccountSchedule {
    let mut schedule = MockAccountSchedule::new();
    schedule
        .expect_try_acquire_sync_lease()
        .returning(|_, _, _, _| Ok(true));
    schedule
        .expect_release_sync_lease()
        .returning(|_, _| Ok(()));
    schedule
}

impl Mocks {
    /// The service under test, running at [`now`].
    pub(super) fn service(self) -> AccountService {
        let cipher: Arc<dyn TokenCipher> = match self.cipher {
            Some(mock) => Arc::new(mock),
            None => Arc::new(FakeCipher),
        };
        AccountService::new(
            Ports {
                accounts: Arc::new(self.accounts),
                content: Arc::new(self.content),
                states: Arc::new(self.states),
                oauth: Arc::new(self.oauth),
                data: Arc::new(self.data),
                cipher,
                clock: Arc::new(FixedClock(now())),
                schedule: Arc::new(self.schedule),
            },
            self.config,
        )
    }

    /// `find_by_user(42)` is called once and answers `account`.
    pub(super) fn account_is(&mut self, account: Option<TikTokAccount>) {
        self.accounts_are(vec![account]);
    }

    /// `find_by_user(42)` is called once per answer, and answers them in order.
    pub(super) fn accounts_are(&mut self, answers: Vec<Option<TikTokAccount>>) {
        let calls = answers.len();
        let answers = Mutex::new(answers.into_iter());
        self.accounts
            .expect_find_by_user()
            .withf(|user_id| user_id == &user())
            .times(calls)
            .returning(move |_| Ok(answers.lock().unwrap().next().unwrap()));
    }

    /// `try_acquire_refresh_lease(42, …, now)` is called once per answer: each takes the lease (for
    /// [`LEASE_SECONDS`]) and reads that account back under it. Returns the leases taken.
    pub(super) fn lease_taken_on(
        &mut self,
        accounts: Vec<TikTokAccount>,
    ) -> Captured<RefreshLease> {
        let taken = Captured::default();
        let sink = taken.clone();
        let calls = accounts.len();
        let answers = Mutex::new(accounts.into_iter());
        self.accounts
            .expect_try_acquire_refresh_lease()
            .withf(|user_id, lease, at| {
                user_id == &user()
                    && *at == now()
                    && lease.until == now() + Duration::seconds(LEASE_SECONDS)
            })
            .times(calls)
            .returning(move |_, lease, _| {
                sink.push(lease.clone());
                Ok(answers.lock().unwrap().next())
            });
        taken
    }

    /// `save_refreshed_grant(42, lease, grant, now)` succeeds each time; returns the leases and grants.
    pub(super) fn refreshed_grants_save(
        &mut self,
        times: usize,
    ) -> Captured<(RefreshLease, StoredGrant)> {
        let saved = Captured::default();
        let sink = saved.clone();
        self.accounts
            .expect_save_refreshed_grant()
            .withf(|user_id, _, _, at| user_id == &user() && *at == now())
            .times(times)
            .returning(move |_, lease, grant, _| {
                sink.push((lease.clone(), grant.clone()));
                Ok(())
            });
        saved
    }

    /// In `seq`: TikTok rotates [`OLD_REFRESH`] into the pair ([`NEW_ACCESS`], [`NEW_REFRESH`]) once, and
    /// the rotated pair is stored once, before anything later in `seq` (its use).
    pub(super) fn rotation_stored_in(&mut self, seq: &mut mockall::Sequence) {
        self.oauth
            .expect_refresh()
            .withf(|token| token.expose() == OLD_REFRESH)
            .times(1)
            .in_sequence(seq)
            .returning(|_| Ok(token_grant(NEW_ACCESS, NEW_REFRESH)));
        self.accounts
            .expect_save_refreshed_grant()
            .withf(|_, _, grant, _| grant == &stored_grant(NEW_ACCESS, NEW_REFRESH))
            .times(1)
            .in_sequence(seq)
            .returning(|_, _, _, _| Ok(()));
    }

    /// `release_refresh_lease(42, …)` is called once; returns the lease released.
    pub(super) fn lease_released(&mut self) -> Captured<RefreshLease> {
        let released = Captured::default();
        let sink = released.clone();
        self.accounts
            .expect_release_refresh_lease()
            .withf(|user_id, _| user_id == &user())
            .times(1)
            .returning(move |_, lease| {
                sink.push(lease.clone());
                Ok(())
            });
        released
    }

    /// Whatever follows a stored profile in a sync (history snapshot, a video list with no video, the
    /// analytics) succeeds quietly, however often it is called: for tests about the profile and its tokens.
    /// A sync never runs the history retention (the background rounds do).
    pub(super) fn content_syncs_quietly(&mut self) {
        self.content.expect_purge_history_before().never();
        self.content
            .expect_record_profile_snapshot()
            .withf(|_, g, _| g == &generation())
            .returning(|_, _, _| Ok(()));
        self.content
            .expect_video_sync_state()
            .returning(|_| Ok(Default::default()));
        self.data
            .expect_list_videos()
            .returning(|_, _, _| Ok(VideoPage::default()));
        self.content
            .expect_finish_video_sync()
            .withf(|_, g, _| g == &generation())
            .returning(|_, _, _| Ok(0));
        self.analytics_kept_quietly();
    }

    /// The analytics a sync computes at its end are computed from no data and kept, however often.
    pub(super) fn analytics_kept_quietly(&mut self) {
        self.content
            .expect_analytics_data()
            .returning(|_, _| Ok(Default::default()));
        self.content
            .expect_save_analytics()
            .withf(|_, g, _, _| g == &generation())
            .returning(|_, _, _, _| Ok(()));
    }

    /// `save_profile(42, …)` stores the profile it is given and answers the account as it then is; what a
    /// sync does after that succeeds quietly ([`Mocks::content_syncs_quietly`]).
    pub(super) fn profile_saves_onto(&mut self, account: TikTokAccount) -> Captured<Profile> {
        self.content_syncs_quietly();
        let saved = Captured::default();
        let sink = saved.clone();
        self.accounts
            .expect_save_profile()
            .withf(|user_id, g, _, synced_at| {
                user_id == &user() && g == &generation() && *synced_at == now()
            })
            .times(1)
            .returning(move |_, _, profile, synced_at| {
                sink.push(profile.clone());
                let mut account = account.clone();
                account.profile = profile.clone();
                account.last_sync_at = Some(synced_at);
                Ok(account)
            });
        saved
    }
}

/// Values a mock received, for assertions after the act step.
pub(super) struct Captured<T>(Arc<Mutex<Vec<T>>>);

impl<T> Default for Captured<T> {
    fn default() -> Self {
        Self(Arc::new(Mutex::new(Vec::new())))
    }
}

impl<T> Clone for Captured<T> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<T: Clone> Captured<T> {
    pub(super) fn push(&self, value: T) {
        self.0.lock().unwrap().push(value);
    }

    pub(super) fn all(&self) -> Vec<T> {
        self.0.lock().unwrap().clone()
    }

    /// The one value received; fails unless there was exactly one.
    pub(super) fn only(&self) -> T {
        let all = self.all();
        assert_eq!(all.len(), 1, "expected exactly one call");
        all.into_iter().next().unwrap()
    }
}

/// A connected account of user `42` holding [`OLD_ACCESS`] (valid 20 h) and [`OLD_REFRESH`] (valid 300 d).
pub(super) fn connected_account() -> AccountBuilder {
    AccountBuilder(TikTokAccount {
        id: 7,
        user_id: user(),
        tiktok_user_id: open_id(),
        profile: stored_profile(),
        grant: Some(StoredGrant {
            access_token: sealed(USER, TokenKind::Access, OLD_ACCESS),
            refresh_token: sealed(USER, TokenKind::Refresh, OLD_REFRESH),
            access_token_expires_at: now() + Duration::hours(20),
            refresh_token_expires_at: now() + Duration::days(300),
            scopes: scopes(),
        }),
        scopes: scopes(),
        state: ConnectionState::Connected,
        disconnect_reason: None,
        last_sync_at: Some(now() - Duration::hours(6)),
        reauth_reason: None,
        last_sync_error: None,
        connected_at: now() - Duration::days(2),
        updated_at: now() - Duration::hours(6),
        generation: Some(generation()),
    })
}

pub(super) struct AccountBuilder(TikTokAccount);

impl AccountBuilder {
    fn grant(&mut self) -> &mut StoredGrant {
        self.0.grant.as_mut().expect("the account holds no grant")
    }

    pub(super) fn access_expires_at(mut self, at: DateTime<Utc>) -> Self {
        self.grant().access_token_expires_at = at;
        self
    }

    pub(super) fn refresh_expires_at(mut self, at: DateTime<Utc>) -> Self {
        self.grant().refresh_token_expires_at = at;
        self
    }

    /// Holds exactly this grant.
    pub(super) fn grant_is(mut self, grant: StoredGrant) -> Self {
        self.0.grant = Some(grant);
        self
    }

    /// Stores these plaintext tokens, sealed for user `42`.
    pub(super) fn tokens(mut self, access: &str, refresh: &str) -> Self {
        let grant = self.grant();
        grant.access_token = sealed(USER, TokenKind::Access, access);
        grant.refresh_token = sealed(USER, TokenKind::Refresh, refresh);
        self
    }

    /// TikTok no longer accepts the grant: tokens erased, profile kept.
    pub(super) fn reauth_required(mut self) -> Self {
        self.0.state = ConnectionState::ReauthRequired;
        self.0.grant = None;
        self
    }

    pub(super) fn disconnected(mut self, reason: DisconnectReason) -> Self {
        self.0.state = ConnectionState::Disconnected;
        self.0.generation = None;
        self.0.grant = None;
        self.0.disconnect_reason = Some(reason);
        self
    }

    pub(super) fn build(self) -> TikTokAccount {
        self.0
    }
}

/// The profile stored by the last sync.
pub(super) fn stored_profile() -> Profile {
    Profile {
        union_id: Some("union-1".into()),
        username: Some("creator".into()),
        display_name: Some("Creator".into()),
        avatar_url: Some("https://cdn.example/avatar.jpg".into()),
        follower_count: Some(10),
        following_count: Some(20),
        like_count: Some(30),
        video_count: Some(4),
    }
}

/// The profile TikTok answers with now.
pub(super) fn fresh_profile() -> Profile {
    Profile {
        follower_count: Some(1_000),
        following_count: Some(21),
        like_count: Some(45_000),
        video_count: Some(5),
        ..stored_profile()
    }
}

/// TikTok's user info for the connected account.
pub(super) fn user_info() -> UserInfo {
    UserInfo {
        open_id: Some(open_id()),
        profile: fresh_profile(),
    }
}

/// A grant from TikTok's token endpoint with the documented lifetimes.
pub(super) fn token_grant(access: &str, refresh: &str) -> TokenGrant {
    TokenGrant {
        open_id: open_id(),
        scopes: scopes(),
        access_token: AccessToken::new(secret(access)),
        expires_in: StdDuration::from_secs(EXPIRES_IN),
        refresh_token: RefreshToken::new(secret(refresh)),
        refresh_expires_in: StdDuration::from_secs(REFRESH_EXPIRES_IN),
    }
}

/// The grant [`token_grant`] becomes once sealed for user `42` at [`now`].
pub(super) fn stored_grant(access: &str, refresh: &str) -> StoredGrant {
    StoredGrant {
        access_token: sealed(USER, TokenKind::Access, access),
        refresh_token: sealed(USER, TokenKind::Refresh, refresh),
        access_token_expires_at: now() + Duration::seconds(EXPIRES_IN as i64),
        refresh_token_expires_at: now() + Duration::seconds(REFRESH_EXPIRES_IN as i64),
        scopes: scopes(),
    }
}

/// The state of the callback tests.
pub(super) fn callback_state() -> OAuthState {
    OAuthState::parse("Xq3vR7tL0pZ2mN8kB4wC6yH1jF5sD9gA2eU7iO3aQ0r").unwrap()
}

/// The pending authorization of [`callback_state`]: user `42`, default redirect URI, 5 minutes left.
pub(super) fn pending() -> PendingAuthorization {
    PendingAuthorization {
        state_fingerprint: callback_state().fingerprint(),
        user_id: user(),
        redirect_uri: RedirectUri::parse(DEFAULT_REDIRECT).unwrap(),
        code_verifier: None,
        expires_at: now() + Duration::minutes(5),
    }
}
