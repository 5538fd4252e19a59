//! Layers every request passes through, outermost first: security headers, client address,
//! same-origin check for state-changing browser requests, and (on `/api`) the rate limit.

pub mod client_ip;
pub mod rate_limit;
pub mod same_origin;
pub mod security_headers;
