use crate::values::UserId;

/// Who is calling, as authenticated by the edge (for HTTP: the bearer JWT). The domain only asks whether
/// the caller may act for a user; how the identity was proven is the edge's business.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// A creator, who may act for their own user id only.
    User(UserId),
    /// An internal service with the admin scope, which may act for any user.
    Service {
        /// The service's name (the token's `sub`), for logs.
        name: String,
    },
}

impl Caller {
    /// Whether this caller may read or change the TikTok connection of `user_id`.
    pub fn may_act_for(&self, user_id: &UserId) -> bool {
        match self {
            Caller::User(own) => own == user_id,
            Caller::Service { .. } => true,
        }
    }
}

/// Refuses callers who may not act for `user_id` (the check every public use case starts with).
pub(super) fn ensure_may_act_for(
    caller: &Caller,
    user_id: &UserId,
) -> Result<(), super::ServiceError> {
    if caller.may_act_for(user_id) {
        Ok(())
    } else {
        tracing::warn!("caller may not act for this user");
        Err(super::ServiceError::Forbidden)
    }
}
