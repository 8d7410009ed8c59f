//! Events for internal services (issue #12): what happened to a creator's connection, written to a
//! transactional outbox together with the change it reports, then delivered by signed webhooks.
//!
//! The model ([`Event`], [`EventData`]) says what an event is; the ports ([`EventOutbox`],
//! [`EventDelivery`]) say what the dispatcher needs from storage and from the network; the
//! [`Dispatcher`] claims due deliveries, sends them and records the outcome (retry with backoff, fail
//! after the retry window, disable an endpoint that answers 410).

pub mod account_events;
mod backoff;
mod dispatcher;
mod feed;
mod id;
mod model;
mod ports;
#[cfg(test)]
mod tests;

pub use backoff::*;
pub use dispatcher::*;
pub use feed::*;
pub use id::*;
pub use model::*;
pub use ports::*;
