//! `tiktok.account.reauth_due`: the refresher's round reports connections nearing the refresh token's expiry.

use chrono::{Duration, TimeZone, Utc};

use super::support::*;
use crate::account::ConnectionGeneration;
use crate::events::EventData;
use crate::ports::ReauthWarning;
use crate::values::UserId;

#[tokio::test]
async fn each_connection_nearing_expiry_is_reported_with_its_date() {
    let mut mocks = Mocks::default();
    let expires = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
    let warning = ReauthWarning {
        user_id: UserId::parse("42").unwrap(),
        generation: ConnectionGeneration::new("g".to_owned()),
        refresh_token_expires_at: expires,
    };
    let found = warning.clone();
    mocks
        .schedule
        .expect_due_for_reauth_warning()
        .withf(|now, until, _| *until - *now == Duration::days(14))
        .times(1)
        .returning(move |_, _, _| Ok(vec![found.clone()]));
    mocks
        .schedule
        .expect_record_reauth_warning()
        .withf(move |w, event| {
            w == &warning
                && event.data
                    == EventData::ReauthDue {
                        reauth_due_at: expires,
                    }
        })
        .times(1)
        .returning(|_, _| Ok(true));
    let service = mocks.service();
    assert_eq!(service.rounds().report_reauth_due().await.unwrap(), 1);
}
