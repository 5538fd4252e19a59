//! Which address a request comes from: the socket's, or — only when the socket is a configured
//! trusted proxy — the nearest untrusted hop of X-Forwarded-For. Several replicas behind one proxy
//! then all see the real client.

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{ConnectInfo, Request, State},
    middleware::Next,
    response::Response,
};
use domain::Services;
use edge::ClientIp;
use ipnet::IpNet;

pub fn resolve(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    // Right to left: each trusted proxy appended the address it received the request from.
    for hop in forwarded_for.into_iter().flat_map(|h| h.rsplit(',')) {
        let Ok(ip) = hop.trim().parse::<IpAddr>() else { break };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    client
}

pub async fn layer(State(services): State<Services>, mut request: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let forwarded = request.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok());
        let ip = resolve(peer.ip(), forwarded, &services.config.trusted_proxies);
        request.extensions_mut().insert(ClientIp(ip));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::resolve;

    fn ip(s: &str) -> std::net::IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let trusted = vec!["10.0.0.0/8".parse().unwrap()];
        // Direct client: its header is ignored, it could say anything.
        assert_eq!(resolve(ip("203.0.113.9"), Some("1.2.3.4"), &trusted), ip("203.0.113.9"));
        // Through the proxy: the hop the proxy saw.
        assert_eq!(resolve(ip("10.0.0.2"), Some("198.51.100.7"), &trusted), ip("198.51.100.7"));
        // A client-supplied prefix is skipped: the nearest untrusted hop wins.
        assert_eq!(resolve(ip("10.0.0.2"), Some("6.6.6.6, 198.51.100.7, 10.0.0.3"), &trusted), ip("198.51.100.7"));
        // No header from a proxy: the proxy itself.
        assert_eq!(resolve(ip("10.0.0.2"), None, &trusted), ip("10.0.0.2"));
        // Nothing trusted: always the socket.
        assert_eq!(resolve(ip("10.0.0.2"), Some("198.51.100.7"), &[]), ip("10.0.0.2"));
    }
}
