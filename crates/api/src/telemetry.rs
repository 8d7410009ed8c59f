//! Structured logs with `tracing`: pretty for people, JSON for machines. Every request runs in a span
//! carrying its request id (tracing-actix-web), so each log line of a request can be found by that id.

use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter};

use crate::settings::LogSettings;

/// Where log lines go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogOutput {
    /// The server: standard output.
    Stdout,
    /// A command, whose standard output is its answer: standard error.
    Stderr,
}

/// Keeps the server's log writer alive: lines still queued are written when it is dropped, so hold it
/// until the process is about to exit.
#[must_use = "dropping it stops the server's log writer"]
pub struct LogGuard {
    _writer: Option<tracing_appender::non_blocking::WorkerGuard>,
}

/// Lines the server's log writer queues before a logging thread waits for it: about a second of a loaded
/// service's access lines, at most a few megabytes (tracing-appender's default, 128,000, let a lagging
/// writer hold tens of megabytes). A writer that cannot keep up slows the workers rather than losing lines.
const QUEUED_LINES: usize = 8_192;

/// Bytes of formatted lines gathered before one write to standard output.
const WRITE_BUFFER_BYTES: usize = 64 * 1024;

/// Installs the global subscriber once; later calls (tests) are ignored. Colours only when the output is a
/// terminal (and `NO_COLOR` is not set).
///
/// The server's lines (standard output) are formatted on the thread that logs them and written by a
/// thread of their own, gathered into one write per burst: a loaded service logs a line per request, and
/// a write to standard output for each one cost its workers a measurable share of their time
/// (docs/performance.md). No line is dropped: when the queue is full the logging thread waits. A command's
/// lines (standard error) are written directly, so they are out before its answer.
pub fn init(settings: &LogSettings, output: LogOutput) -> LogGuard {
    use std::io::IsTerminal;
    let terminal = match output {
        LogOutput::Stdout => std::io::stdout().is_terminal(),
        LogOutput::Stderr => std::io::stderr().is_terminal(),
    };
    let ansi = terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    match output {
        LogOutput::Stdout => {
            let buffered = std::io::BufWriter::with_capacity(WRITE_BUFFER_BYTES, std::io::stdout());
            let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
                .lossy(false)
                .buffered_lines_limit(QUEUED_LINES)
                .thread_name("log-writer")
                .finish(buffered);
            install(settings, ansi, writer);
            LogGuard {
                _writer: Some(guard),
            }
        }
        LogOutput::Stderr => {
            install(settings, ansi, std::io::stderr);
            LogGuard { _writer: None }
        }
    }
}

fn install<W>(settings: &LogSettings, ansi: bool, writer: W)
where
    W: for<'w> fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.filter));
    let registry = tracing_subscriber::registry().with(filter);
    let result = if settings.format == "json" {
        registry
            .with(
                fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(false)
                    .with_writer(writer),
            )
            .try_init()
    } else {
        registry
            .with(
                fmt::layer()
                    .with_target(false)
                    .with_ansi(ansi)
                    .with_writer(writer),
            )
            .try_init()
    };
    // A subscriber already set (by a test harness) is fine.
    drop(result);
}

/// The root span of every request. Unlike tracing-actix-web's default, it records the path only, never the
/// query string: the OAuth callback's query carries TikTok's authorization code and the state.
pub struct RedactedRootSpan;

impl tracing_actix_web::RootSpanBuilder for RedactedRootSpan {
    fn on_request_start(request: &actix_web::dev::ServiceRequest) -> tracing::Span {
        use actix_web::HttpMessage;
        let request_id = request
            .extensions()
            .get::<tracing_actix_web::RequestId>()
            .map(|id| id.to_string());
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.path = %request.path(),
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            request_id = request_id.as_deref().unwrap_or(""),
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        )
    }

    /// Records the status and the error into the span for a failed request only. A success needs nothing
    /// recorded: its access line (`monitoring::observe`) already carries the status, and a record into a
    /// span whose fields are formatted as JSON re-parses and re-writes them (a few percent of a loaded
    /// service's time, docs/performance.md).
    fn on_request_end<B: actix_web::body::MessageBody>(
        span: tracing::Span,
        outcome: &Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>,
    ) {
        let failed = match outcome {
            Ok(response) => response.response().error().is_some(),
            Err(_) => true,
        };
        if failed {
            tracing_actix_web::DefaultRootSpanBuilder::on_request_end(span, outcome);
        }
    }
}
