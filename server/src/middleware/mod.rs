//! Layers every request passes through, outermost first: security headers, client address,
//! same-origin check for state-changing browser requests, and (on `/api`) the rate limit; and,
//! per route, how long requests take.

pub mod client_ip;
pub mod rate_limit;
pub mod request_id;
pub mod request_metrics;
pub mod same_origin;
pub mod security_headers;
pub mod server_fn_errors;
