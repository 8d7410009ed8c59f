//! [`InMemoryRequestBudget`]: the request budget of one process.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;

use super::Pacing;
use crate::ports::{Admission, ApiEndpoint, BudgetError, RequestBudget};

/// A request budget held in memory: right for one process (and for tests), not shared between replicas.
/// Time is tokio's, so tests can drive it with paused time.
#[derive(Debug)]
pub struct InMemoryRequestBudget {
    pacing: Pacing,
    origin: Instant,
    taken: Mutex<HashMap<ApiEndpoint, VecDeque<Duration>>>,
}

impl InMemoryRequestBudget {
    /// An empty budget paced by `pacing`.
    pub fn new(pacing: Pacing) -> Self {
        Self {
            pacing,
            origin: Instant::now(),
            taken: Mutex::new(HashMap::new()),
        }
    }
}

#[async_trait]
impl RequestBudget for InMemoryRequestBudget {
    async fn try_acquire(&self, endpoint: ApiEndpoint) -> Result<Admission, BudgetError> {
        let now = self.origin.elapsed();
        let mut all = self.taken.lock().unwrap_or_else(PoisonError::into_inner);
        let taken = all.entry(endpoint).or_default();
        while taken
            .front()
            .is_some_and(|at| self.pacing.is_stale(*at, now))
        {
            taken.pop_front();
        }
        match self.pacing.wait(taken.make_contiguous(), now) {
            Some(wait) => Ok(Admission::WaitFor(wait)),
            None => {
                taken.push_back(now);
                Ok(Admission::Granted)
            }
        }
    }
}
